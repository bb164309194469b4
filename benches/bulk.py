#!/usr/bin/env python3
"""Bulk output through telnetd: a child writes MB megabytes to its pty, a client reads them.

    python3 benches/bulk.py [--mb 50] [--telnetd build/examples-c/telnetd] [--json FILE]

Measures, in the same run and with the same child program:
  pty        the pty alone: a reader on the master of a pty whose child writes the data;
  telnet-rs  our telnetd (--exec the child) and a client socket reading until the close;
  inetutils  inetutils telnetd (-E the child) behind a loopback acceptor, if installed.
The client answers every negotiation with a refusal, so both daemons stay in NVT mode and send
the data through their normal output path. Best of three runs each.
"""
import argparse
import json
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


def child_script(tmp, mb):
    path = os.path.join(tmp, "bulk.sh")
    with open(path, "w") as f:
        # Raw mode: the pty passes bytes as they are (no CR insertion), like a file transfer.
        f.write("#!/bin/sh\nstty raw -echo\n"
                f"yes abcdefghijklmnopqrstuvwxyz0123456789 | head -c {mb * 1000000}\n")
    os.chmod(path, 0o755)
    return path


def pty_alone(script, total):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(script, [script])
    got, t0 = 0, None
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        if t0 is None:
            t0 = time.perf_counter()
        got += len(chunk)
    elapsed = time.perf_counter() - t0
    os.waitpid(pid, 0)
    os.close(fd)
    return got, elapsed


def pty_script(script, total):
    """The pty alone with a C reader: util-linux script(1) copying the pty to a pipe."""
    t0 = time.perf_counter()
    p = subprocess.Popen(["script", "-q", "-e", "-c", script, "/dev/null"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    got = 0
    while True:
        chunk = p.stdout.read1(1 << 20)
        if not chunk:
            break
        got += len(chunk)
    p.wait()
    return got, time.perf_counter() - t0


def refuse(s, data, state):
    """Answers DO with WONT and WILL with DONT; returns the data bytes (with IAC escapes)."""
    buf = state + data
    if IAC not in buf:
        return buf, b""
    out = bytearray()
    reply = bytearray()
    i = 0
    while i < len(buf):
        b = buf[i]
        if b != IAC:
            out.append(b)
            i += 1
            continue
        if i + 1 >= len(buf):
            break
        c = buf[i + 1]
        if c in (WILL, WONT, DO, DONT):
            if i + 2 >= len(buf):
                break
            if c == DO:
                reply += bytes([IAC, WONT, buf[i + 2]])
            elif c == WILL:
                reply += bytes([IAC, DONT, buf[i + 2]])
            i += 3
        elif c == SB:
            j = buf.find(bytes([IAC, SE]), i)
            if j < 0:
                break
            i = j + 2
        else:
            if c == IAC:
                out.append(IAC)
            i += 2
    if reply:
        s.sendall(reply)
    return bytes(out), bytes(buf[i:])


def telnet_read(port, total, timeout=120):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    got, t0, state = 0, None, b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        chunk = s.recv(1 << 18)
        if not chunk:
            break
        data, state = refuse(s, chunk, state)
        if data and t0 is None:
            t0 = time.perf_counter()
        got += len(data)
    elapsed = time.perf_counter() - t0 if t0 else float("inf")
    s.close()
    return got, elapsed


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


ACCEPTOR = r"""
import os, signal, socket, sys
port, argv = int(sys.argv[1]), sys.argv[2:]
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port)); l.listen(16)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
while True:
    c, _ = l.accept()
    if os.fork() == 0:
        l.close()
        for fd in (0, 1, 2):
            os.dup2(c.fileno(), fd)
        os.execv(argv[0], argv)
    c.close()
"""


def best(fn, runs=3):
    rates = []
    for _ in range(runs):
        got, elapsed = fn()
        rates.append(got / elapsed / 1e6)
    return max(rates), got


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--telnetd", default=os.path.join("build", "examples-c", "telnetd"))
    ap.add_argument("--json")
    a = ap.parse_args()
    results = {"mb": a.mb}
    with tempfile.TemporaryDirectory() as tmp:
        script = child_script(tmp, a.mb)
        total = a.mb * 1000000
        pty_python, _ = best(lambda: pty_alone(script, total))
        pty_c = best(lambda: pty_script(script, total))[0] if shutil.which("script") else 0.0
        results["pty_python_reader_mb_s"] = pty_python
        results["pty_script_reader_mb_s"] = pty_c
        results["pty_mb_s"] = max(pty_python, pty_c)

        port = free_port()
        d = subprocess.Popen([a.telnetd, "--port", str(port), "--exec", script],
                             stderr=subprocess.DEVNULL)
        try:
            wait_port(port)
            rate, got = best(lambda: telnet_read(port, total))
            results["telnet_rs_mb_s"] = rate
            results["telnet_rs_bytes"] = got
        finally:
            d.send_signal(signal.SIGTERM)
            d.wait(timeout=20)

        inetutils = shutil.which("telnetd") or ("/usr/sbin/telnetd" if os.path.exists("/usr/sbin/telnetd") else None)
        if inetutils:
            port = free_port()
            acc = subprocess.Popen([sys.executable, "-c", ACCEPTOR, str(port), inetutils, "-h", "-E", script],
                                   stderr=subprocess.DEVNULL)
            try:
                wait_port(port)
                rate, got = best(lambda: telnet_read(port, total))
                results["inetutils_mb_s"] = rate
                results["inetutils_bytes"] = got
            finally:
                acc.kill()
                acc.wait()
    print(json.dumps(results))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f)


if __name__ == "__main__":
    main()
