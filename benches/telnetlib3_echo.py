#!/usr/bin/env python3
"""A line-echo server on telnetlib3 (the Python reference implementation), the load anchor.

    .venv/bin/python benches/telnetlib3_echo.py [PORT]      # default 6024, loopback only

Every line a client sends comes back as-is after telnetlib3's usual negotiation (bytes, no
encoding, connect_maxwait 0.5 s), the same server the shared anchors describe.
"""
import asyncio
import sys

import telnetlib3


async def echo_shell(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    writer.close()


async def main(port):
    server = await telnetlib3.create_server(
        host="127.0.0.1", port=port, shell=echo_shell, encoding=False, connect_maxwait=0.5, timeout=0
    )
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 6024))
