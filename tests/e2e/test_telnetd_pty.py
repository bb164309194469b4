"""telnetd end to end, the terminal side: window size and resizes, IAC IP interrupting the
foreground program, 8-bit data both ways in BINARY mode, and the connection closing when the
program exits.
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import fail  # noqa: E402
from common import DO, IAC  # noqa: E402
from telnetd_peer import BINARY, Peer, gone, start, stop, wait_process  # noqa: E402

LOGOUT = 18


def test_window_size_and_interrupt():
    prog, port = start(["--exec", "/bin/sh", "-i"])
    p = Peer(port, naws=(101, 37))
    p.send_line('echo "A=$(stty size)."')
    p.expect("A=37 101.")
    # A resize reaches the terminal (TIOCSWINSZ) at once.
    p.send_naws(120, 50)
    p.send_line('echo "B=$(stty size)."')
    p.expect("B=50 120.")

    # IAC IP interrupts the foreground job; the shell takes commands again right away.
    p.send_line("sleep 37; echo D$((1+1))")
    sleeper = wait_process(["sleep", "37"])
    t0 = time.time()
    p.send_ip()
    p.send_line("echo E$((2+3))")
    p.expect("E5", timeout=5)
    if b"D2" in p.data:
        fail("the command after sleep ran: IP did not interrupt the job")
    elapsed = time.time() - t0
    if not gone(sleeper):
        fail("sleep survived IP")
    if elapsed > 3:
        fail(f"IP took {elapsed:.1f} s to interrupt sleep")
    p.send_line("exit")
    if not p.wait_closed():
        fail("the connection stayed open after the shell exited")
    stop(prog)
    print(f"ok window size, resize, IP ({elapsed:.2f} s)")


def test_binary():
    """0x80..0xFF both ways, 0xFF doubled on the wire (IAC IAC), nothing stripped to 7 bits."""
    high = bytes(range(0x80, 0x100))
    octal = "".join(f"\\{b:03o}" for b in high)
    script = (f"stty raw -echo; printf READY; head -c {len(high)} | od -An -v -tx1; "
              f"printf 'OUT<{octal}>'; sleep 1")
    prog, port = start(["--exec", "/bin/sh", "-c", script])
    p = Peer(port, binary=True)
    p.expect("READY")
    if BINARY not in p.local or BINARY not in p.remote:
        fail(f"BINARY not in effect both ways: local {p.local}, remote {p.remote}")
    p.send(high.replace(b"\xff", b"\xff\xff"))
    seen = p.expect(">")
    hexdump, _, out = seen.partition(b"OUT<")
    got = bytes(int(x, 16) for x in hexdump.split())
    if got != high:
        fail(f"client to program: {got.hex()} instead of {high.hex()}")
    if out[:-1] != high:
        fail(f"program to client: {out[:-1].hex()} instead of {high.hex()}")
    if not p.wait_closed():
        fail("the connection stayed open after the program exited")
    stop(prog)
    print("ok binary both ways")


def test_child_exit_and_typeahead():
    # Output written just before the exit still arrives; then the connection closes.
    prog, port = start(["--exec", "/bin/sh", "-c", "read line; echo \"GOT:$line.\"; exit 3"])
    # Typed before the negotiation settled (the child does not exist yet): kept, not lost.
    p = Peer(port)
    p.send_line("early")
    p.expect("GOT:early.")
    t0 = time.time()
    if not p.wait_closed(10):
        fail("the connection stayed open after the program exited")
    elapsed = time.time() - t0
    err = stop(prog)
    if "child exited with status 3" not in err:
        fail(f"exit status not logged: {err!r}")
    print(f"ok child exit closes the connection ({elapsed:.2f} s)")


def test_logout():
    """RFC 727: DO LOGOUT is agreed to; the connection closes and the program gets SIGHUP."""
    prog, port = start(["--exec", "/bin/sh", "-i"])
    p = Peer(port)
    p.send_line('echo "PID=$$=END"')
    pid = None
    for _ in range(2):  # the typed line comes back first (the terminal echoes), then the output
        m = re.search(rb"PID=(\d+)=END", p.expect("=END"))
        if m:
            pid = int(m.group(1))
            break
    if pid is None:
        fail("the shell did not print its pid")
    p.send(bytes([IAC, DO, LOGOUT]))
    if not p.wait_closed(10):
        fail("the connection stayed open after DO LOGOUT")
    if not gone(pid):
        fail("the shell outlived the logout")
    stop(prog)
    print("ok LOGOUT")


def test_spawn_failure():
    """The program vanished after start-up: the client is told, the connection closes, the
    daemon keeps serving."""
    with tempfile.TemporaryDirectory(prefix="tn-telnetd-") as tmp:
        path = os.path.join(tmp, "prog")
        with open(path, "w") as f:
            f.write("#!/bin/sh\necho HELLO$((1+1))\n")
        os.chmod(path, 0o700)
        prog, port = start(["--exec", path])
        p = Peer(port)
        p.expect("HELLO2")
        p.wait_closed()
        os.unlink(path)
        p = Peer(port)
        p.expect("cannot start a session")
        if not p.wait_closed():
            fail("the connection stayed open after the program could not start")
        err = stop(prog)
        if "No such file or directory" not in err:
            fail(f"the spawn failure was not logged with its reason: {err!r}")
    print("ok spawn failure")


def main():
    test_window_size_and_interrupt()
    test_binary()
    test_child_exit_and_typeahead()
    test_logout()
    test_spawn_failure()


if __name__ == "__main__":
    main()
