"""Interop: our telnet-client against telnetlib3 (5.x) servers.

- telnetlib3-server --pty-exec /bin/sh --encoding utf8: a shell session works end to end from a
  pipe and on a pty, the options settle (the client's `status` at its escape prompt), CHARSET
  reaches UTF-8, the window size and TERM reach the shell, ^C interrupts, logout closes; with
  --encoding cp437 on our side CHARSET agrees on CP437 and a CP437 stream (the shell prints CP437
  bytes; telnetlib3 sets LANG=en_US.CP437 for it) shows as the UTF-8 glyphs on the terminal; in
  pipe mode the client settles from the server's answers, not its settle timeout.
- telnetlib3-fingerprint-server (TELNETLIB3_FINGERPRINT_POST_SCRIPT=json.tool): the options it
  finds our client supporting are exactly those tn_config_new_client() offers and accepts
  (docs/telnet-client.md), with no looped negotiation and no directional refusal.
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402
import common  # noqa: E402
from interop import SLOW, client_prompt, fail, shell  # noqa: E402
from telnetd_peer import gone, wait_process  # noqa: E402

DIRECTION = interop.DIR_CLIENT
CLIENT_SETTLE = 4.0
COLS, ROWS = 93, 29
# tn_config_new_client(): offers TTYPE NAWS TSPEED LFLOW LINEMODE NEW-ENVIRON, accepts BINARY EOR
# CHARSET SGA STATUS (both ways) and TIMING-MARK; XDISPLOC and SNDLOC only with a value to report
# (telnet-client sets none); never ECHO (docs/telnet-client.md). In telnetlib3's names:
CLIENT_WILL = {"TTYPE", "NAWS", "TSPEED", "LFLOW", "LINEMODE", "NEW_ENVIRON", "BINARY", "EOR",
               "CHARSET", "SGA", "STATUS", "TM"}
CLIENT_WONT = {"ECHO", "XDISPLOC", "SNDLOC"}


def client_env(**extra):
    # No LANG: telnetlib3 prefers the encoding named by the client's LANG over the CHARSET
    # agreement, and this test wants to see the agreement at work.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", "TERM": "vt220"}
    env.update(extra)
    return env


class Tl3Server:
    def __init__(self, tool, *args, env=None):
        self.port = common.free_port()
        self.proc = subprocess.Popen([tool, "127.0.0.1", str(self.port)] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env)
        common.wait_port(self.port, timeout=20)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def test_pipe(rec, server_tool):
    srv = Tl3Server(server_tool, "--pty-exec", "/bin/sh", "--encoding", "utf8")
    relay = interop.Relay(srv.port)
    try:
        prog = common.Program([common.binary("telnet-client"), "127.0.0.1", str(relay.port)],
                              env=client_env(), stdin=subprocess.PIPE)
        prog.proc.stdin.write(b"echo hello-$((6*7))\nexit\n")
        prog.proc.stdin.close()
        prog.proc.stdin = None
        try:
            prog.proc.wait(30 * SLOW)
        except subprocess.TimeoutExpired:
            pass
        code, out, err = prog.stop()
        with rec.check("telnetlib3-server", DIRECTION, "shell session (pipe)") as info:
            if "hello-42" not in out or code != 0:
                fail(f"exit {code}, stdout {out[-500:]!r}, stderr {err[-300:]!r}")
            info["detail"] = "hello-42, exit 0"
        with rec.check("telnetlib3-server", DIRECTION,
                       "client settles without the timeout") as info:
            t = relay.first_data_time("c2s")
            if t is None:
                fail("the client never sent its input")
            info["seconds"] = t
            info["detail"] = f"input sent once the server answered (timeout {CLIENT_SETTLE:.0f} s)"
            if interop.timed_out(t, CLIENT_SETTLE):
                fail(f"the client sent its input {t:.1f} s after connecting, at its "
                     f"{CLIENT_SETTLE:.0f} s settle timeout; {unanswered_requests(relay)}")
    finally:
        relay.close()
        srv.stop()


def unanswered_requests(relay):
    """The client's requests the server never answered with a verb, and what it sent instead."""
    c2s = [t for _, t in relay.timed_tokens("c2s") if t[0] == "neg"]
    s2c = [t for _, t in relay.timed_tokens("s2c")]
    out = []
    for _, verb, o in c2s:
        if verb == interop.WILL and not any(t[0] == "neg" and t[2] == o and t[1] in
                                            (interop.DO, interop.DONT) for t in s2c):
            sb = any(t[0] == "sb" and t[1] == o for t in s2c)
            out.append(f"WILL {interop.opt_name(o)}" + (" (answered with a SB instead)"
                                                        if sb else ""))
    return "the server never answered " + (", ".join(dict.fromkeys(out)) if out else "-")


def test_interactive(rec, server_tool, encoding):
    srv = Tl3Server(server_tool, "--pty-exec", "/bin/sh", "--encoding", "utf8")
    argv, log = interop.vg_argv([common.binary("telnet-client"), "127.0.0.1", str(srv.port),
                                 "--encoding", encoding, "--term", "vt220"])
    term = common.Pty(argv, env=client_env(), cols=COLS, rows=ROWS)
    peer = "telnetlib3-server"
    try:
        if encoding == "cp437":
            with rec.check(peer, DIRECTION, "CP437 stream shown as UTF-8") as info:
                shell(term, "echo L=$LANG.", r"L=\S+\.", 20)   # the shell is there
                term.send("printf '\\311\\315\\273\\260\\333-%s\\n' $((6*7))\r")
                m = shell(term, None, r"(\S+)-42", 15)
                if m.group(1).decode(errors="replace") != "╔═╗░█":
                    fail(f"CP437 C9 CD BB B0 DB showed as {m.group(1)!r}")
                out = client_prompt(term, "status")
                if "CHARSET agreed: CP437" not in out:
                    fail(f"status: {out!r}")
                info["detail"] = "CHARSET CP437; C9 CD BB B0 DB shown as ╔═╗░█"
            with rec.check(peer, DIRECTION, "logout closes (cp437 session)"):
                term.send("exit\r")
                term.expect("Connection closed by foreign host.", 15 * SLOW)
                code = interop.close_pty(term, 15 * SLOW)
                interop.check_vg(log, code)
                if code != 0:
                    fail(f"exit {code}")
            return
        with rec.check(peer, DIRECTION, "shell session on a pty") as info:
            shell(term, "echo hello-$((6*7))", r"hello-42", 20)
            info["detail"] = "hello-42"
        with rec.check(peer, DIRECTION, "options settle, CHARSET UTF-8") as info:
            out = client_prompt(term, "status")
            if "CHARSET agreed: UTF-8" not in out:
                fail(f"no CHARSET agreement on UTF-8: {out!r}")
            ours = re.search(r"Options we perform \(WILL\):(.*)", out)
            theirs = re.search(r"Options the server performs \(DO\):(.*)", out)
            ours = set(ours.group(1).split()) if ours else set()
            theirs = set(theirs.group(1).split()) if theirs else set()
            if not {"BINARY", "CHARSET", "TTYPE", "NAWS"} <= ours or \
                    not {"BINARY", "CHARSET", "ECHO", "SGA"} <= theirs:
                fail(f"we perform {sorted(ours)}, the server {sorted(theirs)}")
            info["detail"] = f"we: {' '.join(sorted(ours))}; server: {' '.join(sorted(theirs))}"
        with rec.check(peer, DIRECTION, "window size and TERM") as info:
            shell(term, 'echo "S=$(stty size)=$TERM."', rf"S={ROWS} {COLS}=vt220\.", 15)
            info["detail"] = f"{COLS}x{ROWS}, vt220"
        with rec.check(peer, DIRECTION, "^C interrupts") as info:
            n = 53
            term.send(f"sleep {n}; echo NOT$((1+1))\r")
            sleeper = wait_process(["sleep", str(n)], 10 * SLOW)
            term.send(b"\x03")
            ok = gone(sleeper, 5 * SLOW)   # then the next command (see the inetutils tests)
            if ok:
                shell(term, "echo INT$((2+3))", r"INT5", 5)
                ok = b"NOT2" not in term.buf
            if not ok:
                try:
                    os.kill(sleeper, signal.SIGKILL)
                except OSError:
                    pass
                fail("^C did not interrupt sleep")
        with rec.check(peer, DIRECTION, "logout closes") as info:
            term.send("exit\r")
            term.expect("Connection closed by foreign host.", 15 * SLOW)
            code = interop.close_pty(term, 15 * SLOW)
            interop.check_vg(log, code)
            if code != 0:
                fail(f"telnet-client exited with {code}")
            info["detail"] = "exit 0"
    finally:
        interop.close_pty(term, 2)
        srv.stop()


def test_fingerprint(rec, tool):
    peer = "telnetlib3-fingerprint-server"
    with tempfile.TemporaryDirectory(prefix="tn-fps-") as data_dir:
        env = dict(os.environ, TELNETLIB3_FINGERPRINT_POST_SCRIPT="json.tool")
        srv = Tl3Server(tool, "--data-dir", data_dir, env=env)
        try:
            prog = common.Program([common.binary("telnet-client"), "127.0.0.1", str(srv.port)],
                                  env=client_env(LANG="C.UTF-8"), stdin=subprocess.PIPE)
            # stdin stays open: the client must not close before the probe is done; the server
            # closes after printing the fingerprint.
            try:
                prog.proc.wait(40 * SLOW)
            except subprocess.TimeoutExpired:
                pass
            prog.proc.stdin.close()
            prog.proc.stdin = None
            code, out, err = prog.stop()
        finally:
            srv.stop()
        files = glob.glob(os.path.join(data_dir, "client", "*", "*", "*.json"))
        with rec.check(peer, DIRECTION, "probe completes") as info:
            if not files:
                fail(f"no fingerprint saved; client exit {code}, stdout {out[-400:]!r}")
            if '"telnet-probe"' not in out or code != 0:
                fail(f"the client did not show the fingerprint and exit 0: exit {code}, "
                     f"stdout {out[-300:]!r}")
            with open(files[0]) as f:
                data = json.load(f)["telnet-probe"]
            info["detail"] = f"fingerprint {data['fingerprint']}"
        fp = data["fingerprint-data"]
        supported = set(fp.get("supported-options", []))
        refused = set(fp.get("refused-options", []))
        probed = supported | refused
        with rec.check(peer, DIRECTION, "supported options as configured") as info:
            want = CLIENT_WILL & probed
            if supported != want:
                fail(f"supported {sorted(supported)}, configured {sorted(want)} (missing "
                     f"{sorted(want - supported)}, extra {sorted(supported - want)})")
            info["detail"] = " ".join(sorted(supported))
        with rec.check(peer, DIRECTION, "refused options as configured") as info:
            if not (CLIENT_WONT & probed) <= refused:
                fail(f"refused {sorted(refused)} lacks {sorted((CLIENT_WONT & probed) - refused)}")
            info["detail"] = "ECHO, XDISPLOC, SNDLOC and every unsupported option refused"
        with rec.check(peer, DIRECTION, "no looped negotiation"):
            if fp.get("looped-negotiation"):
                fail(f"looped: {fp['looped-negotiation']}")
        with rec.check(peer, DIRECTION, "no directional refusal, no rejected reply"):
            for key in ("directional-refusals", "rejected-will", "rejected-do"):
                if fp.get(key):
                    fail(f"{key}: {fp[key]}")
        with rec.check(peer, DIRECTION, "TTYPE, NAWS, CHARSET reported") as info:
            extra = data["session_data"].get("extra", {})
            if fp.get("TERM") != "Yes" or extra.get("TERM") != "vt220" or \
                    (extra.get("cols"), extra.get("rows")) != (80, 24) or \
                    fp.get("charset") != "UTF-8":
                fail(f"TERM {fp.get('TERM')}/{extra.get('TERM')}, window "
                     f"{extra.get('cols')}x{extra.get('rows')}, charset {fp.get('charset')}")
            info["detail"] = "TERM vt220, 80x24 (no terminal), CHARSET UTF-8"


def main():
    rec = interop.Recorder("telnetlib3_client")
    server = interop.find_peer("telnetlib3-server", interop.TELNETLIB3_INSTALL, rec)
    fps = interop.find_peer("telnetlib3-fingerprint-server", ".ci/setup", rec)
    interop.record_telnetlib3_version(rec, server)
    interop.run_parts([lambda: test_pipe(rec, server),
                       lambda: test_interactive(rec, server, "utf8"),
                       lambda: test_interactive(rec, server, "cp437"),
                       lambda: test_fingerprint(rec, fps)])
    rec.finish()


if __name__ == "__main__":
    main()
