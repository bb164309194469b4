"""Interop: the inetutils `telnet` client (BSD-derived: LINEMODE with SLC, NEW-ENVIRON, NAWS,
TSPEED, LFLOW, STATUS) against our telnetd and telnet-server, driven through a pty like a user.

What test_telnetd_inetutils.py and test_telnet_server.py already prove with this client (login
argv for -l, resize, ^C in LINEMODE, `toggle linemode` on the server side) is not repeated. Here:
the negotiation settles in real LINEMODE with SLC (the client's own interrupt character, ^X,
travels as SLC and is acknowledged) without waiting for the settle timeout; typed text is echoed
in LINEMODE; the client's view of the session (`status` at its escape prompt) is the one it has
with the reference daemon, inetutils telnetd; `mode character` at the escape prompt switches to
character mode with remote echo; the window size, TERM and environment (`environ define`) arrive
and the dangerous variables are scrubbed; the interrupt key interrupts in both modes; bytes 0x80
to 0xFF pass both ways in BINARY mode; `toggle binary` is honoured; logout closes.
"""
import os
import re
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402  (first: failures inside the helpers are recorded)
import common  # noqa: E402
from interop import IAC, SLOW, fail, shell  # noqa: E402
from telnetd_peer import env_allowed, gone, read_record, wait_process, write_stub  # noqa: E402

PEER = "inetutils telnet"
TO_TELNETD = interop.DIR_TELNETD
TO_SERVER = interop.DIR_SERVER
ENV = {"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": "/tmp"}
COLS, ROWS = 101, 37
IP_CMD, LINEMODE, SLC, SLC_IP = 244, 34, 3, 3
CTRL_X = b"\x18"
HOSTILE = {"LD_PRELOAD": "/tmp/evil.so", "LD_LIBRARY_PATH": "/tmp",
           "CREDENTIALS_DIRECTORY": "/tmp", "TERMCAP": "/tmp/termcap", "BASH_ENV": "/tmp/x"}
FRIENDLY = {"LC_INTEROP": "yes", "DISPLAY": "myhost:0"}
SETTLE_TELNETD = 5.0       # examples-c/telnetd.c SETTLE_MS
SETTLE_SERVER = 4.0        # the library default, used by telnet-server


def client(port=None, intr="^X"):
    """inetutils telnet on a pty whose interrupt character is `intr`, at its "telnet>" prompt
    (or connecting to `port`)."""
    telnet = TELNET
    cmd = f"stty intr {intr}; exec {telnet}" + (f" 127.0.0.1 {port}" if port else "")
    return common.Pty(["/bin/sh", "-c", cmd], env=ENV, cols=COLS, rows=ROWS)


def at_prompt(term, command):
    """Runs `command` at the client's escape prompt (^]) and returns what it printed; the
    client goes back to the session after it (an empty line, for commands that stay)."""
    term.send(b"\x1d")
    term.expect("telnet> ", 10 * SLOW)
    term.send(command + "\r")
    out = settle_output(term)
    if out.rstrip().endswith("telnet>"):
        term.send("\r")
        settle_output(term, 0.3)
    return out


def settle_output(term, quiet=0.5, limit=5.0):
    """Reads until the terminal has been quiet for `quiet` seconds; returns and consumes it."""
    deadline = time.time() + limit * SLOW
    last = time.time()
    while time.time() < deadline and time.time() - last < quiet * SLOW:
        if term.read_some(0.05):
            last = time.time()
    out, term.buf = term.buf.decode(errors="replace"), b""
    return out


def status_lines(out):
    """The mode lines of the client's `status` (Operating..., echo, signals, ...)."""
    keep = ("Operating", "line editing", "catching", "Catching", "Special characters",
            "character echo", "flow control")
    return [ln.strip() for ln in out.splitlines() if any(k in ln for k in keep)]


def slc_triplets(payload):
    """SB LINEMODE SLC payload (after the SLC byte) -> {function: (flags, value)}."""
    out = {}
    for i in range(0, len(payload) - 2, 3):
        out[payload[i]] = (payload[i + 1], payload[i + 2])
    return out


def linemode_slc(relay, direction):
    found = {}
    for _, tok in relay.timed_tokens(direction):
        if tok[0] == "sb" and tok[1] == LINEMODE and tok[2][:1] == bytes([SLC]):
            found.update(slc_triplets(tok[2][1:]))
    return found


def interrupt(term, key, relay=None, name="sleep"):
    """Starts a long sleep, presses `key`, checks the sleep is gone and the shell answers."""
    n = 40 + int(time.time()) % 9
    term.send(f"sleep {n}; echo NOT$((1+1))\r")
    sleeper = wait_process(["sleep", str(n)], 10 * SLOW)
    term.send(key)
    # The next command only once sleep is gone: an interrupt flushes the pty's input, and a
    # line that reached it first would be lost with it.
    ok = gone(sleeper, 5 * SLOW)
    if ok:
        shell(term, "echo INT$((2+3))", r"INT5", timeout=5)
        ok = b"NOT2" not in term.buf
    if not ok:
        term.read_some(0.3)
        as_byte = key in term.buf or b"^" + bytes([key[0] + 64]) in term.buf
        try:
            os.kill(sleeper, signal.SIGKILL)   # so that the session can go on
        except OSError:
            pass
        try:   # ^U drops what is left on the line (the key itself, echoed as typed)
            shell(term, "\x15echo RS$((3+4))", r"RS7", 5)
        except interop.CheckFailed:
            pass
        fail(f"{key!r} did not interrupt {name}" +
             (" (it reached the pty as a plain byte)" if as_byte else ""))


# --------------------------------------------------------------------------------------------
# against our telnetd

def test_telnetd(rec, tmp):
    stub = write_stub(tmp)
    prog, port = interop.start_server("telnetd", ["--login-program", stub])
    relay = interop.Relay(port)
    term = client()
    log = ""
    waited = None
    try:
        term.expect("telnet> ", 10)
        for name, value in {**HOSTILE, **FRIENDLY}.items():
            term.send(f"environ define {name} {value}\r")
            term.expect("telnet> ")
        term.send(f"open -l alice 127.0.0.1 {relay.port}\r")
        t_open = time.time()
        args = env = None

        with rec.check(PEER, TO_TELNETD, "session starts") as info:
            _, args, env = read_record(tmp, term, 20 * SLOW)
            waited = time.time() - t_open
            info["detail"] = "the login program runs with the client's values"
        if env is None:
            fail("no session: nothing else can be checked")

        with rec.check(PEER, TO_TELNETD, "real LINEMODE with SLC") as info:
            if env.get("LINEMODE") != "real":
                fail(f"the child's LINEMODE is {env.get('LINEMODE')!r}, not 'real'")
            sent = linemode_slc(relay, "c2s")
            answered = linemode_slc(relay, "s2c")
            if sent.get(SLC_IP, (0, 0))[1] != 0x18:
                fail(f"the client did not export its interrupt character ^X: "
                     f"SLC IP {sent.get(SLC_IP)}")
            flags, value = answered.get(SLC_IP, (0, 0))
            if value != 0x18 or not flags & 0x80:
                fail(f"the server did not acknowledge SLC IP ^X: {answered.get(SLC_IP)}")
            out = at_prompt(term, "status")
            if "Operating with LINEMODE option" not in out:
                fail(f"the client's status: {out!r}")
            info["detail"] = "MODE EDIT|TRAPSIG; SLC IP ^X exported and acknowledged"

        with rec.check(PEER, TO_TELNETD, "SLC values applied to the pty") as info:
            m = shell(term, "stty -a | tr ';' '\\n' | grep -w intr | sed 's/^/I:/;s/$/./'",
                      r"I: ?intr = (\S+)\.")
            info["detail"] = f"pty intr = {m.group(1).decode()}"
            if m.group(1) != b"^X":
                fail(f"the client's SLC IP ^X was acknowledged but the pty's intr is "
                     f"{m.group(1).decode()}")

        with rec.check(PEER, TO_TELNETD, "typed text echoed in LINEMODE") as info:
            settle_output(term, 0.3)
            term.send("echo ec$((2*3))ho")
            typed = settle_output(term, 0.7)
            term.send("\r")
            shell(term, None, r"ec6ho")
            if "echo ec$((2*3))ho" not in typed:
                fail(f"nothing is echoed while a line is typed in LINEMODE (saw {typed!r}); the "
                     f"client reports: {status_lines(at_prompt(term, 'status'))}")

        with rec.check(PEER, TO_TELNETD, "window size and TERM") as info:
            want = {"TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
            got = {k: env.get(k) for k in want}
            if got != want:
                fail(f"the child's environment has {got}, wanted {want}")
            shell(term, 'echo "S=$(stty size)=$TERM."', rf"S={ROWS} {COLS}=xterm-256color\.")
            info["detail"] = f"{COLS}x{ROWS}, xterm-256color"

        with rec.check(PEER, TO_TELNETD, "environment arrives, hostile variables scrubbed") as info:
            leaked = sorted(set(HOSTILE) & set(env))
            if leaked:
                fail(f"{leaked} reached the child")
            strange = sorted(k for k in env if not env_allowed(k))
            if strange:
                fail(f"the child got variables outside the allowlist: {strange}")
            for k, v in {**FRIENDLY, "USER": "alice"}.items():
                if env.get(k) != v:
                    fail(f"{k}: the child has {env.get(k)!r}, the client sent {v!r}")
            if args != ["-p", "-h", "127.0.0.1", "--", "alice"]:
                fail(f"login argv {args}")
            info["detail"] = "LC_INTEROP, DISPLAY, USER arrive; " + ", ".join(sorted(HOSTILE)) + \
                " dropped"

        with rec.check(PEER, TO_TELNETD, "interrupt key (LINEMODE, IAC IP)"):
            before = relay.stream("c2s").count(bytes([IAC, IP_CMD]))
            interrupt(term, CTRL_X)
            if relay.stream("c2s").count(bytes([IAC, IP_CMD])) <= before:
                fail("the client did not send IAC IP for its interrupt key")

        reference, ref_error = None, None
        try:
            reference = reference_status()
        except interop.CheckFailed as e:
            ref_error = f"with inetutils telnetd -l: {e.msg}"
        missing = ref_error or \
            "inetutils telnetd not found (install: apt-get install inetutils-telnetd)"
        if reference is None and ref_error is None and not interop.CI:
            rec.add(PEER, TO_TELNETD, "client state as with inetutils telnetd", "skip", missing)
        else:
            with rec.check(PEER, TO_TELNETD, "client state as with inetutils telnetd") as info:
                if reference is None:
                    fail(missing)
                ours = status_lines(at_prompt(term, "status"))
                if ours != reference["linemode"]:
                    only_ours = [x for x in ours if x not in reference["linemode"]]
                    only_ref = [x for x in reference["linemode"] if x not in ours]
                    fail(f"in LINEMODE the client reports {only_ours or ours} where with "
                         f"inetutils telnetd -l it reports {only_ref or reference['linemode']}")
                info["detail"] = "; ".join(ours)

        with rec.check(PEER, TO_TELNETD, "mode character (escape prompt)") as info:
            at_prompt(term, "mode character")
            out = status_lines(at_prompt(term, "status"))
            if "Operating in single character mode" not in out or \
                    "Remote character echo" not in out:
                fail(f"after 'mode character' the client reports {out}")
            if reference is not None and out != reference["character"]:
                fail(f"after 'mode character' the client reports {out}; with inetutils "
                     f"telnetd -l: {reference['character']}")
            shell(term, "stty -a | grep -o -- '-*extproc' | sed 's/^/X:/'", r"X:-extproc")
            settle_output(term, 0.3)
            term.send("echo ab$((1+1))c")
            typed = settle_output(term, 0.7)
            term.send("\r")
            shell(term, None, r"ab2c")
            if "echo ab$((1+1))c" not in typed:
                fail(f"character mode: the server does not echo ({typed!r})")
            info["detail"] = "single character mode, remote echo, LINEMODE off on the pty"

        with rec.check(PEER, TO_TELNETD, "interrupt key (character mode)"):
            interrupt(term, CTRL_X)

        with rec.check(PEER, TO_TELNETD, "logout closes the connection") as info:
            term.send("exit\r")
            term.expect("Connection closed by foreign host.", 10 * SLOW)
            code = interop.close_pty(term, 10 * SLOW)
            if code != 0:
                fail(f"telnet exited with {code}")
            info["detail"] = "exit: connection closed, telnet exit 0"
    finally:
        interop.close_pty(term, 2)
        relay.close()
        log = interop.stop_server(prog)
    with rec.check(PEER, TO_TELNETD, "server settles without the timeout") as info:
        started = [ln for ln in log.splitlines() if "started" in ln]
        if waited is None or not started:
            fail(f"no session started: {log}")
        info["seconds"] = waited
        info["detail"] = f"settled by the client's answers (timeout {SETTLE_TELNETD:.0f} s)"
        if interop.timed_out(waited, SETTLE_TELNETD) or any("timed out" in ln for ln in started):
            fail(f"the login program started {waited:.1f} s after connecting; telnetd waited "
                 f"for its {SETTLE_TELNETD:.0f} s settle timeout"
                 + (" (it logged 'negotiation timed out')" if "timed out" in "".join(started)
                    else ""))


def reference_status():
    """The client's `status` lines in LINEMODE and after `mode character` with inetutils
    telnetd -l (the BSD-derived daemon) on a loopback inetd, or None without it."""
    if not os.access(TELNETD, os.X_OK):
        return None
    inetd = interop.Inetd([TELNETD, "-l", "-E", "/bin/sh"])
    term = client(inetd.port)
    try:
        term.expect("# ", 15)
        settle_output(term, 0.3)
        linemode = status_lines(at_prompt(term, "status"))
        at_prompt(term, "mode character")
        character = status_lines(at_prompt(term, "status"))
        term.send("exit\r")
        interop.close_pty(term, 5)
        return {"linemode": linemode, "character": character}
    finally:
        interop.close_pty(term, 1)
        inetd.stop()


def test_telnetd_binary(rec):
    """Bytes 0x80..0xFF typed on the client's keyboard reach the program unchanged, and the
    program's 0x80..0xFF reach the client's terminal: BINARY both ways (telnetd asks for it)."""
    high = bytes(range(0x80, 0x100))
    octal = "".join(f"\\{b:03o}" for b in high)
    script = (f"stty raw -echo; printf READY; head -c {len(high)} | od -An -v -tx1; "
              f"printf 'OUT<{octal}>'; sleep 1")
    prog, port = interop.start_server("telnetd", ["--exec", "/bin/sh", "-c", script])
    relay = interop.Relay(port)
    term = client(relay.port)
    try:
        with rec.check(PEER, TO_TELNETD, "8-bit data in BINARY mode") as info:
            term.expect("READY", 20 * SLOW)
            # `stty raw` clears the pty's ICANON: the server sends MODE without EDIT and the
            # client, once it acknowledged that, sends every key as typed.
            def raw_acked():
                modes = [t[2] for _, t in relay.timed_tokens("c2s") if t[0] == "sb" and
                         t[1] == LINEMODE and t[2][:1] == b"\x01" and len(t[2]) > 1]
                return modes and not modes[-1][1] & 1 and modes[-1][1] & 4
            if not interop.wait_for(raw_acked, 10 * SLOW):
                lm = [(d, t[2].hex()) for d in ("s2c", "c2s") for _, t in relay.timed_tokens(d)
                      if t[0] == "sb" and t[1] == LINEMODE and t[2][:1] == b"\x01"]
                fail(f"the client never acknowledged a MODE without EDIT after `stty raw` "
                     f"(MODE messages: {lm})")
            c2s = [t for _, t in relay.timed_tokens("c2s") if t[0] == "neg" and t[2] == 0]
            s2c = [t for _, t in relay.timed_tokens("s2c") if t[0] == "neg" and t[2] == 0]
            if ("neg", interop.WILL, 0) not in c2s or ("neg", interop.DO, 0) not in c2s:
                fail(f"the client did not agree to BINARY both ways: {c2s} after {s2c}")
            term.send(high)
            seen = b""
            deadline = time.time() + 10 * SLOW
            while b">" not in term.buf and time.time() < deadline:
                term.read_some(0.1)
            seen, _, _ = term.buf.partition(b">")
            hexdump, _, out = seen.partition(b"OUT<")
            got = bytes(int(x, 16) for x in hexdump.split())
            if got != high:
                fail(f"keyboard to program: {got.hex()}")
            if out != high:
                fail(f"program to terminal: {out.hex()}")
            info["detail"] = "0x80-0xFF both ways, 0xFF as IAC IAC"
    finally:
        interop.close_pty(term, 5)
        relay.close()
        interop.stop_server(prog)


# --------------------------------------------------------------------------------------------
# against our telnet-server

PROMPT = "tel:sh> "


def test_telnet_server(rec):
    prog, port = interop.start_server("telnet-server")
    relay = interop.Relay(port)
    term = client()
    try:
        term.expect("telnet> ", 10)
        for name, value in FRIENDLY.items():
            term.send(f"environ define {name} {value}\r")
            term.expect("telnet> ")
        term.send(f"open 127.0.0.1 {relay.port}\r")
        t_open = time.time()
        greeting = ""
        with rec.check(PEER, TO_SERVER, "server settles without the timeout") as info:
            greeting = term.expect(PROMPT, 20 * SLOW)
            waited = time.time() - t_open
            info["detail"] = f"greeting at once (timeout {SETTLE_SERVER:.0f} s)"
            info["seconds"] = waited
            if interop.timed_out(waited, SETTLE_SERVER):
                fail(f"the greeting came {waited:.1f} s after connecting (the settle timeout "
                     f"is {SETTLE_SERVER:.0f} s)")
        with rec.check(PEER, TO_SERVER, "real LINEMODE with SLC") as info:
            if "linemode (your client edits lines)" not in greeting:
                fail(f"greeting: {greeting!r}")
            term.send("slc\r")
            out = term.expect(PROMPT, 10 * SLOW)
            if not re.search(r"\bIP\b.*\^X", out):
                fail(f"the client's SLC IP ^X is not in the negotiated table:\n{out}")
            info["detail"] = "SLC IP ^X in the negotiated table"
        status = ""
        with rec.check(PEER, TO_SERVER, "typed text echoed in LINEMODE"):
            settle_output(term, 0.3)
            term.send("status")
            typed = settle_output(term, 0.7)
            term.send("\r")
            status = term.expect(PROMPT, 10 * SLOW)
            if "status" not in typed:
                fail(f"nothing is echoed while a line is typed ({typed!r})")
        with rec.check(PEER, TO_SERVER, "window size and TERM") as info:
            for want in ("TERM          xterm-256color", f"window        {COLS}x{ROWS}"):
                if want not in status:
                    fail(f"status lacks {want!r}:\n{status}")
            info["detail"] = f"{COLS}x{ROWS}, xterm-256color"
        with rec.check(PEER, TO_SERVER, "environment arrives") as info:
            for want in ('LC_INTEROP="yes"', 'DISPLAY="myhost:0"'):
                if want not in status:
                    fail(f"status lacks {want}:\n{status}")
            info["detail"] = "LC_INTEROP and DISPLAY (USERVAR/VAR) listed by status"
        with rec.check(PEER, TO_SERVER, "interrupt key (LINEMODE, IAC IP)"):
            before = relay.stream("c2s").count(bytes([IAC, IP_CMD]))
            term.send(b"stat" + CTRL_X)
            out = term.expect(PROMPT, 10 * SLOW)
            if "TERM" in out or relay.stream("c2s").count(bytes([IAC, IP_CMD])) <= before:
                fail(f"^X did not cancel the line: {out!r}")
        with rec.check(PEER, TO_SERVER, "toggle binary (escape prompt)") as info:
            at_prompt(term, "toggle binary")
            term.send("toggle\r")
            out = term.expect(PROMPT, 10 * SLOW)
            for want in ("inbinary ON", "outbinary ON"):
                if want not in out:
                    fail(f"after the client's 'toggle binary' the server reports:\n{out}")
            info["detail"] = "the server agrees to BINARY both ways"
        with rec.check(PEER, TO_SERVER, "mode character (escape prompt)") as info:
            term.send(b"\x1d")
            term.expect("telnet> ", 10 * SLOW)
            term.send("mode character\r")
            term.expect("[input mode: character mode", 10 * SLOW)
            term.expect(PROMPT, 10 * SLOW)
            out = status_lines(at_prompt(term, "status"))
            if "Operating in single character mode" not in out:
                fail(f"the client reports {out}")
            term.send("hex\x7flp\r")
            out = term.expect(PROMPT, 10 * SLOW)
            if "hex\b \blp" not in out or "commands:" not in out:
                fail(f"server-side editing after 'mode character': {out!r}")
            info["detail"] = "character mode, the server echoes and edits (DEL)"
        with rec.check(PEER, TO_SERVER, "interrupt key (character mode)"):
            term.send(b"stat" + CTRL_X)
            out = term.expect(PROMPT, 10 * SLOW)
            if "TERM" in out:
                fail(f"^X did not cancel the line: {out!r}")
        with rec.check(PEER, TO_SERVER, "logout closes the connection") as info:
            term.send("logout\r")
            term.expect("Goodbye.", 10 * SLOW)
            term.expect("Connection closed by foreign host.", 10 * SLOW)
            code = interop.close_pty(term, 10 * SLOW)
            if code != 0:
                fail(f"telnet exited with {code}")
            info["detail"] = "Goodbye., telnet exit 0"
    finally:
        interop.close_pty(term, 2)
        relay.close()
        interop.stop_server(prog)


def main():
    global TELNET
    rec = interop.Recorder("inetutils_client")
    TELNET = interop.find_peer("telnet", "apt-get install inetutils-telnet", rec)
    version = interop.run_text([TELNET, "--version"]).splitlines()[0].split()[-1]
    rec.peer_version("inetutils telnet", version)
    with tempfile.TemporaryDirectory(prefix="tn-interop-") as tmp:
        interop.run_parts([lambda: test_telnetd(rec, tmp)])
    interop.run_parts([lambda: test_telnetd_binary(rec), lambda: test_telnet_server(rec)])
    rec.finish()


TELNET = "telnet"
TELNETD = "/usr/sbin/telnetd"

if __name__ == "__main__":
    main()
