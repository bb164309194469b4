"""telnetd with a real client: inetutils telnet (BSD-derived: LINEMODE with SLC, NEW-ENVIRON,
NAWS, TTYPE) on a pty, as a user would run it. `stty size` shows the client's window and follows
a resize, TERM is the client's, ^C interrupts the foreground program, `-l USER` reaches login
after "--" and `-l "-f root"` does not.
"""
import fcntl
import os
import re
import struct
import sys
import tempfile
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import fail  # noqa: E402
from telnetd_peer import gone, read_record, start, stop, wait_process, write_stub  # noqa: E402

TELNET = common.need("telnet", "apt-get install inetutils-telnet")
ENV = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": "/tmp"}


def resized(term, size, timeout=10.0):
    """Asks the shell for its size until it shows `size` ("ROWS COLS"): the client sends NAWS
    when it handles SIGWINCH, which may come after it forwarded a command typed just before."""
    deadline = time.time() + timeout
    n = 0
    while time.time() < deadline:
        n += 1
        term.send(f'echo "B{n}=$(stty size)."\r')
        pattern = re.compile(rb"B%d=(\d+ \d+)\." % n)   # not the echoed command: no digits
        step = time.time() + 3
        while time.time() < step and not pattern.search(term.buf):
            term.read_some(0.1)
        m = pattern.search(term.buf)
        if m and m.group(1).decode() == size:
            term.buf = term.buf[m.end():]
            return
        time.sleep(0.2)
    fail(f"the window size never became {size}: {term.buf[-500:]!r}")


def quit_client(term):
    term.send("exit\r")
    status = term.close(10)
    if status not in (0, 1):
        fail(f"telnet exited with {status}")


def main():
    with tempfile.TemporaryDirectory(prefix="tn-telnetd-") as tmp:
        stub = write_stub(tmp)
        prog, port = start(["--login-program", stub])

        term = common.Pty([TELNET, "-l", "alice", "127.0.0.1", str(port)], env=ENV,
                          cols=111, rows=33)
        _, args, env = read_record(tmp, term, 10.0)
        if args != ["-p", "-h", "127.0.0.1", "--", "alice"]:
            fail(f"telnet -l alice: login argv {args}")
        if env.get("TERM") != "xterm-256color" or env.get("USER") != "alice":
            fail(f"telnet -l alice: environment {env}")
        term.send('echo "A=$(stty size)."\r')
        term.expect("A=33 111.")
        # The client's window changes: it gets SIGWINCH and sends NAWS.
        fcntl.ioctl(term.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        resized(term, "40 120")
        # ^C on the client's keyboard interrupts the foreground program.
        term.send("sleep 38; echo D$((1+1))\r")
        sleeper = wait_process(["sleep", "38"])
        term.send("\x03")
        term.send("echo E$((2+3))\r")
        term.expect("E5", timeout=5)
        if "D2" in term.buf.decode(errors="replace") or not gone(sleeper):
            fail("^C did not interrupt sleep")
        quit_client(term)

        # A hostile user name from a real client stays out of login's options.
        term = common.Pty([TELNET, "-l", "-f root", "127.0.0.1", str(port)], env=ENV)
        _, args, env = read_record(tmp, term, 10.0)
        if args != ["-p", "-h", "127.0.0.1"] or "USER" in env:
            fail(f"telnet -l '-f root': login argv {args}, USER {env.get('USER')!r}")
        quit_client(term)
        stop(prog)
    print("ok inetutils telnet")


if __name__ == "__main__":
    main()
