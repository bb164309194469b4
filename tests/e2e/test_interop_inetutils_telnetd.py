"""Interop: our telnet-client against inetutils telnetd, the BSD-derived daemon, run on a loopback
inetd with `-E /bin/sh` (a shell instead of login, so no password is needed; `-l` adds real
LINEMODE).

A shell session works end to end (`echo hello-$((6*7))` gives hello-42) from a pipe and on a pty;
the options settle (the client's `status` at its escape prompt); the window size and TERM arrive;
^C interrupts in character mode and, with `telnetd -l`, in LINEMODE (TRAPSIG: IAC IP); the client
settles from the daemon's answers, not its timeout; logout closes.

inetutils telnetd offers DO NEW-ENVIRON and DO ENVIRON; when a client agrees to both it waits for
an old-ENVIRON answer it never asked for, and the session never starts. The first check talks to
it directly; the others go through a relay that turns the client's WILL ENVIRON into WONT ENVIRON
(what BSD telnet answers), so that the rest is still tested while that first check fails. Once the
client refuses ENVIRON itself the relay changes nothing.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402
import common  # noqa: E402
from interop import SLOW, WILL, WONT, client_prompt, fail, shell  # noqa: E402
from telnetd_peer import gone, wait_process  # noqa: E402

PEER = "inetutils telnetd"
DIRECTION = interop.DIR_CLIENT
ENVIRON = 36
CLIENT_SETTLE = 4.0     # the library's default settle timeout, used by telnet-client
COLS, ROWS = 97, 31


def client_env():
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "TERM": "vt220",
            "LANG": "C.UTF-8"}


def refuse_environ():
    return interop.rewrite_verb(WILL, ENVIRON, WONT)


def pipe_session(port, steps, prompt_wait=10, timeout=20):
    """Runs telnet-client with input on a pipe: an empty line at once (it goes out when the
    client has settled), then for each (marker, line) in `steps` the line once the marker has
    shown on stdout (inetutils telnetd starts the shell late, a shell may drop what was typed
    before it started, and the daemon may close before the output of a last command is out).
    Returns (exit code, stdout, stderr)."""
    prog = common.Program([common.binary("telnet-client"), "127.0.0.1", str(port)],
                          env=client_env(), stdin=subprocess.PIPE)
    early = b""
    fd = prog.proc.stdout.fileno()
    try:
        prog.proc.stdin.write(b"\n")
        prog.proc.stdin.flush()
        for marker, line in steps:
            deadline = time.time() + prompt_wait * SLOW
            while marker not in early and time.time() < deadline:
                r, _, _ = select.select([fd], [], [], 0.1)
                if r:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    early += chunk
            prog.proc.stdin.write(line)
            prog.proc.stdin.flush()
        prog.proc.stdin.close()
    except OSError:
        pass
    prog.proc.stdin = None
    try:
        prog.proc.wait(timeout * SLOW)
    except subprocess.TimeoutExpired:
        pass
    code, out, err = prog.stop()
    return code, early.decode(errors="replace") + out, err


SESSION = [(b"# ", b"echo hello-$((6*7))\n"), (b"hello-42", b"exit\n")]


def test_pipe(rec, telnetd):
    inetd = interop.Inetd([telnetd, "-E", "/bin/sh"])
    try:
        with rec.check(PEER, DIRECTION, "shell session, direct (pipe)") as info:
            relay = interop.Relay(inetd.port)
            code, out, err = pipe_session(relay.port, SESSION, prompt_wait=3, timeout=15)
            relay.close()
            if "hello-42" not in out:
                c2s = interop.tokens(relay.stream("c2s"))
                both = ("neg", WILL, interop.OPT_CODES["NEW_ENVIRON"]) in c2s and \
                    ("neg", WILL, ENVIRON) in c2s
                why = (" (the client agreed to NEW-ENVIRON and to ENVIRON: the daemon waits "
                       "for an ENVIRON IS forever)") if both else ""
                fail(f"no hello-42 from the shell{why}; exit {code}, stdout {out[-300:]!r}")
            info["detail"] = "hello-42"

        relay = interop.Relay(inetd.port, rewrite_c2s=refuse_environ())
        code, out, err = pipe_session(relay.port, SESSION)
        relay.close()
        with rec.check(PEER, DIRECTION, "shell session (pipe)") as info:
            if "hello-42" not in out or code != 0:
                fail(f"exit {code}, stdout {out[-500:]!r}, stderr {err[-500:]!r}")
            info["detail"] = "hello-42, exit 0 (ENVIRON refused in transit)"
        with rec.check(PEER, DIRECTION, "NVT padding (NUL) not written to a pipe") as info:
            # inetutils telnetd sends NUL after some subnegotiations; on the NVT it is a no-op.
            sent = interop.tokens(relay.stream("s2c"))
            nuls = sum(t[1].count(0) for t in sent if t[0] == "data")
            if nuls == 0:
                fail("the daemon sent no NUL this time, so nothing was checked")
            if "\0" in out:
                fail(f"stdout holds {out.count(chr(0))} NUL bytes: {out[:120]!r}")
            info["detail"] = f"the daemon sent {nuls} NUL bytes, none reached stdout"
        with rec.check(PEER, DIRECTION, "client settles without the timeout") as info:
            t = relay.first_data_time("c2s")
            if t is None:
                fail("the client never sent its input")
            info["detail"] = f"input sent once the server answered (timeout {CLIENT_SETTLE:.0f} s)"
            info["seconds"] = t
            if interop.timed_out(t, CLIENT_SETTLE):
                fail(f"the client sent its input {t:.1f} s after connecting: it waited for its "
                     f"settle timeout ({CLIENT_SETTLE:.0f} s)")
    finally:
        inetd.stop()


def start_pty(port):
    argv, log = interop.vg_argv([common.binary("telnet-client"), "127.0.0.1", str(port),
                                 "--term", "vt220"])
    term = common.Pty(argv, env=client_env(), cols=COLS, rows=ROWS)
    return term, log


def interrupt(term, n):
    term.send(f"sleep {n}; echo NOT$((1+1))\r")
    sleeper = wait_process(["sleep", str(n)], 10 * SLOW)
    term.send(b"\x03")
    # The next command only once sleep is gone: an interrupt flushes the pty's input, and a
    # line that reached it first would be lost with it.
    ok = gone(sleeper, 5 * SLOW)
    if ok:
        shell(term, "echo INT$((2+3))", r"INT5", 5)
        ok = b"NOT2" not in term.buf
    if not ok:
        try:
            os.kill(sleeper, signal.SIGKILL)
        except OSError:
            pass
        fail("^C did not interrupt sleep")


def test_interactive(rec, telnetd, linemode):
    name = "LINEMODE (telnetd -l)" if linemode else "character mode"
    inetd = interop.Inetd([telnetd] + (["-l"] if linemode else []) + ["-E", "/bin/sh"])
    relay = interop.Relay(inetd.port, rewrite_c2s=refuse_environ())
    term, log = start_pty(relay.port)
    try:
        with rec.check(PEER, DIRECTION, f"shell session on a pty, {name}") as info:
            term.expect("# ", 20 * SLOW)
            shell(term, "echo hello-$((6*7))", r"hello-42")
            info["detail"] = "hello-42"
        with rec.check(PEER, DIRECTION, f"options settle, {name}") as info:
            out = client_prompt(term, "status")
            ours = re.search(r"Options we perform \(WILL\):(.*)", out)
            theirs = re.search(r"Options the server performs \(DO\):(.*)", out)
            if not ours or not theirs:
                fail(f"status: {out!r}")
            ours, theirs = set(ours.group(1).split()), set(theirs.group(1).split())
            want_ours = {"TTYPE", "NAWS", "TSPEED", "NEW-ENVIRON"} | (
                {"LINEMODE"} if linemode else set())
            want_theirs = {"SGA", "ECHO"} if not linemode else {"SGA"}
            if not want_ours <= ours or not want_theirs <= theirs:
                fail(f"we perform {sorted(ours)}, the server {sorted(theirs)}; wanted at least "
                     f"{sorted(want_ours)} and {sorted(want_theirs)}")
            mode = re.search(r"Mode: ([^\r\n]*)", out)
            mode = mode.group(1) if mode else "?"
            if linemode and "LINEMODE" not in mode:
                fail(f"mode {mode!r}, wanted LINEMODE")
            if not linemode and "character" not in mode:
                fail(f"mode {mode!r}, wanted character at a time")
            info["detail"] = f"we: {' '.join(sorted(ours))}; server: {' '.join(sorted(theirs))}; " \
                             f"{mode}"
        with rec.check(PEER, DIRECTION, f"window size and TERM, {name}") as info:
            shell(term, 'echo "S=$(stty size)=$TERM."', rf"S={ROWS} {COLS}=vt220\.")
            info["detail"] = f"{COLS}x{ROWS}, vt220"
        with rec.check(PEER, DIRECTION, f"^C interrupts, {name}") as info:
            before = relay.stream("c2s").count(bytes([interop.IAC, 244]))
            interrupt(term, 50 + int(linemode))
            ip = relay.stream("c2s").count(bytes([interop.IAC, 244])) > before
            info["detail"] = "sent as IAC IP" if ip else "sent as the byte ^C"
            if linemode and not ip:
                fail("in LINEMODE with TRAPSIG ^C must go out as IAC IP")
        with rec.check(PEER, DIRECTION, f"logout closes, {name}") as info:
            term.send("exit\r")
            term.expect("Connection closed by foreign host.", 15 * SLOW)
            code = interop.close_pty(term, 15 * SLOW)
            interop.check_vg(log, code)
            if code != 0:
                fail(f"telnet-client exited with {code}")
            info["detail"] = "exit 0"
    finally:
        interop.close_pty(term, 2)
        relay.close()
        inetd.stop()


def main():
    rec = interop.Recorder("inetutils_telnetd")
    telnetd = interop.find_peer("/usr/sbin/telnetd", "apt-get install inetutils-telnetd", rec)
    version = interop.run_text([telnetd, "--version"]).splitlines()[0].split()[-1]
    rec.peer_version("inetutils telnetd", version)
    interop.run_parts([lambda: test_pipe(rec, telnetd),
                       lambda: test_interactive(rec, telnetd, linemode=False),
                       lambda: test_interactive(rec, telnetd, linemode=True)])
    rec.finish()


if __name__ == "__main__":
    main()
