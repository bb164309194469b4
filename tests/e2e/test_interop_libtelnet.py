"""Interop: libtelnet, the de facto C Telnet library.

- Differential parsing (tests/c/differential.c, built here against the real libtelnet and our
  static library): tens of thousands of random and adversarial byte streams through libtelnet's
  telnet_recv and our tn_session_feed give the same events wherever both define them; every
  difference is on the allow-list documented in docs/DIFFERENTIAL.md (the test checks that the
  document names each one). Fewer streams under valgrind, where the harness itself runs under
  memcheck.
- telnet-proxy (libtelnet-utils) between our telnet-client and our servers: it decodes every
  event in both directions with libtelnet; the sessions work through it and it reports no error
  or warning and no option negotiated over and over.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402
import common  # noqa: E402
from interop import SLOW, fail  # noqa: E402

SOURCE = os.path.join(interop.ROOT, "tests", "c", "differential.c")
DOC = os.path.join(interop.ROOT, "docs", "DIFFERENTIAL.md")
CATEGORIES = ("iac-sb-iac", "sb-overflow", "mccp2", "environ-interrupted", "rfc1143-queue")
PEER = "libtelnet"
STREAMS = 2000 if common.VALGRIND else 60000


def static_libs():
    """The system libraries the static library needs (its pkg-config file says which)."""
    pc = os.path.join(common.BIN_DIR, "..", "telnet-rs.pc")
    try:
        with open(pc) as f:
            for line in f:
                if line.startswith("Libs.private:"):
                    return line.split(":", 1)[1].split()
    except OSError:
        pass
    return ["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl"]


def build(rec, tmp):
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        fail("no C compiler")
    pkg = shutil.which("pkg-config")
    if not pkg or subprocess.run([pkg, "--exists", "libtelnet"]).returncode != 0:
        rec.skip_all("libtelnet not found (install: apt-get install libtelnet-dev pkg-config)")
    flags = subprocess.run([pkg, "--cflags", "--libs", "libtelnet"], capture_output=True,
                           text=True).stdout.split()
    lib = os.path.join(common.BIN_DIR, "..", "libtelnet-rs.a")
    if not os.path.exists(lib):
        fail(f"{lib} was not built")
    exe = os.path.join(tmp, "differential")
    cmd = [cc, "-std=c11", "-O2", "-g", "-Wall", "-Wextra", "-Werror",
           "-D_POSIX_C_SOURCE=200809L", "-I", os.path.join(interop.ROOT, "include"), SOURCE,
           lib] + flags + static_libs() + ["-o", exe]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        fail(f"cannot build the differential harness:\n{' '.join(cmd)}\n{r.stderr[-3000:]}")
    version = subprocess.run([pkg, "--modversion", "libtelnet"], capture_output=True,
                             text=True).stdout.strip()
    rec.peer_version("libtelnet", version)
    return exe


def run_harness(exe, args, timeout):
    argv = [exe] + args
    if common.VALGRIND:
        argv = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect"] + argv
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def test_differential(rec, exe):
    seeds = [20260101, int(time.time()) % 1000000007]
    with rec.check(PEER, interop.DIR_PARSER, "documented differences reproduced") as info:
        code, out, err = run_harness(exe, ["--count", "0", "--explain"], 120)
        cases = re.findall(r"^case (.*?)\s+(ok|DIFFERENT) \((\S+)\)$", out, re.M)
        if code != 0 or not cases or any(ok != "ok" for _, ok, _ in cases):
            fail(f"exit {code}:\n{out[-3000:]}\n{err[-1000:]}")
        seen = {k for _, _, k in cases}
        missing = [c for c in CATEGORIES if c not in seen]
        if missing:
            fail(f"no named case for {missing}")
        info["detail"] = f"{len(cases)} named cases, each as documented"
    for seed in seeds:
        with rec.check(PEER, interop.DIR_PARSER,
                       f"random and adversarial streams ({'fixed' if seed == seeds[0] else 'new'}"
                       f" seed)") as info:
            t0 = time.time()
            code, out, err = run_harness(exe, ["--count", str(STREAMS), "--seed", str(seed)],
                                         600)
            summary = [ln for ln in out.splitlines() if ln.startswith(("streams", "compared",
                                                                       "differences"))]
            print("\n".join(summary), flush=True)
            if code != 0:
                diffs = out[out.find("DIFFERENT"):][:4000] if "DIFFERENT" in out else out[-2000:]
                fail(f"seed {seed}: differences outside the allow-list (exit {code}; rerun: "
                     f"differential --seed {seed} --count {STREAMS}):\n{diffs}\n{err[-1000:]}")
            m = re.search(r"streams (\d+), bytes compared (\d+), events compared (\d+)", out)
            if not m or int(m.group(1)) != STREAMS or int(m.group(3)) < STREAMS:
                fail(f"the harness did not compare what it should: {summary}")
            cuts = re.search(r"compared whole: (\d+)", out)
            print(f"seed {seed}: {time.time() - t0:.1f} s", flush=True)
            if seed == seeds[0]:   # deterministic: the same streams every run
                info["detail"] = (f"{m.group(1)} streams, {m.group(2)} bytes, {m.group(3)} "
                                  f"events; {cuts.group(1) if cuts else '?'} compared whole, "
                                  f"the rest up to an allowed difference; no other difference")
            else:
                info["detail"] = (f"{m.group(1)} streams from a new seed each run (printed in "
                                  f"the test log); no difference outside the allow-list")
    with rec.check(PEER, interop.DIR_PARSER, "every allowed difference documented") as info:
        try:
            with open(DOC) as f:
                doc = f.read()
        except OSError:
            fail(f"{DOC} is missing")
        missing = [c for c in CATEGORIES if f"`{c}`" not in doc]
        if missing:
            fail(f"docs/DIFFERENTIAL.md does not describe {missing}")
        info["detail"] = "docs/DIFFERENTIAL.md names " + ", ".join(CATEGORIES)


def proxy_session(rec, server, server_args, lines, marker):
    """our telnet-client → telnet-proxy → our server; returns nothing, records one row."""
    feature = f"{server} session decoded cleanly"
    direction = "our telnet-client → telnet-proxy → our server"
    with rec.check("libtelnet telnet-proxy", direction, feature) as info:
        proxy_bin = shutil.which("telnet-proxy")
        if not proxy_bin:
            fail("telnet-proxy not found (install: apt-get install libtelnet-utils)")
        prog, port = interop.start_server(server, server_args)
        listen = common.free_port()
        argv = [proxy_bin, "127.0.0.1", str(port), str(listen)]
        if shutil.which("stdbuf"):
            argv = ["stdbuf", "-oL"] + argv   # its log is printf to stdout
        log_path = tempfile.mktemp(prefix="tn-proxy-")
        with open(log_path, "w") as logf:
            proxy = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT)
        # It accepts one connection only: wait for its "LISTENING" line rather than probing.
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(log_path) as f:
                if "LISTENING" in f.read():
                    break
            time.sleep(0.05)
        try:
            client = common.Program([common.binary("telnet-client"), "127.0.0.1", str(listen)],
                                    env={"PATH": "/usr/bin:/bin", "TERM": "xterm",
                                         "LANG": "C.UTF-8"},
                                    stdin=subprocess.PIPE)
            client.proc.stdin.write(lines)
            client.proc.stdin.close()
            client.proc.stdin = None
            try:
                client.proc.wait(30 * SLOW)
            except subprocess.TimeoutExpired:
                pass
            code, out, err = client.stop()
        finally:
            time.sleep(0.3)
            proxy.terminate()
            try:
                proxy.wait(5)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait()
            interop.stop_server(prog)
        with open(log_path, errors="replace") as f:
            log = f.read()
        os.unlink(log_path)
        if marker not in out or code != 0:
            fail(f"through telnet-proxy: exit {code}, stdout {out[-400:]!r}")
        bad = [ln for ln in log.splitlines() if "ERROR" in ln or "WARNING" in ln]
        if bad:
            fail(f"telnet-proxy reported: {bad[:5]}")
        negs = re.findall(r"^(SERVER|CLIENT) IAC (WILL|WONT|DO|DONT) (\d+)", log, re.M)
        counts = {}
        for n in negs:
            counts[n] = counts.get(n, 0) + 1
        loops = {k: v for k, v in counts.items() if v > 2}
        if loops:
            fail(f"negotiations repeated: {loops}")
        subs = len(re.findall(r"^(SERVER|CLIENT) SUB ", log, re.M))
        if not negs or not subs:
            fail(f"telnet-proxy decoded no negotiation: {log[-500:]!r}")
        info["detail"] = "every negotiation and subnegotiation decoded; no error, none repeated"


def main():
    rec = interop.Recorder("libtelnet")
    with tempfile.TemporaryDirectory(prefix="tn-differential-") as tmp:
        exe = build(rec, tmp)
        try:
            test_differential(rec, exe)
        except interop.CheckFailed:
            pass
    for server, args, lines, marker in (
            ("telnet-server", [], b"status\nquit\n", "Goodbye."),
            ("telnetd", ["--exec", "/bin/sh", "-i"], b"echo hello-$((6*7))\nexit\n", "hello-42")):
        try:
            proxy_session(rec, server, args, lines, marker)
        except interop.CheckFailed:
            pass
    rec.finish()


if __name__ == "__main__":
    main()
