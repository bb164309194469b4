"""End-to-end test of examples-c/telnet-server (the demo shell).

A raw client that answers the negotiation by hand checks the opening negotiation, the greeting and
prompt, every command, remote line editing in character mode, LINEMODE and NVT line mode, and that
bytes the client sent are never written back raw. Then the real inetutils `telnet` drives one
session through a pty. The command line (--help, bad arguments, busy port) and a clean exit on
SIGTERM and SIGINT are checked too.
"""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402
from common import DO, DONT, IAC, SB, SE, WILL, WONT, fail  # noqa: E402

GA, EOR_CMD, IP = 249, 239, 244
TM = 6
LOGOUT = 18
BINARY, ECHO, SGA, STATUS, TTYPE, NAWS, TSPEED, LFLOW, LINEMODE, XDISPLOC, NEW_ENVIRON, CHARSET = (
    0, 1, 3, 5, 24, 31, 32, 33, 34, 35, 39, 42)
VERBS = {WILL: "WILL", WONT: "WONT", DO: "DO", DONT: "DONT"}
PROMPT = b"tel:sh> "
DEADLINE = 20.0 if common.VALGRIND else 10.0


class Peer(common.Raw):
    """A telnet client written out by hand: it answers what the server asks by a fixed policy
    (RFC 1143 without ever asking first), keeps the data apart from the commands, and records
    every negotiation it received as ("WILL", opt), ("SB", opt, payload), ("CMD", byte)."""

    def __init__(self, port, will=(), do=(), ttype=b"XTERM-256COLOR", naws=(100, 40),
                 environ=(), linemode_ack=True):
        super().__init__(port)
        self.will_ok, self.do_ok = set(will), set(do)
        self.local, self.remote = set(), set()  # options we perform / the server performs
        self.ttype, self.naws, self.environ, self.linemode_ack = ttype, naws, environ, linemode_ack
        self.pending = b""
        self.data = b""      # data not yet matched by expect()
        self.events = []     # every negotiation received, in order
        self.closed = False
        self.flushing = False  # dropping data until the answer to our DO TIMING-MARK

    # ----- parsing -----
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
        self.pending += chunk
        self._parse()

    def _parse(self):
        p, i = self.pending, 0
        while i < len(p):
            if p[i] != IAC:
                j = p.find(bytes([IAC]), i)
                j = len(p) if j < 0 else j
                if not self.flushing:
                    self.data += p[i:j]
                i = j
                continue
            if i + 1 >= len(p):
                break
            c = p[i + 1]
            if c == IAC:
                self.data += bytes([IAC])
                i += 2
            elif c in VERBS:
                if i + 2 >= len(p):
                    break
                self._verb(c, p[i + 2])
                i += 3
            elif c == SB:
                end = p.find(bytes([IAC, SE]), i)
                if end < 0:
                    break
                body = p[i + 2:end].replace(bytes([IAC, IAC]), bytes([IAC]))
                self._sb(body[0], body[1:])
                i = end + 2
            else:
                self.events.append(("CMD", c))
                i += 2
        self.pending = p[i:]

    # ----- answering -----
    def _verb(self, verb, opt):
        self.events.append((VERBS[verb], opt))
        if opt == TM and verb in (WILL, WONT):
            self.flushing = False
            return
        if verb == DO and opt not in self.local:
            if opt in self.do_ok:
                self.local.add(opt)
                self.send(bytes([IAC, WILL, opt]))
                if opt == NAWS:
                    w, h = self.naws
                    self.sb(NAWS, bytes([w >> 8, w & 255, h >> 8, h & 255]))
            else:
                self.send(bytes([IAC, WONT, opt]))
        elif verb == DONT and opt in self.local:
            self.local.discard(opt)
            self.send(bytes([IAC, WONT, opt]))
        elif verb == WILL and opt not in self.remote:
            if opt in self.will_ok:
                self.remote.add(opt)
                self.send(bytes([IAC, DO, opt]))
            else:
                self.send(bytes([IAC, DONT, opt]))
        elif verb == WONT and opt in self.remote:
            self.remote.discard(opt)
            self.send(bytes([IAC, DONT, opt]))

    def sb(self, opt, payload):
        self.send(bytes([IAC, SB, opt]) + payload.replace(bytes([IAC]), bytes([IAC, IAC])) +
                  bytes([IAC, SE]))

    def _sb(self, opt, payload):
        self.events.append(("SB", opt, payload))
        send = payload[:1] == b"\x01"
        if opt == TTYPE and send:
            self.sb(TTYPE, b"\x00" + self.ttype)
        elif opt == TSPEED and send:
            self.sb(TSPEED, b"\x00" + b"38400,19200")
        elif opt == XDISPLOC and send:
            self.sb(XDISPLOC, b"\x00" + b"myhost:0")
        elif opt == NEW_ENVIRON and send:
            body = b"".join(b"\x00" + k + b"\x01" + v for k, v in self.environ)
            self.sb(NEW_ENVIRON, b"\x00" + body)
        elif opt == CHARSET and payload[:1] == b"\x01":   # REQUEST: take the first offer
            sep = payload[1:2]
            first = payload[2:].split(sep)[0]
            self.sb(CHARSET, b"\x02" + first)
        elif opt == LINEMODE and payload[:1] == b"\x01" and self.linemode_ack:  # MODE: ACK it
            self.sb(LINEMODE, bytes([1, payload[1] | 4]))

    # ----- expectations -----
    def expect(self, pattern, timeout=DEADLINE):
        """Waits until the data contains `pattern`; returns the data up to and including it."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        deadline = time.time() + timeout
        while pattern not in self.data:
            if time.time() > deadline or self.closed:
                fail(f"expected {pattern!r}, got {self.data[-1500:]!r}")
            self.pump()
        i = self.data.index(pattern) + len(pattern)
        seen, self.data = self.data[:i], self.data[i:]
        return seen

    def expect_event(self, event, start=0, timeout=DEADLINE):
        deadline = time.time() + timeout
        while event not in self.events[start:]:
            if time.time() > deadline or self.closed:
                fail(f"expected {event!r}, got {self.events[start:]!r}")
            self.pump()

    def command(self, line, prompt=True):
        """Sends a command line (NVT CR LF) and returns its output up to the next prompt."""
        self.send(line.encode() + b"\r\n")
        return self.expect(PROMPT) if prompt else b""

    def wait_closed(self, timeout=DEADLINE):
        deadline = time.time() + timeout
        while not self.closed:
            if time.time() > deadline:
                fail("the server did not close the connection")
            self.pump()


def start_server():
    port = common.free_port()
    prog = common.Program([common.binary("telnet-server"), "--port", str(port)])
    common.wait_port(port, timeout=30)
    return prog, port


def stop_server(prog, sig=signal.SIGTERM):
    code, _, err = prog.stop(sig)
    if code != 0:
        fail(f"telnet-server exited with {code} after signal {sig}: {err}")
    if "listening on 127.0.0.1:" not in err:
        fail(f"no 'listening on' line on stderr: {err!r}")
    return err


CHAR_MODE = dict(will=(ECHO, SGA, STATUS, BINARY),
                 do=(TTYPE, NAWS, TSPEED, XDISPLOC, NEW_ENVIRON, LFLOW, CHARSET, BINARY),
                 environ=[(b"USER", b"alice"), (b"EVIL", b"a\x1b[2Jb\x07c")])


def check_opening(peer):
    greeting = peer.expect(PROMPT)
    # The BSD telnetd plan, then DO CHARSET for the character set offer, before anything else.
    opening = [("DO", TTYPE), ("DO", TSPEED), ("DO", XDISPLOC), ("DO", NEW_ENVIRON), ("DO", NAWS),
               ("DO", LFLOW), ("DO", LINEMODE), ("WILL", ECHO), ("WILL", SGA), ("WILL", STATUS),
               ("DO", CHARSET)]
    if peer.events[:len(opening)] != opening:
        fail(f"opening negotiation: {peer.events[:len(opening)]}")
    if ("SB", CHARSET, b"\x01;UTF-8;CP437") not in peer.events:
        fail(f"no CHARSET REQUEST offering UTF-8 and CP437: {peer.events}")
    if b"Welcome to tel:sh" not in greeting or b"xterm-256color" not in greeting:
        fail(f"greeting: {greeting!r}")
    if b"character mode" not in greeting:
        fail(f"greeting does not say character mode: {greeting!r}")
    peer.pump(0.2)
    if ("CMD", GA) in peer.events:
        fail("IAC GA after the prompt although go-ahead is suppressed")


def check_help_and_status(peer):
    out = peer.command("help")
    for word in (b"status", b"slc", b"toggle", b"set CHARSET=", b"quit"):
        if word not in out:
            fail(f"help lacks {word!r}: {out!r}")
    out = peer.command("status")
    for want in (rb"TERM          xterm-256color", rb"window        100x40",
                 rb"38400 bit/s out, 19200 bit/s in", rb'X display     "myhost:0"',
                 rb'VAR USER="alice"', rb'VAR EVIL="a\x1b[2Jb\x07c"', rb"charset       UTF-8",
                 rb"input mode    character mode", rb"ECHO          ON",
                 rb"NAWS          off                ON", rb"LINEMODE      off                off",
                 rb"flow control  on"):
        if want not in out:
            fail(f"status lacks {want!r}:\n{out.decode(errors='replace')}")
    # Control bytes the client sent are shown escaped, never written back raw.
    if b"\x1b" in out or b"\x07" in out:
        fail(f"status wrote a raw control byte: {out!r}")
    out = peer.command("slc")
    for want in (b"IP     value", b"^C", b"EC", b"^?", b"EL", b"^U", b"EW", b"^W"):
        if want not in out:
            fail(f"slc lacks {want!r}:\n{out.decode(errors='replace')}")
    if b"no such command." not in peer.command("frobnicate"):
        fail("an unknown command is not reported")


def check_toggles(peer):
    mark = len(peer.events)
    out = peer.command("toggle echo")
    if b"wont echo." not in out:
        fail(f"toggle echo said {out!r}")
    peer.expect_event(("WONT", ECHO), mark)
    mark = len(peer.events)
    out = peer.command("toggle echo")
    if b"will echo." not in out:
        fail(f"toggle echo (back) said {out!r}")
    peer.expect_event(("WILL", ECHO), mark)

    mark = len(peer.events)
    out = peer.command("toggle binary")
    if b"will outbinary." not in out or b"do inbinary." not in out:
        fail(f"toggle binary said {out!r}")
    peer.expect_event(("WILL", BINARY), mark)
    peer.expect_event(("DO", BINARY), mark)
    # In BINARY input the NVT line ends are data: the shell still finds the lines.
    out = peer.command("toggle")
    for want in (b"binary ON", b"echo ON", b"goahead off", b"inbinary ON", b"outbinary ON",
                 b"linemode off", b"lflow ON", b"xon-any off"):
        if want not in out:
            fail(f"toggle list lacks {want!r}: {out!r}")
    mark = len(peer.events)
    out = peer.command("toggle binary")
    if b"wont outbinary." not in out or b"dont inbinary." not in out:
        fail(f"toggle binary (back) said {out!r}")
    peer.expect_event(("WONT", BINARY), mark)
    peer.expect_event(("DONT", BINARY), mark)

    mark = len(peer.events)
    out = peer.command("toggle xon-any")
    if b"xon-any enabled." not in out:
        fail(f"toggle xon-any said {out!r}")
    peer.expect_event(("SB", LFLOW, b"\x02"), mark)
    if b"toggle: not an option." not in peer.command("toggle nonsense"):
        fail("toggle accepted a bad option")

    mark = len(peer.events)
    out = peer.command("set CHARSET=CP437")
    if b"requested charset CP437." not in out:
        fail(f"set CHARSET said {out!r}")
    peer.expect_event(("SB", CHARSET, b"\x01;CP437"), mark)
    peer.expect(b"[charset: the client accepted CP437]")
    peer.expect(PROMPT)
    if b"charset       CP437" not in peer.command("status"):
        fail("status does not show the new charset")


def check_editing(peer):
    # "helq" DEL "p" CR NUL is "help"; the echo rubs the q out.
    peer.send(b"helq\x7fp\r\x00")
    out = peer.expect(PROMPT)
    if b"helq\b \bp" not in out or b"commands:" not in out:
        fail(f"DEL editing: {out!r}")
    # ^U erases the line, ^W a word, BS a character.
    peer.send(b"junk junk\x15stat xyz\x17\x08us\r\n")
    out = peer.expect(PROMPT)
    if b"TERM" not in out:
        fail(f"^U/^W/BS editing did not give 'status': {out!r}")
    # ^C cancels the line: nothing runs.
    peer.send(b"help\x03")
    out = peer.expect(PROMPT)
    if b"^C\r\n" not in out or b"commands:" in out:
        fail(f"^C did not cancel: {out!r}")
    # Escape sequences (arrow keys) are dropped; a bare CR and a bare LF end lines as well (the
    # session holds a CR until the next byte tells which line end it was).
    peer.send(b"he\x1b[Dlp\rstatus\n")
    out = peer.expect(PROMPT)
    if b"commands:" not in out or b"\x1b" in out:
        fail(f"escape filtering or bare CR: {out!r}")
    out = peer.expect(PROMPT)
    if b"last line end bare LF" not in out:
        fail(f"bare LF: {out!r}")
    # ^D on a non-empty line does nothing, on an empty line it quits.
    peer.send(b"x\x04\x15\x04")
    peer.expect(b"Goodbye.\r\n")
    peer.wait_closed()


def test_character_mode(port):
    peer = Peer(port, **CHAR_MODE)
    check_opening(peer)
    check_help_and_status(peer)
    check_toggles(peer)
    check_editing(peer)
    peer.close()


def test_quit(port):
    peer = Peer(port, **CHAR_MODE)
    peer.expect(PROMPT)
    peer.command("quit", prompt=False)
    peer.expect(b"Goodbye.\r\n")
    peer.wait_closed()
    peer.close()


def test_logout(port):
    """RFC 727: DO LOGOUT is agreed to, and the server logs the client out."""
    peer = Peer(port, **CHAR_MODE)
    peer.expect(PROMPT)
    peer.send(bytes([IAC, DO, LOGOUT]))
    peer.expect(b"Goodbye.\r\n")
    peer.wait_closed()
    if ("WILL", LOGOUT) not in peer.events:
        fail(f"no WILL LOGOUT: {peer.events}")
    peer.close()


def test_linemode(port):
    """A LINEMODE client edits itself: the server turns its echo off and only collects lines."""
    peer = Peer(port, will=(ECHO, SGA, STATUS), do=(TTYPE, NAWS, LINEMODE))
    peer.expect(PROMPT)
    if ("SB", LINEMODE, b"\x01\x03") not in peer.events:
        fail(f"no LINEMODE MODE EDIT|TRAPSIG: {peer.events}")
    peer.expect_event(("WONT", ECHO))
    out = peer.command("status")
    if b"linemode MODE 0x03: EDIT TRAPSIG" not in out or b"your client edits" not in out:
        fail(f"status in LINEMODE:\n{out.decode(errors='replace')}")
    if not out.startswith(b"option"):
        fail(f"the server echoed a LINEMODE line: {out[:80]!r}")
    # TRAPSIG: ^C arrives as IAC IP, and BSD telnet drops all output until the answer to the
    # DO TIMING-MARK it sends along: the new prompt must come after that answer.
    peer.send(b"hel" + bytes([IAC, IP, IAC, DO, TM]))
    peer.flushing = True
    out = peer.expect(PROMPT)
    if out != b"\r\n" + PROMPT:
        fail(f"IAC IP did not cancel: {out!r}")
    peer.command("quit", prompt=False)
    peer.expect(b"Goodbye.")
    peer.close()


def test_line_mode(port):
    """An NVT client that refuses everything: prompts end in IAC GA, lines still work."""
    peer = Peer(port)
    out = peer.expect(PROMPT)
    if b"line mode" not in out:
        fail(f"greeting in line mode: {out!r}")
    peer.expect_event(("CMD", GA))
    out = peer.command("status")
    if b"input mode    line mode" not in out or b"TERM          (unknown)" not in out:
        fail(f"status in line mode:\n{out.decode(errors='replace')}")
    out = peer.command("set CHARSET=UTF-8")
    if b"did not agree to CHARSET" not in out:
        fail(f"set CHARSET without CHARSET: {out!r}")
    peer.close()


def test_real_telnet(port):
    telnet = common.need("telnet", "apt-get install inetutils-telnet")
    env = dict(os.environ, TERM="xterm")
    t = common.Pty([telnet, "127.0.0.1", str(port)], env=env, cols=91, rows=33)
    t.expect(PROMPT, timeout=DEADLINE)
    t.send("status\r")
    out = t.expect(PROMPT, timeout=DEADLINE)
    for want in ("TERM          xterm", "window        91x33", "linemode MODE"):
        if want not in out:
            fail(f"status through telnet lacks {want!r}:\n{out}")
    # ^C: telnet sends IAC IP and flushes until its DO TIMING-MARK is answered; the prompt
    # must survive that.
    t.send("stat\x03")
    t.expect(PROMPT, timeout=DEADLINE)
    # Character mode: the server echoes and edits (DEL), then runs the line.
    t.send("toggle linemode\r")
    t.expect("[input mode: character mode", timeout=DEADLINE)
    t.expect(PROMPT, timeout=DEADLINE)
    t.send("hex\x7flp\r")
    out = t.expect(PROMPT, timeout=DEADLINE)
    if "hex\b \blp" not in out or "commands:" not in out:
        fail(f"character-mode editing through telnet: {out!r}")
    t.send("quit\r")
    t.expect("Goodbye.", timeout=DEADLINE)
    status = t.close(timeout=DEADLINE)
    if status != 0:
        fail(f"telnet exited with {status}")


def test_command_line():
    exe = common.binary("telnet-server")
    r = subprocess.run([exe, "--help"], capture_output=True, timeout=30)
    if r.returncode != 0 or b"--port" not in r.stdout:
        fail(f"--help: {r.returncode} {r.stdout!r}")
    r = subprocess.run([exe, "--bogus"], capture_output=True, timeout=30)
    if r.returncode != 2 or b"unknown argument" not in r.stderr:
        fail(f"bad argument: {r.returncode} {r.stderr!r}")
    r = subprocess.run([exe, "--port", "99999"], capture_output=True, timeout=30)
    if r.returncode != 2:
        fail(f"bad port: {r.returncode} {r.stderr!r}")
    common.check_busy_port(exe)


def main():
    test_command_line()
    prog, port = start_server()
    try:
        test_character_mode(port)
        test_quit(port)
        test_logout(port)
        test_linemode(port)
        test_line_mode(port)
        # A session left open is told about the shutdown.
        idle = Peer(port, **CHAR_MODE)
        idle.expect(PROMPT)
    except SystemExit:
        prog.stop(signal.SIGKILL)
        raise
    stop_server(prog)
    idle.expect(b"[the server is shutting down]")
    idle.wait_closed()

    prog, port = start_server()
    skipped = False
    try:
        test_real_telnet(port)
    except SystemExit as e:
        if e.code != 77:
            prog.stop(signal.SIGKILL)
            raise
        skipped = True
    stop_server(prog, signal.SIGINT)
    print("SKIP: real telnet part" if skipped else "ok")
    sys.exit(77 if skipped else 0)


if __name__ == "__main__":
    main()
