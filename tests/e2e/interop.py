"""Helpers for the interoperability tests (tests/e2e/test_interop_*.py), standard library only.

Every interop test records its checks as rows (peer, direction, feature, pass/fail/skip, detail)
in a results file, build/interop-results/<variant>/<test>.json (variant "plain" or "valgrind").
test_interop_zmatrix.py renders all of them into docs/INTEROP.md; so does

    python3 tests/e2e/interop.py render [RESULTS_DIR]

A failing check is recorded and the test goes on with the next one; the test exits 1 at the end
if any check failed, so one broken feature does not hide the state of the others.

Also here: a logging TCP relay (timestamps of every chunk, optional rewriting), a tokenizer for
Telnet byte streams, a loopback inetd for inetutils telnetd, and valgrind wrapping for programs
run on a pty.
"""
import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RESULTS_DIR = os.environ.get("TN_INTEROP_RESULTS") or os.path.abspath(
    os.path.join(common.BIN_DIR, "..", "interop-results"))
VARIANT = "valgrind" if common.VALGRIND else "plain"
DOC = os.path.join(ROOT, "docs", "INTEROP.md")
# Valgrind makes our programs slower; every wait is scaled by this.
SLOW = 3.0 if common.VALGRIND else 1.0
CI = os.environ.get("CI") == "true"

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
SIOCATMARK = 0x8905   # linux/sockios.h
VERB_NAMES = {WILL: "WILL", WONT: "WONT", DO: "DO", DONT: "DONT"}
OPT_NAMES = {0: "BINARY", 1: "ECHO", 3: "SGA", 5: "STATUS", 6: "TM", 18: "LOGOUT", 23: "SNDLOC",
             24: "TTYPE", 25: "EOR", 31: "NAWS", 32: "TSPEED", 33: "LFLOW", 34: "LINEMODE",
             35: "XDISPLOC", 36: "ENVIRON", 37: "AUTHENTICATION", 38: "ENCRYPT",
             39: "NEW_ENVIRON", 42: "CHARSET"}
OPT_CODES = {v: k for k, v in OPT_NAMES.items()}

# The directions of the matrix.
DIR_TELNETD = "peer client → our telnetd"
DIR_SERVER = "peer client → our telnet-server"
DIR_CLIENT = "our telnet-client → peer server"
DIR_PARSER = "our parser vs libtelnet's"

# Every interop test, so that the matrix knows what it should contain.
TESTS = {
    "inetutils_client": "inetutils telnet (client) against telnetd and telnet-server",
    "inetutils_telnetd": "telnet-client against inetutils telnetd",
    "telnetlib3_servers": "telnetlib3-client and telnetlib3-fingerprint against telnetd and "
                          "telnet-server",
    "telnetlib3_client": "telnet-client against telnetlib3-server and "
                         "telnetlib3-fingerprint-server",
    "libtelnet": "libtelnet: differential parsing, telnet-proxy in the middle",
}


# --------------------------------------------------------------------------------------------
# failing softly

class CheckFailed(SystemExit):
    """Raised by fail(): a SystemExit (so code outside a check still stops the test) that
    carries its message to the recorder."""

    def __init__(self, msg):
        super().__init__(1)
        self.msg = msg


def fail(msg):
    print("FAIL:", msg, flush=True)
    raise CheckFailed(msg)


# The helpers in common and telnetd_peer call common.fail; imported after this module, they get
# the version above, so a failure inside them is recorded like any other.
common.fail = fail


def run_parts(parts):
    """Calls each of `parts` in turn: a failed check is recorded and the next part still runs."""
    for part in parts:
        try:
            part()
        except CheckFailed:
            pass


# --------------------------------------------------------------------------------------------
# results

def _results_path(test_id, variant=VARIANT):
    return os.path.join(RESULTS_DIR, variant, f"{test_id}.json")


class Recorder:
    """The rows of one interop test; the file is rewritten after every row, so a crash leaves
    what was found so far."""

    def __init__(self, test_id):
        if test_id not in TESTS:
            raise ValueError(f"unknown interop test {test_id!r}")
        self.test_id = test_id
        self.rows = []
        self.peers = {}
        self.status = "running"
        self.note = ""
        os.makedirs(os.path.dirname(_results_path(test_id)), exist_ok=True)
        self._save()

    def _save(self):
        data = {"test": self.test_id, "title": TESTS[self.test_id], "variant": VARIANT,
                "status": self.status, "pid": os.getpid(), "note": self.note,
                "peers": self.peers, "rows": self.rows, "time": time.time()}
        path = _results_path(self.test_id)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, path)

    def peer_version(self, name, version):
        self.peers[name] = version
        self._save()

    def add(self, peer, direction, feature, result, detail="", seconds=None):
        row = {"peer": peer, "direction": direction, "feature": feature, "result": result,
               "detail": detail}
        if seconds is not None:
            row["seconds"] = round(seconds, 3)
        self.rows = [r for r in self.rows
                     if (r["peer"], r["direction"], r["feature"]) != (peer, direction, feature)]
        self.rows.append(row)
        self._save()
        mark = {"pass": "ok", "fail": "FAILED", "skip": "skipped"}[result]
        print(f"[{mark}] {peer} / {direction} / {feature}" + (f": {detail}" if detail else ""),
              flush=True)

    @contextlib.contextmanager
    def check(self, peer, direction, feature):
        """Runs the body as one check. The body may set info["detail"] (shown in the matrix)
        and info["seconds"]. A CheckFailed, SystemExit or exception fails the check only."""
        info = {"detail": ""}
        t0 = time.time()
        try:
            yield info
        except CheckFailed as e:
            self.add(peer, direction, feature, "fail", e.msg.splitlines()[0][:300],
                     time.time() - t0)
        except SystemExit as e:
            if e.code in (0, None, 77):
                raise
            self.add(peer, direction, feature, "fail", f"exit {e.code}", time.time() - t0)
        except Exception as e:  # a bug in the test or a peer misbehaving: still one row
            traceback.print_exc()
            self.add(peer, direction, feature, "fail", f"{type(e).__name__}: {e}"[:300],
                     time.time() - t0)
        else:
            self.add(peer, direction, feature, "pass", info.get("detail", ""),
                     info.get("seconds", time.time() - t0))

    def failed(self):
        return [r for r in self.rows if r["result"] == "fail"]

    def _render(self):
        # Every interop test re-renders the matrix when it ends, so the document is complete
        # whatever order CTest ran them in; test_interop_zmatrix.py checks it.
        try:
            render()
        except Exception as e:  # the matrix is a by-product: never fail a test over it
            print(f"note: could not render {DOC}: {e}", flush=True)

    def finish(self):
        """Marks the test done, prints a summary and exits 1 if any check failed."""
        self.status = "done"
        self._save()
        self._render()
        bad = self.failed()
        print(f"{len(self.rows) - len(bad)} of {len(self.rows)} checks passed", flush=True)
        for r in bad:
            print(f"  FAILED: {r['peer']} / {r['direction']} / {r['feature']}: {r['detail']}",
                  flush=True)
        sys.exit(1 if bad else 0)

    def skip_all(self, reason):
        """The peer this test needs is missing: fail with CI=true, else skip (exit 77)."""
        self.note = reason
        self.status = "skipped" if not CI else "done"
        if CI:
            self.add("(peer)", "-", "peer installed", "fail", reason)
            self._save()
            self._render()
            print("FAIL:", reason, flush=True)
            sys.exit(1)
        self._save()
        self._render()
        print("SKIP:", reason, flush=True)
        sys.exit(77)


def find_peer(name, install, rec):
    """The path of an external program (PATH, an absolute path, or telnetlib3's venv); when it
    is missing the whole test is skipped (locally) or failed (CI), as common.need does."""
    candidates = [name]
    if name.startswith("telnetlib3"):
        venv = os.environ.get("TN_TELNETLIB3_BIN") or os.path.join(ROOT, ".venv", "bin")
        candidates.insert(0, os.path.join(venv, name))
    for c in candidates:
        if os.path.isabs(c) and os.access(c, os.X_OK):
            return c
        found = shutil_which(c)
        if found:
            return found
    rec.skip_all(f"{name} not found (install: {install})")


def shutil_which(name):
    import shutil
    return shutil.which(name)


# --------------------------------------------------------------------------------------------
# the byte stream

tokens = common.tokens   # the Telnet tokenizer, kept in common; the tests call interop.tokens


def opt_name(o):
    return OPT_NAMES.get(o, str(o))


# --------------------------------------------------------------------------------------------
# a relay between a client and a server, recording both directions

class Relay:
    """Listens on a free port and relays one connection to 127.0.0.1:`target`, recording every
    chunk with its time. `rewrite_c2s` / `rewrite_s2c` (bytes -> bytes) may change the bytes in
    transit (they see whole recv() chunks)."""

    def __init__(self, target, rewrite_c2s=None, rewrite_s2c=None):
        self.target = target
        self.rewrite = {"c2s": rewrite_c2s, "s2c": rewrite_s2c}
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.chunks = []        # (time since connect, "c2s" | "s2c", bytes as received)
        self.t0 = None
        self.closed = {"c2s": False, "s2c": False}
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.listener.settimeout(120)
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        self.t0 = time.time()
        try:
            server = socket.create_connection(("127.0.0.1", self.target), timeout=10)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        t = threading.Thread(target=self._pump, args=(server, client, "s2c"), daemon=True)
        t.start()
        self._pump(client, server, "c2s")
        t.join(30)
        for s in (client, server):
            s.close()

    def _pump(self, src, dst, direction):
        # TCP urgent data (the DM of a Synch) is relayed as urgent data: with SO_OOBINLINE the
        # byte stays in the stream and a read stops at the mark, where SIOCATMARK says so.
        src.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
        while True:
            urgent = False
            try:
                urgent = fcntl.ioctl(src.fileno(), SIOCATMARK, b"\0\0\0\0") != b"\0\0\0\0"
            except OSError:
                pass
            try:
                data = src.recv(1 if urgent else 65536)
            except OSError:
                data = b""
            if not data:
                with self.lock:
                    self.closed[direction] = True
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            with self.lock:
                self.chunks.append((time.time() - self.t0, direction, data))
            fn = self.rewrite[direction]
            try:
                if urgent:
                    dst.send(data, socket.MSG_OOB)
                else:
                    dst.sendall(fn(data) if fn else data)
            except OSError:
                pass

    def stream(self, direction):
        with self.lock:
            return b"".join(d for _, dr, d in self.chunks if dr == direction)

    def timed_tokens(self, direction):
        """Tokens of one direction, each with the time of the chunk that completed it."""
        with self.lock:
            chunks = [(t, d) for t, dr, d in self.chunks if dr == direction]
        times, buf = [], b""
        for t, d in chunks:
            buf += d
            toks = tokens(buf)
            complete = len(toks) - (1 if toks and toks[-1][0] == "data" else 0)
            while len(times) < complete:
                times.append(t)
        last = chunks[-1][0] if chunks else 0.0
        return [(times[i] if i < len(times) else last, tok)
                for i, tok in enumerate(tokens(buf))]

    def first_data_time(self, direction, pattern=None):
        """When the first application data byte (or `pattern`) crossed in `direction`."""
        with self.lock:
            chunks = [(t, d) for t, dr, d in self.chunks if dr == direction]
        buf = b""
        for t, d in chunks:
            buf += d
            data = b"".join(tok[1] for tok in tokens(buf) if tok[0] == "data")
            if (pattern is None and data.strip(b"\0")) or (pattern is not None and pattern in data):
                return t
        return None

    def close(self):
        try:
            self.listener.close()
        except OSError:
            pass


def rewrite_verb(verb, option, new_verb):
    """A rewrite function turning IAC verb option into IAC new_verb option."""
    old = bytes([IAC, verb, option])
    new = bytes([IAC, new_verb, option])
    return lambda data: data.replace(old, new)


# --------------------------------------------------------------------------------------------
# a loopback inetd (inetutils telnetd wants its socket on stdin/stdout)

def _inetd_main(port, argv):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            for fd in (0, 1, 2):
                os.dup2(conn.fileno(), fd)
            conn.close()
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        conn.close()


class Inetd:
    """Runs `argv` for every connection to 127.0.0.1:port, the connection on fds 0, 1 and 2."""

    def __init__(self, argv):
        self.port = common.free_port()
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "inetd",
                                      str(self.port)] + list(argv),
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if line.strip() != b"ready":
            self.stop()
            fail(f"the loopback inetd did not start: {line!r}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------------------------
# programs on a pty, under valgrind when asked

def vg_argv(argv):
    """argv under valgrind when TN_VALGRIND=1, and the valgrind log path (or None)."""
    if not common.VALGRIND:
        return list(argv), None
    log = f"/tmp/tn-interop-{os.getpid()}-{os.path.basename(argv[0])}-{time.time_ns()}.vg"
    return ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
            f"--log-file={log}", "--track-fds=no"] + list(argv), log


def check_vg(log, code=None):
    """Fails when the valgrind log of a program run through vg_argv reports errors."""
    if not log:
        return
    report = open(log).read() if os.path.exists(log) else ""
    if os.path.exists(log):
        os.unlink(log)
    if code == 99 or ("ERROR SUMMARY" in report and "ERROR SUMMARY: 0" not in report):
        fail(f"valgrind found errors:\n{report}")


def start_server(name, args=()):
    """common.start_server with its wait scaled for valgrind; returns (program, port)."""
    return common.start_server(name, args, 30 * SLOW)


def stop_server(prog):
    """Stops a server started by start_server; returns its stderr. Fails on a bad exit."""
    code, _, err = prog.stop()
    if code != 0:
        fail(f"{os.path.basename(prog.proc.args[-1])} exited with {code}:\n{err[-2000:]}")
    return err


def close_pty(term, timeout=5.0):
    """common.Pty.close that may be called again (returns None the second time)."""
    if getattr(term, "_closed", False):
        return None
    term._closed = True
    try:
        return term.close(timeout)
    except ChildProcessError:
        return None


def shell(term, command, marker, timeout=10):
    """Types a shell command on `term` (a common.Pty; None: types nothing) and waits until its
    output contains `marker` (a regex without the command's own text in it); returns the match
    and drops the terminal's output up to it."""
    if command is not None:
        term.send(command + "\r")
    pattern = re.compile(marker.encode())
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline and not pattern.search(term.buf):
        term.read_some(0.1)
    m = pattern.search(term.buf)
    if not m:
        fail(f"{command!r}: no {marker!r} in {term.buf[-800:]!r}")
    term.buf = term.buf[m.end():]
    return m


def client_prompt(term, command):
    """Runs `command` at telnet-client's escape prompt (^]) on `term`; returns what it printed.
    An empty line takes the client back to the session."""
    term.send(b"\x1d")
    term.expect("telnet-client> ", 10 * SLOW)
    term.send(command + "\r")
    out = term.expect("telnet-client> ", 10 * SLOW)
    term.send("\r")
    return out


def timed_out(seconds, settle_timeout):
    """Whether a session that settled `seconds` after connecting waited for its settle timeout.
    One that waits settles at the timeout; a negotiation the peer completes takes well under a
    second, under valgrind too, so three quarters of the timeout tells them apart in both
    variants."""
    return seconds >= settle_timeout * 0.75


def wait_for(pred, timeout, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def run_text(argv, timeout=20):
    try:
        r = subprocess.run(argv, capture_output=True, timeout=timeout)
        return (r.stdout + r.stderr).decode(errors="replace").strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"({e})"


TELNETLIB3_INSTALL = ".ci/setup (python3 -m venv .venv && .venv/bin/pip install telnetlib3==5.0.1)"


def record_telnetlib3_version(rec, tool):
    """Records the version of the telnetlib3 that `tool` (one of its programs) belongs to."""
    py = os.path.join(os.path.dirname(tool), "python")
    rec.peer_version("telnetlib3", run_text(
        [py if os.path.exists(py) else sys.executable, "-c",
         "import telnetlib3; print(telnetlib3.__version__)"]))


# --------------------------------------------------------------------------------------------
# the matrix

CELL = {"pass": "pass", "fail": "**FAIL**", "skip": "skip"}


def _load_results(results_dir):
    out = {}
    for variant in ("plain", "valgrind"):
        d = os.path.join(results_dir, variant)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json"):
                continue
            try:
                with open(os.path.join(d, name)) as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            out[(variant, data.get("test"))] = data
    return out


def _md(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(results_dir=RESULTS_DIR, doc=DOC):
    """Writes the matrix to `doc` (only if it changed); returns its text."""
    results = _load_results(results_dir)
    lines = [
        "# Interoperability matrix",
        "",
        "<!-- Generated by tests/e2e/test_interop_zmatrix.py (tests/e2e/interop.py render) from",
        "     the results the interop tests record; do not edit by hand. -->",
        "",
        "Generated by the interop tests from what they observed, not typed by hand. Each test in",
        "`tests/e2e/test_interop_*.py` records one row per check (peer, direction, feature,",
        "result) in `build/interop-results/<plain|valgrind>/<test>.json`;",
        "`tests/e2e/test_interop_zmatrix.py` renders them here. To regenerate:",
        "",
        "```sh",
        "cmake --build build -j2 && ctest --test-dir build -R e2e.interop --output-on-failure",
        "python3 tests/e2e/interop.py render      # re-render from the recorded results only",
        "```",
        "",
        "\"plain\" is the run with our programs as they are, \"valgrind\" the run with them under",
        "valgrind memcheck (`TN_VALGRIND=1`, any error or leak fails). `-` means not run in",
        "that variant. The peers are real programs: inetutils `telnet` and `telnetd`, telnetlib3",
        "(`telnetlib3-client`, `-server`, `-fingerprint`, `-fingerprint-server`) and libtelnet",
        "(`telnet-proxy` and the library itself, for the parser differential in",
        "[DIFFERENTIAL.md](DIFFERENTIAL.md)).",
        "",
    ]
    peers = {}
    for data in results.values():
        for k, v in (data.get("peers") or {}).items():
            peers[k] = v
    if peers:
        lines += ["Peers: " + "; ".join(f"{k} {v}" for k, v in sorted(peers.items())) + ".", ""]
    if not results:
        lines += ["No results recorded yet: run the interop tests.", ""]

    # Rows keyed by (peer, direction, feature), in the order the tests recorded them.
    order, cells, details = [], {}, {}
    for test_id in TESTS:
        for variant in ("plain", "valgrind"):
            data = results.get((variant, test_id))
            if not data:
                continue
            for r in data.get("rows", []):
                key = (r["peer"], r["direction"], r["feature"])
                if key not in cells:
                    order.append(key)
                    cells[key] = {}
                cells[key][variant] = r["result"]
                if variant == "plain" or key not in details:
                    details[key] = r.get("detail", "")

    # The compact matrix: one table per direction, features down, peers across.
    directions = []
    for p, d, f in order:
        if d not in directions:
            directions.append(d)
    for d in directions:
        dpeers, feats = [], []
        for p, dd, f in order:
            if dd != d:
                continue
            if p not in dpeers:
                dpeers.append(p)
            if f not in feats:
                feats.append(f)
        lines += [f"## {d}", "", "| feature | " + " | ".join(_md(p) for p in dpeers) + " |",
                  "|---|" + "---|" * len(dpeers)]
        for f in feats:
            row = []
            for p in dpeers:
                c = cells.get((p, d, f))
                if not c:
                    row.append("")
                    continue
                plain, vg = c.get("plain"), c.get("valgrind")
                text = CELL.get(plain, "-") if plain else "-"
                if vg and vg != plain:
                    text += f" (valgrind: {CELL[vg]})"
                row.append(text)
            lines.append(f"| {_md(f)} | " + " | ".join(row) + " |")
        lines.append("")

    lines += ["## Details", "", "| peer | direction | feature | plain | valgrind | detail |",
              "|---|---|---|---|---|---|"]
    for key in order:
        p, d, f = key
        c = cells[key]
        lines.append(f"| {_md(p)} | {_md(d)} | {_md(f)} | {CELL.get(c.get('plain'), '-')} | "
                     f"{CELL.get(c.get('valgrind'), '-')} | {_md(details.get(key, ''))} |")
    lines.append("")

    missing = [f"{t} ({v})" for t in TESTS for v in ("plain", "valgrind")
               if (v, t) not in results]
    notes = []
    for (v, t), data in sorted(results.items()):
        if data.get("status") == "skipped":
            notes.append(f"- {t} ({v}): skipped: {data.get('note', '')}")
        elif data.get("status") == "running":
            notes.append(f"- {t} ({v}): did not finish (crashed or still running)")
    if missing:
        notes.append("- no results yet: " + ", ".join(missing))
    if notes:
        lines += ["## Notes", ""] + notes + [""]
    text = "\n".join(lines)
    old = open(doc).read() if os.path.exists(doc) else None
    if old != text:
        os.makedirs(os.path.dirname(doc), exist_ok=True)
        lock = os.path.join(results_dir, ".render.lock")
        os.makedirs(results_dir, exist_ok=True)
        with open(lock, "w") as lf:
            fcntl.flock(lf, fcntl.LOCK_EX)
            tmp = f"{doc}.{os.getpid()}.tmp"
            with open(tmp, "w") as f:
                f.write(text)
            os.replace(tmp, doc)
    return text


def results_state(results_dir=RESULTS_DIR, variant=VARIANT):
    """{test: status} for one variant: "done", "skipped", "running" (its process alive),
    "crashed" (running but its process gone) or "missing"."""
    out = {}
    for t in TESTS:
        path = _results_path(t, variant) if results_dir == RESULTS_DIR else os.path.join(
            results_dir, variant, f"{t}.json")
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            out[t] = "missing"
            continue
        status = data.get("status")
        if status == "running":
            try:
                os.kill(data.get("pid", 0), 0)
            except OSError:
                status = "crashed"
        out[t] = status
    return out


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "inetd":
        _inetd_main(int(sys.argv[2]), sys.argv[3:])
    elif len(sys.argv) >= 2 and sys.argv[1] == "render":
        print(render(sys.argv[2] if len(sys.argv) > 2 else RESULTS_DIR))
    else:
        print(__doc__)
        sys.exit(2)
