"""Interop: telnetlib3 (the Python reference implementation, 5.x) against our servers.

- telnetlib3-client, input on a pipe, against telnetd (a login stub records what the child got)
  and telnet-server: the session works end to end, TERM, window size, environment and (with
  telnet-server) CHARSET arrive, and the server settles from the client's answers rather than
  its settle timeout.
- telnetlib3-fingerprint (--scan-type full) against both: the options it finds offered and
  requested are exactly the ones the server is configured with (docs/telnetd.md,
  docs/telnet-server.md, tn_config_new_server), with no looped negotiation, no directional
  refusal and no wrong-direction acceptance.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402
from interop import SLOW, fail  # noqa: E402
from telnetd_peer import write_stub  # noqa: E402

TO_TELNETD = interop.DIR_TELNETD
TO_SERVER = interop.DIR_SERVER
SETTLE = {"telnetd": 5.0, "telnet-server": 4.0}

# What the servers are configured to do (tn_config_new_server, docs/telnetd.md,
# docs/telnet-server.md), in telnetlib3's option names.
PLAN_DO = {"TTYPE", "TSPEED", "XDISPLOC", "NEW_ENVIRON", "NAWS", "LFLOW", "LINEMODE"}
PLAN_WILL = {"ECHO", "SGA", "STATUS"}
ACCEPTS_LOCAL = {"BINARY", "EOR", "CHARSET", "SGA", "STATUS", "TM", "LOGOUT"}
EXPECTED = {
    # telnetd asks for BINARY both ways on top of the plan.
    "telnetd": {"requested": PLAN_DO | {"BINARY"}, "offers": PLAN_WILL | ACCEPTS_LOCAL},
    # telnet-server offers CHARSET (DO CHARSET at the start); BINARY is only allowed.
    "telnet-server": {"requested": PLAN_DO | {"CHARSET"}, "offers": PLAN_WILL | ACCEPTS_LOCAL},
}
# With LINEMODE and its EDIT bit in effect the client echoes, so the server says WONT ECHO
# (BSD telnetd; docs/telnet-server.md) and refuses DO ECHO while that lasts.
ECHO_OFF_IN_LINEMODE = True


def tl3_client(tool, port, stdin_data, term="xterm-interop", wait=15):
    """Runs telnetlib3-client with `stdin_data` on a pipe (then keeps stdin open `wait` seconds
    at most, until the server closes); returns (exit code, output)."""
    p = subprocess.Popen([tool, "--term", term, "127.0.0.1", str(port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    p.stdin.write(stdin_data)
    p.stdin.flush()
    try:
        out, _ = p.communicate(timeout=wait * SLOW)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        return None, out.decode(errors="replace")
    return p.returncode, out.decode(errors="replace")


def test_client_telnetd(rec, tool, tmp):
    peer = "telnetlib3-client"
    stub = write_stub(tmp)
    prog, port = interop.start_server("telnetd", ["--login-program", stub])
    relay = interop.Relay(port)
    log, t, why = "", None, ""
    try:
        code, out = tl3_client(tool, relay.port, b"echo hello-$((6*7))\nexit\n")
        env = {}
        with rec.check(peer, TO_TELNETD, "shell session (pipe)") as info:
            if "hello-42" not in out:
                fail(f"no hello-42: exit {code}, output {out[-600:]!r}")
            if code != 0:
                fail(f"telnetlib3-client exited with {code} after the shell's exit")
            pid = out.split("STUB-READY ", 1)[1].split(".", 1)[0]
            with open(os.path.join(tmp, f"{pid}.rec")) as f:
                env = dict(ln.split("=", 1) for ln in f.read().split("ENV\n", 1)[1].split("\n")
                           if "=" in ln)
            info["detail"] = "hello-42; logout closes, exit 0"
        with rec.check(peer, TO_TELNETD, "window size and TERM") as info:
            want = {"TERM": "xterm-interop", "COLUMNS": "80", "LINES": "25"}
            got = {k: env.get(k) for k in want}
            if got != want:
                fail(f"the child has {got}, wanted {want} ({env})")
            info["detail"] = f"TERM={env['TERM']}, {env['COLUMNS']}x{env['LINES']}"
        with rec.check(peer, TO_TELNETD, "environment arrives") as info:
            if "LANG" not in env:
                fail(f"the client's LANG did not arrive: {env}")
            info["detail"] = f"LANG={env['LANG']}"
        t = relay.first_data_time("s2c", b"STUB-READY")
        why = unanswered(relay)
    finally:
        relay.close()
        log = interop.stop_server(prog)
    with rec.check(peer, TO_TELNETD, "server settles without the timeout") as info:
        if t is None:
            fail("the login program never started")
        info["seconds"] = t
        info["detail"] = f"settled by the client's answers (timeout {SETTLE['telnetd']:.0f} s)"
        started = [ln for ln in log.splitlines() if "started" in ln]
        if interop.timed_out(t, SETTLE["telnetd"]) or any("timed out" in ln for ln in started):
            fail(f"the login program started {t:.1f} s after connecting: telnetd waited for its "
                 f"{SETTLE['telnetd']:.0f} s settle timeout ({why})"
                 + (" and logged 'negotiation timed out'" if "timed out" in "".join(started)
                    else ""))


def unanswered(relay):
    """Which of the server's requests the client never answered, from the wire."""
    s2c = [t for _, t in relay.timed_tokens("s2c") if t[0] == "neg"]
    c2s = [t for _, t in relay.timed_tokens("c2s") if t[0] == "neg"]
    answers = {(t[1], t[2]) for t in c2s}
    out = []
    reply = {interop.WILL: (interop.DO, interop.DONT), interop.DO: (interop.WILL, interop.WONT),
             interop.WONT: (interop.DONT,), interop.DONT: (interop.WONT,)}
    for _, verb, o in s2c:
        if not any((r, o) in answers for r in reply[verb]):
            out.append(f"{interop.VERB_NAMES[verb]} {interop.opt_name(o)}")
    return "unanswered: " + (", ".join(dict.fromkeys(out)) if out else "none")


def test_client_server(rec, tool):
    peer = "telnetlib3-client"
    prog, port = interop.start_server("telnet-server")
    relay = interop.Relay(port)
    try:
        code, out = tl3_client(tool, relay.port, b"status\r\nquit\r\n")
        with rec.check(peer, TO_SERVER, "shell session (pipe)") as info:
            if "Goodbye." not in out or "option        server" not in out:
                fail(f"exit {code}, output {out[-800:]!r}")
            if code != 0:
                fail(f"telnetlib3-client exited with {code}")
            info["detail"] = "status, quit: Goodbye., exit 0"
        with rec.check(peer, TO_SERVER, "window size and TERM") as info:
            for want in ("TERM          xterm-interop", "window        80x25"):
                if want not in out:
                    fail(f"status lacks {want!r}")
            info["detail"] = "xterm-interop, 80x25"
        with rec.check(peer, TO_SERVER, "environment arrives") as info:
            if 'VAR LANG="' not in out:
                fail("status does not list the client's LANG")
            info["detail"] = "LANG listed by status"
        with rec.check(peer, TO_SERVER, "CHARSET UTF-8") as info:
            if "charset       UTF-8" not in out:
                fail("the client did not accept the UTF-8 offer")
            info["detail"] = "the client accepted UTF-8 from the offer UTF-8;CP437"
        with rec.check(peer, TO_SERVER, "server settles without the timeout") as info:
            t = relay.first_data_time("s2c", b"tel:sh> ")
            if t is None:
                fail("no prompt")
            info["seconds"] = t
            info["detail"] = f"greeting at once (timeout {SETTLE['telnet-server']:.0f} s)"
            if interop.timed_out(t, SETTLE["telnet-server"]):
                fail(f"the greeting came {t:.1f} s after connecting: telnet-server waited for "
                     f"its settle timeout; {unanswered(relay)}")
    finally:
        relay.close()
        interop.stop_server(prog)


def fingerprint(rec, tool, server, args, direction):
    peer = "telnetlib3-fingerprint"
    prog, port = interop.start_server(server, args)
    with tempfile.TemporaryDirectory(prefix="tn-fp-") as tmp:
        path = os.path.join(tmp, "fp.json")
        try:
            r = subprocess.run([tool, "127.0.0.1", str(port), "--scan-type", "full",
                                "--save-json", path, "--silent", "--banner-quiet-time", "0.3",
                                "--banner-max-wait", "1", "--mssp-wait", "0"],
                               capture_output=True, timeout=60 * SLOW)
        finally:
            interop.stop_server(prog)
        with rec.check(peer, direction, "probe completes") as info:
            if r.returncode != 0 or not os.path.exists(path):
                fail(f"exit {r.returncode}: {r.stderr.decode(errors='replace')[-500:]}")
            with open(path) as f:
                data = json.load(f)["server-probe"]
            info["detail"] = f"fingerprint {data['fingerprint']}"
        fp = data["fingerprint-data"]
        states = data["session_data"]["option_states"]
        probed = set(fp["offered-options"]) | set(fp["refused-options"])
        exp = EXPECTED[server]
        linemode = "LINEMODE" in fp["requested-options"]
        offers = set(exp["offers"])
        if linemode and ECHO_OFF_IN_LINEMODE:
            offers.discard("ECHO")
        with rec.check(peer, direction, "requested options as configured") as info:
            got = set(fp["requested-options"])
            if got != exp["requested"]:
                fail(f"requested {sorted(got)}, configured {sorted(exp['requested'])} "
                     f"(missing {sorted(exp['requested'] - got)}, extra "
                     f"{sorted(got - exp['requested'])})")
            env = states.get("environ_requested")
            if env != [{"name": "*", "type": "VAR"}, {"name": "*", "type": "USERVAR"}]:
                fail(f"NEW-ENVIRON SEND asked for {env}, configured: everything")
            info["detail"] = " ".join(sorted(got))
        with rec.check(peer, direction, "offered options as configured") as info:
            got = set(fp["offered-options"])
            want = offers & probed
            if got != want:
                fail(f"offered {sorted(got)}, configured {sorted(want)} (missing "
                     f"{sorted(want - got)}, extra {sorted(got - want)})"
                     + ("; in LINEMODE with EDIT the server must not echo" if "ECHO" in got
                        and linemode else ""))
            info["detail"] = " ".join(sorted(got))
        with rec.check(peer, direction, "no looped negotiation") as info:
            if fp["looped-negotiation"]:
                fail(f"looped: {fp['looped-negotiation']}")
        with rec.check(peer, direction, "no directional refusal, no wrong-direction accept"):
            for key in ("directional-refusals", "wrong-direction-offered"):
                if fp[key]:
                    fail(f"{key}: {fp[key]}")
            if states.get("directional_refusals"):
                fail(f"directional refusals: {states['directional_refusals']}")


def main():
    rec = interop.Recorder("telnetlib3_servers")
    client = interop.find_peer("telnetlib3-client", interop.TELNETLIB3_INSTALL, rec)
    fp = interop.find_peer("telnetlib3-fingerprint", ".ci/setup", rec)
    interop.record_telnetlib3_version(rec, client)
    with tempfile.TemporaryDirectory(prefix="tn-interop-") as tmp:
        interop.run_parts([lambda: test_client_telnetd(rec, client, tmp),
                           lambda: test_client_server(rec, client),
                           lambda: fingerprint(rec, fp, "telnetd", ["--exec", "/bin/sh", "-i"],
                                               TO_TELNETD),
                           lambda: fingerprint(rec, fp, "telnet-server", [], TO_SERVER)])
    rec.finish()


if __name__ == "__main__":
    main()
