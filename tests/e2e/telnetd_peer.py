"""A scripted Telnet client for the telnetd tests, and the login-program stub they run.

Peer answers the daemon's opening negotiation by hand, the way a real client would (WILL TTYPE and
SB TTYPE IS, WILL NAWS and SB NAWS, WILL NEW-ENVIRON and SB NEW-ENVIRON IS, DO ECHO, DO SGA, WONT
for the rest), so each test decides exactly what the client claims: hostile user names,
environment variables, terminal type, window size, binary mode.
"""
import os
import socket
import stat
import time

import common
from common import IAC, DONT, DO, WONT, WILL, SB, SE, fail

IP = 244
BINARY, ECHO, SGA, STATUS, TM = 0, 1, 3, 5, 6
TTYPE, NAWS, TSPEED, LFLOW, LINEMODE, XDISPLOC, ENVIRON, NEW_ENVIRON = 24, 31, 32, 33, 34, 35, 36, 39
IS, SEND = 0, 1
VAR, VALUE, ESC, USERVAR = 0, 1, 2, 3

SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# What may reach the child: the library's default allowlist plus what telnetd sets itself.
ALLOWED_ENV = {"USER", "LOGNAME", "TERM", "DISPLAY", "LANG", "COLUMNS", "LINES", "COLORTERM",
               "EDITOR", "PAGER", "PRINTER", "POSIXLY_CORRECT", "XAUTHORITY", "PATH", "LINEMODE"}


def env_allowed(name):
    return name in ALLOWED_ENV or (name.startswith("LC_") and len(name) > 3)


def escape_env(text, special=(VAR, VALUE, ESC, USERVAR)):
    """RFC 1572: ESC before the code bytes inside a name or value; IAC doubled later."""
    out = bytearray()
    for b in text.encode() if isinstance(text, str) else text:
        if b in special:
            out.append(ESC)
        out.append(b)
    return bytes(out)


def sb(option, payload):
    return bytes([IAC, SB, option]) + bytes(payload).replace(b"\xff", b"\xff\xff") + bytes([IAC, SE])


class Peer(common.Raw):
    """One client connection. `env` is a list of (kind, name, value) sent in NEW-ENVIRON IS (or,
    with `old_environ`, in ENVIRON IS with RFC 1408 codes; `swapped` uses the BSD codes)."""

    def __init__(self, port, ttype="XTERM", naws=(80, 24), env=(), old_environ=False,
                 swapped=False, binary=False, linemode=False, kludge=False):
        super().__init__(port)
        self.ttype, self.naws, self.env = ttype, naws, list(env)
        self.old_environ, self.swapped = old_environ, swapped
        self.binary, self.linemode, self.kludge = binary, linemode, kludge
        self.data = b""           # application data received (IAC IAC undone)
        self.closed = False
        self.local, self.remote = set(), set()   # options in effect on our side / theirs
        self.subnegotiations = []
        self._state, self._verb, self._sb = "data", 0, bytearray()

    # ----- wire -----

    def _will(self, option):
        """Whether this client performs `option` when the server asks."""
        offers = {TTYPE: self.ttype is not None, NAWS: self.naws is not None,
                  NEW_ENVIRON: bool(self.env) and not self.old_environ,
                  ENVIRON: bool(self.env) and self.old_environ,
                  BINARY: self.binary, LINEMODE: self.linemode}
        return offers.get(option, False)

    def _on_verb(self, verb, option):
        # RFC 1143 from the client's side: agree once to what we offer, refuse the rest, and
        # acknowledge a switch-off only of what is on (so nothing ever loops).
        if verb == DO:
            if option == TM:   # the kludge line mode probe: a question, not a state
                self.send(bytes([IAC, WILL if self.kludge else WONT, TM]))
            elif not self._will(option):
                self.send(bytes([IAC, WONT, option]))
            elif option not in self.local:
                self.local.add(option)
                self.send(bytes([IAC, WILL, option]))
                if option == NAWS:
                    self.send_naws(*self.naws)
        elif verb == DONT:
            if option in self.local:
                self.local.discard(option)
                self.send(bytes([IAC, WONT, option]))
        elif verb == WILL:
            wanted = option in (ECHO, SGA) or (option == BINARY and self.binary)
            if not wanted:
                self.send(bytes([IAC, DONT, option]))
            elif option not in self.remote:
                self.remote.add(option)
                self.send(bytes([IAC, DO, option]))
        elif verb == WONT:
            if option in self.remote:
                self.remote.discard(option)
                self.send(bytes([IAC, DONT, option]))

    def _on_sb(self, payload):
        if not payload:
            return
        option, body = payload[0], bytes(payload[1:])
        self.subnegotiations.append((option, body))
        if option == TTYPE and body[:1] == bytes([SEND]):
            self.send(sb(TTYPE, bytes([IS]) + self.ttype.encode()))
        elif option in (NEW_ENVIRON, ENVIRON) and body[:1] == bytes([SEND]):
            self.send(sb(option, bytes([IS]) + self.env_list()))

    def env_list(self):
        var, value = (VALUE, VAR) if self.swapped else (VAR, VALUE)
        out = bytearray()
        for kind, name, val in self.env:
            out.append(USERVAR if kind == "USERVAR" else var)
            out += escape_env(name)
            if val is not None:
                out.append(value)
                out += escape_env(val)
        return bytes(out)

    def _parse(self, chunk):
        for b in chunk:
            st = self._state
            if st == "data":
                if b == IAC:
                    self._state = "iac"
                else:
                    self.data += bytes([b])
            elif st == "iac":
                if b == IAC:
                    self.data += b"\xff"
                    self._state = "data"
                elif b in (WILL, WONT, DO, DONT):
                    self._verb, self._state = b, "verb"
                elif b == SB:
                    self._sb, self._state = bytearray(), "sb"
                else:
                    self._state = "data"   # a two-byte command (DM, GA, ...)
            elif st == "verb":
                self._state = "data"
                self._on_verb(self._verb, b)
            elif st == "sb":
                if b == IAC:
                    self._state = "sb_iac"
                else:
                    self._sb.append(b)
            elif st == "sb_iac":
                if b == SE:
                    self._state = "data"
                    self._on_sb(self._sb)
                else:
                    self._sb.append(b)   # IAC IAC inside a subnegotiation
                    self._state = "sb"

    def pump(self, timeout=0.1):
        """Reads what arrived within `timeout`; answers negotiation. False once closed."""
        if self.closed:
            return False
        self.s.settimeout(timeout)
        try:
            chunk = self.s.recv(65536)
        except socket.timeout:
            return True
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self._parse(chunk)
        return True

    # ----- what tests call -----

    def send_naws(self, width, height):
        self.send(sb(NAWS, width.to_bytes(2, "big") + height.to_bytes(2, "big")))

    def send_line(self, text):
        """A command line: CR LF in NVT mode; in binary mode a bare CR (the Return key)."""
        self.send(text.encode() + (b"\r" if BINARY in self.local else b"\r\n"))

    def send_ip(self):
        self.send(bytes([IAC, IP]))

    def expect(self, pattern, timeout=15.0):
        """Waits until `pattern` is in the data; returns the data up to it and keeps the rest."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        deadline = time.time() + timeout
        while pattern not in self.data and time.time() < deadline:
            if not self.pump():
                break
        i = self.data.find(pattern)
        if i < 0:
            fail(f"expected {pattern!r}, got {self.data[-1500:]!r} (closed: {self.closed})")
        seen, self.data = self.data[: i + len(pattern)], self.data[i + len(pattern):]
        return seen

    def wait_closed(self, timeout=15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.pump():
                return True
        return False


def wait_process(argv, timeout=10.0):
    """Waits until a process runs with exactly `argv` (a unique one, such as "sleep 37"), so a
    signal sent next finds it in the foreground; returns its pid."""
    wanted = "\0".join(argv).encode() + b"\0"
    deadline = time.time() + timeout
    while time.time() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if f.read() == wanted:
                        return int(pid)
            except OSError:
                pass
        time.sleep(0.05)
    fail(f"{argv} did not start")


def gone(pid, timeout=5.0):
    """Whether `pid` exits (or is a zombie) within `timeout`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


# ----- the login-program stub -----

STUB = """#!/bin/sh
# Records how telnetd started it: each argument on a line, then the environment it was given
# (read from /proc, before the shell adds PWD and the like), then becomes a shell.
rec="{dir}/$$.rec"
{{
  for a in "$@"; do printf 'ARG %s\\n' "$a"; done
  echo ENV
  tr '\\000' '\\n' < /proc/$$/environ
}} > "$rec.tmp" && mv "$rec.tmp" "$rec"
echo "STUB-READY $$."
exec /bin/sh -i
"""


def write_stub(directory):
    path = os.path.join(directory, "login-stub")
    with open(path, "w") as f:
        f.write(STUB.format(dir=directory))
    os.chmod(path, stat.S_IRWXU)
    return path


def read_record(directory, peer, timeout=15.0):
    """Waits for the stub on `peer` (a Peer, or a common.Pty running a client) to start;
    returns (pid, argv[1:], env dict)."""
    peer.expect("STUB-READY ", timeout)
    pid = peer.expect(".")
    pid = int((pid.decode() if isinstance(pid, bytes) else pid).strip().rstrip("."))
    path = os.path.join(directory, f"{pid}.rec")
    args, env, in_env = [], {}, False
    with open(path) as f:   # the stub renames it into place before it prints the marker
        for raw in f.read().split("\n"):
            if raw == "ENV":
                in_env = True
            elif in_env and "=" in raw:
                k, v = raw.split("=", 1)
                env[k] = v
            elif not in_env and raw.startswith("ARG "):
                args.append(raw[4:])
    return pid, args, env


def start(argv):
    """Starts telnetd on a free port; returns (program, port)."""
    return common.start_server("telnetd", argv)


def stop(prog):
    code, out, err = prog.stop()
    if code != 0:
        fail(f"telnetd exited with {code}:\n{err}")
    return err
