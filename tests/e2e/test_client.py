#!/usr/bin/env python3
"""End-to-end tests of telnet-client against a scripted Telnet server written here.

The server is a socket with a reader thread: the test decides what it sends and when, and checks
what the client sent, so every exchange is deterministic. The interactive parts run the client on
a pseudo-terminal (common.Pty); under TN_VALGRIND=1 the client runs under valgrind there too.
"""
import fcntl
import os
import re
import shlex
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import DO, DONT, IAC, SB, SE, WILL, WONT, fail  # noqa: E402

ECHO, SGA, STATUS, TM, TTYPE, NAWS, TSPEED, LFLOW, LINEMODE, NEW_ENVIRON = (
    1, 3, 5, 6, 24, 31, 32, 33, 34, 39)
EOF_CMD, IP, AYT = 236, 244, 246
CLIENT = common.binary("telnet-client")
SLOW = 3.0 if common.VALGRIND else 1.0  # valgrind makes every step slower


# --------------------------------------------------------------------------------------------
# the scripted server

class Server:
    """One connection; a thread collects everything the client sends."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.conn = None
        self.buf = b""
        self.eof = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.listener.settimeout(60)
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        self.conn = conn
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                chunk = b""
            with self.lock:
                if not chunk:
                    self.eof = True
                    return
                self.buf += chunk

    def events(self):
        with self.lock:
            return common.tokens(self.buf)

    def data(self):
        return b"".join(e[1] for e in self.events() if e[0] == "data")

    def wait(self, pred, what, timeout=10.0):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            ev = self.events()
            if pred(ev):
                return ev
            time.sleep(0.02)
        fail(f"server: expected {what}; the client sent {self.buf[-600:]!r}")

    def wait_connected(self):
        deadline = time.time() + 20 * SLOW
        while self.conn is None and time.time() < deadline:
            time.sleep(0.02)
        if self.conn is None:
            fail("the client never connected")

    def wait_data(self, pattern, timeout=10.0):
        return self.wait(lambda ev: pattern in b"".join(e[1] for e in ev if e[0] == "data"),
                         f"data {pattern!r}", timeout)

    def wait_eof(self, timeout=10.0):
        deadline = time.time() + timeout * SLOW
        while not self.eof and time.time() < deadline:
            time.sleep(0.02)
        if not self.eof:
            fail("the client did not close the connection")

    def send(self, data):
        self.conn.sendall(data)

    def close(self):
        if self.conn:
            try:
                self.conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.conn.close()
        self.listener.close()


def neg(verb, opt):
    return bytes([IAC, verb, opt])


def sb(opt, payload):
    return bytes([IAC, SB, opt]) + payload.replace(b"\xff", b"\xff\xff") + bytes([IAC, SE])


OPENING = [(DO, SGA), (WILL, TTYPE), (WILL, NAWS), (WILL, TSPEED), (WILL, LFLOW),
           (WILL, LINEMODE), (WILL, NEW_ENVIRON), (DO, STATUS)]


def answer_opening(srv, character=True, echo=True, linemode=False):
    """Waits for the client's BSD-style opening and answers all of it, so that it settles."""
    srv.wait(lambda ev: all(("neg", v, o) in ev for v, o in OPENING),
             "the opening DO SGA, WILL TTYPE, WILL NAWS, WILL TSPEED, WILL LFLOW, WILL LINEMODE,"
             " WILL NEW-ENVIRON, DO STATUS")
    reply = neg(WILL if character else WONT, SGA) + (neg(WILL, ECHO) if echo else b"")
    reply += neg(DO, TTYPE) + neg(DO, NAWS) + neg(DO, NEW_ENVIRON)
    reply += neg(DONT, TSPEED) + neg(DONT, LFLOW) + neg(DO if linemode else DONT, LINEMODE)
    reply += neg(WONT, STATUS)
    srv.send(reply)


def sync(srv):
    """Waits until the client processed everything sent so far (it answers DO TIMING-MARK in
    order), then a moment for the terminal mode it sets after that."""
    count = sum(1 for e in srv.events() if e == ("neg", WILL, TM))
    srv.send(neg(DO, TM))
    srv.wait(lambda ev: sum(1 for e in ev if e == ("neg", WILL, TM)) > count, "WILL TIMING-MARK")
    time.sleep(0.2 * SLOW)


def sbs(ev, opt):
    return [e[2] for e in ev if e[0] == "sb" and e[1] == opt]


def env_vars(payload):
    """NEW-ENVIRON IS payload (after the IS byte) -> [(name, value)]."""
    items, cur, field = [], None, None
    i = 0
    while i < len(payload):
        b = payload[i]
        if b in (0, 3):  # VAR, USERVAR
            cur = [bytearray(), None]
            items.append(cur)
            field = 0
        elif b == 1:  # VALUE
            cur[1] = bytearray()
            field = 1
        else:
            if b == 2 and i + 1 < len(payload):  # ESC
                i += 1
                b = payload[i]
            cur[field].append(b)
        i += 1
    return [(bytes(n).decode(), None if v is None else bytes(v).decode()) for n, v in items]


# --------------------------------------------------------------------------------------------
# running the client

def client_argv(*args):
    """The client's argv, under valgrind when TN_VALGRIND=1; and its valgrind log (or None)."""
    argv = [CLIENT, *args]
    if not common.VALGRIND:
        return argv, None
    log = f"/tmp/tn-e2e-{os.getpid()}-client-{time.time_ns()}.vg"
    return ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
            f"--log-file={log}", "--track-fds=no"] + argv, log


def check_valgrind(log, code=None):
    if not log:
        return
    report = open(log).read() if os.path.exists(log) else ""
    if code == 99 or ("ERROR SUMMARY" in report and "ERROR SUMMARY: 0" not in report):
        fail(f"valgrind found errors:\n{report}")
    if os.path.exists(log):
        os.unlink(log)


def client_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/home/alice",
           "USER": "alice", "SECRET": "hunter2", "LANG": "en_US.UTF-8", "TERM": "vt100"}
    env.update(extra)
    return env


def wait_exit(proc, what, timeout=15.0):
    try:
        proc.wait(timeout=timeout * SLOW)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{what}: the client did not exit")


# --------------------------------------------------------------------------------------------
# tests

def test_usage():
    for args, code, text, stream in [
            (["--help"], 0, "Usage: telnet-client HOST [PORT]", 1),
            ([], 2, "missing HOST", 2),
            (["127.0.0.1", "23", "--encoding", "ebcdic"], 2, "unknown encoding", 2),
            (["127.0.0.1", "--bogus"], 2, "unknown option", 2),
            (["127.0.0.1", "99999"], 2, "bad port", 2)]:
        p = common.Program([CLIENT, *args])
        wait_exit(p.proc, f"telnet-client {args}")
        rc, out, err = p.stop()
        if rc != code or text not in (out if stream == 1 else err):
            fail(f"telnet-client {args}: exit {rc}, stdout {out!r}, stderr {err!r}")


def test_refused():
    port = common.free_port()
    p = common.Program([CLIENT, "127.0.0.1", str(port)])
    wait_exit(p.proc, "connection refused")
    rc, _, err = p.stop()
    want = f"telnet-client: cannot connect to 127.0.0.1:{port}: Connection refused"
    if rc != 1 or want not in err:
        fail(f"refused: exit {rc}, stderr {err!r}")


def test_pipe():
    """printf 'hello\\n' | telnet-client: hello goes out as hello CR LF; the server's close ends
    the client with 0, its output on stdout."""
    srv = Server()
    p = common.Program([CLIENT, "127.0.0.1", str(srv.port), "--encoding", "latin1",
                        "--term=ansi-bbs,vt100"], env=client_env(), stdin=subprocess.PIPE)
    srv.wait_connected()
    answer_opening(srv)
    p.proc.stdin.write(b"hello\n")
    p.proc.stdin.flush()
    srv.wait_data(b"hello\r\n")
    # The --term list is reported in turn, the last one repeated (RFC 1091).
    for _ in range(3):
        srv.send(sb(TTYPE, b"\x01"))
    ev = srv.wait(lambda ev: len(sbs(ev, TTYPE)) == 3, "three TTYPE IS")
    if sbs(ev, TTYPE) != [b"\x00ansi-bbs", b"\x00vt100", b"\x00vt100"]:
        fail(f"TTYPE cycle {sbs(ev, TTYPE)}")
    srv.send(b"caf\xe9 goodbye from the server\r\n")
    time.sleep(0.2)
    srv.close()
    wait_exit(p.proc, "pipe")
    rc, out, err = p.stop()
    if rc != 0 or "café goodbye from the server\n" not in out \
            or "Connected to 127.0.0.1" not in err:
        fail(f"pipe: exit {rc}, stdout {out!r}, stderr {err!r}")
    if "Escape character" in err:
        fail("pipe: the escape character is announced without a terminal")


def test_file_drain():
    """stdin from a regular file (the engine cannot watch it): both lines go out, then the
    client closes by itself once the server stayed quiet, exit 0."""
    srv = Server()
    with tempfile.TemporaryFile() as f:
        f.write(b"one\ntwo\r\nthree")
        f.seek(0)
        p = common.Program([CLIENT, "127.0.0.1", str(srv.port)], env=client_env(), stdin=f)
        srv.wait_connected()
        answer_opening(srv)
        srv.wait_data(b"one\r\ntwo\r\nthree")
        start = time.time()
        srv.wait_eof(timeout=10)
        waited = time.time() - start
        wait_exit(p.proc, "file")
        rc, _, err = p.stop()
    srv.close()
    if rc != 0 or waited < 1.5:
        fail(f"file: exit {rc} after {waited:.1f} s, stderr {err!r}")


def test_interactive():
    """The opening and its answers, output to the terminal, cp437, SIGWINCH, the prompt."""
    srv = Server()
    argv, log = client_argv("127.0.0.1", str(srv.port), "--term", "xterm-test",
                            "--encoding", "cp437")
    term = common.Pty(argv, env=client_env(COLORTERM="truecolor"), cols=100, rows=40)
    srv.wait_connected()
    term.expect("Connected to 127.0.0.1:%d." % srv.port, timeout=20 * SLOW)
    term.expect("Escape character is '^]'.")
    answer_opening(srv)
    sync(srv)
    srv.send(sb(TTYPE, b"\x01"))
    # NEW-ENVIRON SEND VAR USER VAR HOME USERVAR SECRET VAR TERM VAR LANG VAR COLORTERM
    ask = b"\x01" + b"".join(bytes([k]) + n for k, n in [
        (0, b"USER"), (0, b"HOME"), (3, b"SECRET"), (0, b"TERM"), (0, b"LANG"), (0, b"COLORTERM")])
    srv.send(sb(NEW_ENVIRON, ask))
    srv.send(sb(NEW_ENVIRON, b"\x01"))  # SEND everything

    ev = srv.wait(lambda ev: sbs(ev, NAWS) and sbs(ev, TTYPE) and len(sbs(ev, NEW_ENVIRON)) >= 2,
                  "NAWS, TTYPE IS and two NEW-ENVIRON IS")
    if sbs(ev, NAWS)[0] != struct.pack(">HH", 100, 40):
        fail(f"NAWS {sbs(ev, NAWS)[0]!r}, wanted 100x40")
    if sbs(ev, TTYPE)[0] != b"\x00xterm-test":
        fail(f"TTYPE {sbs(ev, TTYPE)[0]!r}, wanted IS xterm-test")
    allowed = {"TERM", "LANG", "COLUMNS", "LINES", "COLORTERM"}
    for payload in sbs(ev, NEW_ENVIRON)[:2]:
        if payload[:1] != b"\x00":
            fail(f"NEW-ENVIRON answer is not IS: {payload!r}")
        got = dict(env_vars(payload[1:]))
        if not set(got) <= allowed or got.get("TERM") != "xterm-test" \
                or got.get("LANG") != "en_US.UTF-8" or "hunter2" in repr(got):
            fail(f"NEW-ENVIRON disclosed {got}")
    everything = dict(env_vars(sbs(ev, NEW_ENVIRON)[1][1:]))
    if set(everything) != {"TERM", "LANG", "COLORTERM"}:
        fail(f"NEW-ENVIRON SEND (all) answered {everything}")

    srv.send(b"hello from the server\r\n")
    term.expect("hello from the server")
    srv.send(bytes([0xC9, 0xCD, 0xBB, 0xB0, 0xDB]) + b"\r\n")
    term.expect("╔═╗░█")

    # Character mode with the server echoing: keys go out one by one, Enter as CR NUL.
    term.send("k")
    srv.wait_data(b"k")
    term.send("\r")
    srv.wait_data(b"k\r\x00")

    # Resize the terminal: a new NAWS.
    fcntl.ioctl(term.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    os.kill(term.pid, signal.SIGWINCH)
    srv.wait(lambda ev: struct.pack(">HH", 120, 50) in sbs(ev, NAWS), "NAWS 120x50")

    # The escape prompt.
    term.send(b"\x1d")
    term.expect("telnet-client> ")
    term.send("send ayt\r")
    srv.wait(lambda ev: ("cmd", AYT) in ev, "IAC AYT")
    term.expect("telnet-client> ")
    srv.send(b"said while at the prompt\r\n")
    term.send("status\r")
    status = term.expect("telnet-client> ")
    for want in ["Window: 120x50", "TERM: xterm-test", "Encoding: cp437", "NAWS",
                 "character at a time", "remote echo"]:
        if want not in status:
            fail(f"status lacks {want!r}: {status!r}")
    if "said while at the prompt" in status:
        fail("server output was shown inside the prompt")
    term.send("mode line\r")  # not in LINEMODE: asks with DONT SGA, as BSD telnet
    srv.wait(lambda ev: ("neg", DONT, SGA) in ev, "DONT SGA for 'mode line'")
    term.expect("telnet-client> ")
    term.send("\r")  # an empty line: back to the session, held output shown
    term.expect("said while at the prompt")
    srv.send(neg(WONT, SGA))  # the server agrees: line mode, the local tty edits
    sync(srv)
    term.send("edited")
    time.sleep(0.3 * SLOW)
    if b"edited" in srv.data():
        fail("'mode line': keys still go out one by one")
    term.send("\r")
    srv.wait_data(b"edited\r\n")
    term.send(b"\x1d")
    term.expect("telnet-client> ")
    term.send("close\r")
    code = term.close(timeout=15 * SLOW)
    check_valgrind(log, code)
    if code != 0:
        fail(f"close: exit {code}")
    srv.wait_eof()
    srv.close()


def test_line_modes():
    """NVT line mode: the local tty edits and echoes, ^C is IAC IP. Then real LINEMODE with
    EDIT|TRAPSIG and an SLC change of IP to ^X."""
    srv = Server()
    argv, log = client_argv("127.0.0.1", str(srv.port))
    term = common.Pty(argv, env=client_env())
    srv.wait_connected()
    term.expect("Escape character is '^]'.", timeout=20 * SLOW)
    answer_opening(srv, character=False, echo=False)
    sync(srv)
    srv.send(b"line mode\r\n")
    term.expect("line mode")
    term.send("abc")
    term.expect("abc")  # the local tty echoes
    time.sleep(0.3 * SLOW)
    if b"abc" in srv.data():
        fail("line mode: the client sent before Enter")
    term.send("\r")
    srv.wait_data(b"abc\r\n")
    term.send(b"\x03")
    srv.wait(lambda ev: ("cmd", IP) in ev, "IAC IP for ^C in line mode")

    # Real LINEMODE now: the client says WILL and exports its SLC table, acknowledges MODE.
    srv.send(neg(DO, LINEMODE))
    srv.wait(lambda ev: ("neg", WILL, LINEMODE) in ev[-6:] and sbs(ev, LINEMODE),
             "WILL LINEMODE and the SLC export")
    srv.send(sb(LINEMODE, bytes([1, 3])))  # MODE EDIT|TRAPSIG
    srv.wait(lambda ev: bytes([1, 7]) in sbs(ev, LINEMODE), "MODE EDIT|TRAPSIG|ACK")
    srv.send(sb(LINEMODE, bytes([3, 3, 2, 0x18])))  # SLC IP VALUE ^X
    srv.wait(lambda ev: any(p.startswith(bytes([3, 3])) and p[2:4] == bytes([0x82, 0x18])
                            for p in sbs(ev, LINEMODE)), "the SLC IP ^X acknowledged")
    sync(srv)
    before = sum(1 for e in srv.events() if e == ("cmd", IP))
    term.send(b"\x18")
    srv.wait(lambda ev: sum(1 for e in ev if e == ("cmd", IP)) > before, "IAC IP for ^X")
    term.send("ls -l\r")
    srv.wait_data(b"ls -l\r\n")
    term.send(b"\x04")  # ^D on an empty line: IAC EOF in LINEMODE
    srv.wait(lambda ev: ("cmd", EOF_CMD) in ev, "IAC EOF")
    srv.close()
    term.expect("Connection closed by foreign host.")
    code = term.close(timeout=15 * SLOW)
    check_valgrind(log, code)
    if code != 0:
        fail(f"server close: exit {code}")


def test_tty_restored():
    """Run from a shell on a pty: after SIGTERM, a server close and 'close', `stty -g` is what
    it was before, and the exit codes are 143, 0, 0."""
    term = common.Pty(["/bin/sh"], env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                         "PS1": "$ ", "TERM": "vt100", "HOME": "/tmp"})

    def stty(tag):
        # The quotes split the tag in the echoed command line, so only the output matches.
        term.send(f"printf '{tag}''=%s\\n' \"$(stty -g)\"\n")
        term.expect(f"{tag}=", timeout=10)
        line = term.expect("\n")
        m = re.match(r"([0-9a-fA-F:]+)", line.strip())
        if not m:
            fail(f"stty -g output {line!r}")
        return m.group(1)

    def run_client(srv):
        argv, log = client_argv("127.0.0.1", str(srv.port))
        term.send(f"sh -c 'echo PI''D=$$; exec {shlex.join(argv)}'; echo R''C=$?\n")
        term.expect("PID=")
        pid = int(term.expect("\n").strip())
        srv.wait_connected()
        answer_opening(srv)  # character mode, server echo: the tty goes raw
        term.expect("Escape character is '^]'.", timeout=20 * SLOW)
        sync(srv)
        term.send("z")  # no Enter: raw mode sends it at once
        srv.wait_data(b"z")
        return pid, log

    def rc():
        term.expect("RC=", timeout=20 * SLOW)
        return int(term.expect("\n").strip())

    term.expect("$ ")
    before = stty("S0")

    srv = Server()
    pid, log = run_client(srv)
    os.kill(pid, signal.SIGTERM)
    code = rc()
    check_valgrind(log, code)
    if code != 128 + signal.SIGTERM:
        fail(f"SIGTERM: exit {code}")
    srv.close()
    if stty("S1") != before:
        fail("the terminal mode was not restored after SIGTERM")

    srv = Server()
    _, log = run_client(srv)
    srv.close()
    code = rc()
    check_valgrind(log, code)
    if code != 0 or stty("S2") != before:
        fail(f"server close: exit {code}, or the terminal mode was not restored")

    srv = Server()
    _, log = run_client(srv)
    term.send(b"\x1d")
    term.expect("telnet-client> ")
    term.send("close\r")
    code = rc()
    check_valgrind(log, code)
    if code != 0 or stty("S3") != before:
        fail(f"close: exit {code}, or the terminal mode was not restored")
    srv.close()
    term.send("exit\n")
    term.close()


def test_against_telnet_server():
    """Against the repository's own telnet-server, when it was built."""
    path = os.path.join(common.BIN_DIR, "telnet-server")
    if not os.path.exists(path):
        print("note: telnet-server not built; skipping that part", flush=True)
        return
    port = common.free_port()
    # The server runs plainly: its own tests check it under valgrind; this one checks the client.
    server = subprocess.Popen([path, "--port", str(port)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        common.wait_port(port)
        p = common.Program([CLIENT, "127.0.0.1", str(port)], env=client_env(),
                           stdin=subprocess.PIPE)
        p.proc.stdin.write(b"help\nquit\n")
        p.proc.stdin.close()
        p.proc.stdin = None  # so that Program.stop's communicate() leaves it alone
        wait_exit(p.proc, "telnet-server", timeout=30)
        rc, out, err = p.stop()
        if rc != 0 or not out.strip():
            fail(f"against telnet-server: exit {rc}, stdout {out!r}, stderr {err!r}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    tests = [test_usage, test_refused, test_pipe, test_file_drain, test_interactive,
             test_line_modes, test_tty_restored, test_against_telnet_server]
    only = sys.argv[1:]
    for t in tests:
        if only and t.__name__ not in only:
            continue
        start = time.time()
        t()
        print(f"ok {t.__name__} ({time.time() - start:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
