"""End-to-end test of examples-c/telnet-talker (the multi-user chat).

Two users chat (/me, /who, /nick, /quit and the announcements); control bytes never travel from
one user to another; a character-mode client works; a user that never reads while another floods
2000 messages neither delays the others nor makes the server's memory grow, and is disconnected;
300 users connect at once and one message reaches all of them. The command line and a clean exit
on SIGTERM are checked too.
"""
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402
from common import DO, IAC, WILL, fail  # noqa: E402

SGA = 3
GA = 249
SLOW = 4 if common.VALGRIND else 1   # valgrind runs the server many times slower
DEADLINE = 15.0 * SLOW


class User:
    """A chat user on a raw socket. The talker negotiates nothing, so this client never has
    to answer: it only removes IAC sequences (the GA after the prompt) from what it reads."""

    def __init__(self, port, rcvbuf=None, mss=None):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if mss:
            self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        self.s.settimeout(DEADLINE)
        self.s.connect(("127.0.0.1", port))
        self.raw = b""
        self.text = b""
        self.closed = False

    def send(self, data):
        self.s.sendall(data.encode() if isinstance(data, str) else data)

    def line(self, text):
        self.send(text.encode() + b"\r\n")

    def pump(self, timeout=0.1):
        self.s.settimeout(timeout)
        try:
            chunk = self.s.recv(65536)
        except socket.timeout:
            return
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
            return
        self.raw += chunk
        self.text += chunk

    def expect(self, pattern, timeout=DEADLINE):
        if isinstance(pattern, str):
            pattern = pattern.encode()
        deadline = time.time() + timeout
        while pattern not in common.strip_iac(self.text):
            if time.time() > deadline or self.closed:
                fail(f"expected {pattern!r}, got {common.strip_iac(self.text)[-1500:]!r}")
            self.pump()
        text = common.strip_iac(self.text)
        i = text.index(pattern) + len(pattern)
        self.text = text[i:]
        return text[:i]

    def join(self, nick):
        self.expect("Your nickname: ")
        self.line(nick)
        return self.expect(f"*** Welcome, {nick}.")

    def close(self):
        self.s.close()


def start_talker():
    port = common.free_port()
    prog = common.Program([common.binary("telnet-talker"), "--port", str(port)])
    common.wait_port(port, timeout=30)
    return prog, port


def stop_talker(prog):
    code, _, err = prog.stop(signal.SIGTERM)
    if code != 0:
        fail(f"telnet-talker exited with {code}: {err}")
    if "listening on 127.0.0.1:" not in err:
        fail(f"no 'listening on' line on stderr: {err!r}")
    return err


def test_chat(port):
    alice = User(port)
    alice.expect("Welcome to the telnet-rs talker.")
    alice.expect("Your nickname: ")
    if (bytes([IAC, GA])) not in alice.raw:
        fail("the nickname prompt is not marked with IAC GA")
    alice.line("bad nick!")
    alice.expect("*** A nickname is 1 to 16 letters")
    alice.line("x" * 17)
    alice.expect("*** A nickname is 1 to 16 letters")
    alice.line("alice")
    alice.expect("*** Welcome, alice. 1 user is here")

    bob = User(port)
    bob.expect("Your nickname: ")
    bob.line("ALICE")
    bob.expect("*** The nickname alice is taken.")
    bob.line("bob")
    bob.expect("*** Welcome, bob. 2 users are here")
    alice.expect("*** bob joined.")

    alice.line("hello, bob")
    bob.expect("<alice> hello, bob\r\n")
    alice.expect("<alice> hello, bob\r\n")
    bob.line("/me waves")
    alice.expect("* bob waves\r\n")
    alice.line("/who")
    out = alice.expect("alice bob")
    if b"*** 2 users here:" not in out:
        fail(f"/who: {out!r}")
    alice.line("/help")
    alice.expect("/quit [MSG]")
    alice.line("/frob")
    alice.expect("*** Unknown command /frob")

    # Control bytes, escape sequences, C1 controls and broken UTF-8 never reach the others.
    bob.text = b""
    alice.send(b"evil\x1b[2J\x07 \x1b]0;title\x07text \xc2\x9b5m \xff\xff caf\xc3\xa9\r\n")
    seen = bob.expect(" caf\u00e9\r\n".encode())
    data = common.strip_iac(bob.raw)
    if any(b in data for b in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xff")):
        fail(f"a control byte reached another user: {seen!r}")
    if b"<alice> evil text ??5m ? caf\xc3\xa9\r\n" not in seen:
        fail(f"sanitized line: {seen!r}")

    alice.line("/nick alicia")
    bob.expect("*** alice is now known as alicia.")
    bob.line("/nick alicia")
    bob.expect("*** The nickname alicia is taken.")
    alice.line("/quit see you")
    alice.expect("*** Bye, alicia.")
    bob.expect("*** alicia left (see you).")
    deadline = time.time() + DEADLINE
    while not alice.closed and time.time() < deadline:
        alice.pump()
    if not alice.closed:
        fail("/quit did not close the connection")
    # A connection that just goes away is announced too.
    carol = User(port)
    carol.join("carol")
    bob.expect("*** carol joined.")
    carol.close()
    bob.expect("*** carol left.")
    bob.close()


def test_character_mode(port):
    """A client in character mode: one byte per packet, its own editing keys, CR NUL."""
    c = User(port)
    c.send(bytes([IAC, DO, SGA, IAC, WILL, SGA]))
    c.expect("Your nickname: ")
    for b in b"dabe\x7f\x08ve\r\x00":
        c.send(bytes([b]))
        time.sleep(0.01)
    c.expect("*** Welcome, dave.")
    if bytes([IAC, WILL, SGA]) not in c.raw:
        fail(f"the talker did not agree to suppress go-ahead: {c.raw!r}")
    c.line("/quit")
    c.expect("*** Bye, dave.")
    c.close()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    fail("no VmRSS")


class Drain(threading.Thread):
    """Reads a socket into `all` until told to stop."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.s, self.all, self.halt = sock, b"", False

    def run(self):
        # select, not a socket timeout: the main thread sends on the same socket meanwhile.
        while not self.halt:
            if not select.select([self.s], [], [], 0.1)[0]:
                continue
            try:
                chunk = self.s.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            self.all += chunk


def test_slow_reader(prog, port):
    """A user that never reads while another floods: the others are not held up, the server's
    memory stays flat, and the user that never reads is disconnected."""
    # A small receive buffer and a small MSS (which keeps the server's send buffer small on
    # loopback, where the MSS is 64 KiB) make the kernel hold little for the user that never
    # reads, so the talker's own queue for it fills.
    slow = User(port, rcvbuf=2048, mss=536)
    slow.join("slow")
    flood = User(port)
    flood.join("flood")
    watch = User(port)
    watch.join("watch")
    chat = User(port)
    chat.join("chat")
    pid = prog.proc.pid
    before = rss_kb(pid)

    flood_drain = Drain(flood.s)
    watch_drain = Drain(watch.s)
    flood_drain.start()
    watch_drain.start()
    # 2000 lines of about 240 bytes, in one go.
    pad = "x" * 220
    started = time.time()
    flood.send("".join(f"msg {i:04d} {pad}\r\n" for i in range(2000)))
    # Another user's message still reaches the watching user promptly.
    chat.line("ping")
    deadline = time.time() + DEADLINE / 3
    while b"<chat> ping" not in watch_drain.all and time.time() < deadline:
        time.sleep(0.01)
    ping = time.time() - started
    if b"<chat> ping" not in watch_drain.all:
        fail(f"a message sent during the flood did not arrive within {DEADLINE / 3:.0f}s")
    deadline = time.time() + 2 * DEADLINE
    while b"*** slow was disconnected (not reading)." not in watch_drain.all:
        if time.time() > deadline:
            fail("the user that never reads was not disconnected")
        time.sleep(0.05)
    kicked = time.time() - started
    watch_drain.halt = flood_drain.halt = True
    watch_drain.join()
    flood_drain.join()
    got = watch_drain.all.count(b"<flood> msg")
    if got == 0 or b"watch was disconnected" in watch_drain.all:
        fail(f"the watching user lost the flood: {got} messages")
    after = rss_kb(pid)
    # Each queue is capped at 64 KiB; what does not fit is dropped, not kept.
    limit = 100_000 if common.VALGRIND else 10_000
    if after - before > limit:
        fail(f"server RSS grew from {before} kB to {after} kB during the flood")
    print(f"flood: ping after {ping:.2f}s, watcher got {got} of 2000, never-reader "
          f"disconnected after {kicked:.1f}s, RSS {before} -> {after} kB", flush=True)
    for u in (slow, flood, watch, chat):
        u.close()


def test_many_users(port, n=60 if common.VALGRIND else 300):
    users = []
    for i in range(n):
        u = User(port)
        u.line(f"u{i:03d}")   # typed ahead of the prompt: the talker reads it when it comes
        users.append(u)
    sel = selectors.DefaultSelector()
    for u in users:
        u.s.setblocking(False)
        sel.register(u.s, selectors.EVENT_READ, u)

    def pump_until(done, what):
        deadline = time.time() + 4 * DEADLINE
        while not all(done(u) for u in users):
            if time.time() > deadline:
                missing = [i for i, u in enumerate(users) if not done(u)]
                fail(f"{len(missing)} users never got {what} (first: u{missing[0]:03d})")
            for key, _ in sel.select(0.2):
                try:
                    chunk = key.fileobj.recv(1 << 16)
                except BlockingIOError:
                    continue
                # Look for the markers before trimming: one read can hold the welcome followed
                # by more than the kept tail of other users' join announcements.
                seen = key.data.text + chunk
                if b"*** Welcome" in seen:
                    key.data.welcomed = True
                if b"<u000> hello, everyone" in seen:
                    key.data.heard = True
                # Keep memory small: a marker cut by a read boundary is still in the tail.
                key.data.text = seen[-4096:]

    for u in users:
        u.welcomed = u.heard = False
    pump_until(lambda u: u.welcomed, "the welcome")
    started = time.time()
    users[0].s.sendall(b"hello, everyone\r\n")
    pump_until(lambda u: u.heard, "the message")
    print(f"{n} users: one message reached all in {time.time() - started:.2f}s", flush=True)
    sel.close()
    for u in users:
        u.close()


def test_command_line():
    exe = common.binary("telnet-talker")
    r = subprocess.run([exe, "--help"], capture_output=True, timeout=30)
    if r.returncode != 0 or b"--port" not in r.stdout:
        fail(f"--help: {r.returncode} {r.stdout!r}")
    r = subprocess.run([exe, "--port"], capture_output=True, timeout=30)
    if r.returncode != 2:
        fail(f"missing value: {r.returncode} {r.stderr!r}")
    common.check_busy_port(exe)


def main():
    test_command_line()
    prog, port = start_talker()
    try:
        test_chat(port)
        test_character_mode(port)
        test_slow_reader(prog, port)
        test_many_users(port)
        last = User(port)
        last.join("last")
    except SystemExit:
        prog.stop(signal.SIGKILL)
        raise
    err = stop_talker(prog)
    last.expect("*** The talker is shutting down.")
    if "disconnected slow, not reading" not in err:
        fail(f"the slow user's disconnection is not logged: {err!r}")
    print("ok")


if __name__ == "__main__":
    main()
