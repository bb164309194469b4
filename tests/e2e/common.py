"""Shared helpers for the end-to-end tests (stdlib only).

Tests are plain scripts: exit 0 on success, 1 on failure, 77 when a peer they need is missing and
CI is not set (CTest reports 77 as skipped; with CI=true a missing peer is a failure).

Environment:
  TN_BIN_DIR     where the C programs are (build/examples-c)
  TN_VALGRIND    when "1", programs run under valgrind memcheck and any error or leak fails
  TN_SANITIZER_REPORTS
                 the report directory of a sanitizer build (TN_BIN_DIR=build/examples-c-asan or -ubsan):
                 emptied when the test starts; any report in it when the test ends fails the test
"""
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

BIN_DIR = os.environ.get("TN_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "examples-c"))
VALGRIND = os.environ.get("TN_VALGRIND") == "1"
SANITIZER_REPORTS = os.environ.get("TN_SANITIZER_REPORTS")

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


def fail(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)


def _sanitizer_reports():
    """Fails the test (whatever its outcome so far) when a sanitizer build wrote a report."""
    if os.getpid() != _SANITIZER_OWNER:
        return
    names = sorted(os.listdir(SANITIZER_REPORTS))
    if not names:
        return
    print(f"FAIL: {len(names)} sanitizer report(s) in {SANITIZER_REPORTS}:", flush=True)
    for name in names:
        with open(os.path.join(SANITIZER_REPORTS, name), errors="replace") as f:
            print(f"--- {name}\n{f.read()[-6000:]}", flush=True)
    os._exit(1)


if SANITIZER_REPORTS:
    import atexit
    shutil.rmtree(SANITIZER_REPORTS, ignore_errors=True)
    os.makedirs(SANITIZER_REPORTS)
    _SANITIZER_OWNER = os.getpid()
    atexit.register(_sanitizer_reports)


def need(tool, install):
    """Skips (77) or, in CI, fails when an external peer is missing."""
    if shutil.which(tool) or os.path.exists(tool):
        return shutil.which(tool) or tool
    msg = f"{tool} not found (install: {install})"
    if os.environ.get("CI") == "true":
        fail(msg)
    print("SKIP:", msg, flush=True)
    sys.exit(77)


def binary(name):
    path = os.path.join(BIN_DIR, name)
    if not os.path.exists(path):
        fail(f"{path} was not built")
    return path


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, host="127.0.0.1", timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    fail(f"nothing listens on {host}:{port}")


def check_busy_port(exe):
    """`exe --port N` on a port a plain socket holds must exit 1 with EADDRINUSE's message."""
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    r = subprocess.run([exe, "--port", str(busy.getsockname()[1])], capture_output=True, timeout=30)
    busy.close()
    if r.returncode != 1 or b"Address already in use" not in r.stderr:
        fail(f"busy port: {r.returncode} {r.stderr!r}")


class Program:
    """A program under test (optionally under valgrind), stopped cleanly at the end."""

    def __init__(self, argv, env=None, stdin=subprocess.DEVNULL):
        self.log = f"/tmp/tn-e2e-{os.getpid()}-{os.path.basename(argv[0])}-{time.time_ns()}.vg"
        cmd = list(argv)
        if VALGRIND:
            cmd = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
                   f"--log-file={self.log}", "--track-fds=no"] + cmd
        self.proc = subprocess.Popen(cmd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)

    def stop(self, sig=signal.SIGTERM, timeout=20.0):
        """Sends `sig` and waits; returns (exit code, stdout, stderr). Fails on valgrind errors."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            fail(f"{self.proc.args} did not exit after signal {sig}")
        if VALGRIND:
            report = open(self.log).read() if os.path.exists(self.log) else ""
            if self.proc.returncode == 99 or "ERROR SUMMARY" in report and "ERROR SUMMARY: 0" not in report:
                fail(f"valgrind found errors:\n{report}")
            if os.path.exists(self.log):
                os.unlink(self.log)
        return self.proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def start_server(name, args=(), timeout=30.0):
    """Starts one of our servers (telnetd, telnet-server) on a free port, under valgrind when
    asked; returns (program, port) once it listens. Fails if it exits or does not listen within
    `timeout` seconds."""
    port = free_port()
    prog = Program([binary(name), "--port", str(port)] + list(args))
    deadline = time.time() + timeout
    while time.time() < deadline:
        if prog.proc.poll() is not None:
            code, _, err = prog.stop()
            fail(f"{name} exited with {code} at start: {err}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return prog, port
        except OSError:
            time.sleep(0.05)
    prog.stop(signal.SIGKILL)
    fail(f"{name} did not start listening")


class Pty:
    """A program run on a pseudo-terminal, driven like a user at a keyboard."""

    def __init__(self, argv, env=None, cols=80, rows=24):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                import fcntl, struct, termios
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execvpe(argv[0], argv, env if env is not None else os.environ)
            finally:
                os._exit(127)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.fd, data)

    def read_some(self, timeout=0.2):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.buf += chunk
        return chunk

    def expect(self, pattern, timeout=10.0):
        """Waits until `pattern` (bytes or str) appears after the last match; returns the text."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        deadline = time.time() + timeout
        while time.time() < deadline:
            i = self.buf.find(pattern)
            if i >= 0:
                seen = self.buf[: i + len(pattern)]
                self.buf = self.buf[i + len(pattern):]
                return seen.decode(errors="replace")
            self.read_some(0.1)
        fail(f"expected {pattern!r}, got {self.buf[-2000:]!r}")

    def close(self, timeout=10.0):
        """Waits for the program to exit (sends SIGHUP after the timeout); returns its status."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.read_some(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGHUP)
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


class Raw:
    """A minimal telnet peer over a socket for tests: collects data, answers nothing by itself."""

    def __init__(self, port, host="127.0.0.1"):
        self.s = socket.create_connection((host, port), timeout=5)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.s.sendall(data)

    def recv_until(self, pattern, timeout=10.0):
        if isinstance(pattern, str):
            pattern = pattern.encode()
        deadline = time.time() + timeout
        self.s.settimeout(0.1)
        while pattern not in self.buf and time.time() < deadline:
            try:
                chunk = self.s.recv(65536)
                if not chunk:
                    break
                self.buf += chunk
            except socket.timeout:
                pass
        if pattern not in self.buf:
            fail(f"expected {pattern!r}, got {self.buf[-2000:]!r}")
        i = self.buf.index(pattern) + len(pattern)
        seen, self.buf = self.buf[:i], self.buf[i:]
        return seen

    def close(self):
        self.s.close()


def tokens(buf):
    """A Telnet byte stream as ("data", bytes), ("neg", verb, opt), ("sb", opt, payload) and
    ("cmd", code). An incomplete element at the end is left out."""
    out, data, i = [], bytearray(), 0
    while i < len(buf):
        b = buf[i]
        if b != IAC:
            data.append(b)
            i += 1
            continue
        if i + 1 >= len(buf):
            break
        c = buf[i + 1]
        if c == IAC:
            data.append(IAC)
            i += 2
            continue
        if data:
            out.append(("data", bytes(data)))
            data = bytearray()
        if c in (WILL, WONT, DO, DONT):
            if i + 2 >= len(buf):
                break
            out.append(("neg", c, buf[i + 2]))
            i += 3
        elif c == SB:
            j, payload = i + 2, bytearray()
            while j + 1 < len(buf) and not (buf[j] == IAC and buf[j + 1] == SE):
                payload.append(buf[j])
                j += 2 if buf[j] == IAC and buf[j + 1] == IAC else 1
            if j + 1 >= len(buf):
                break
            if payload:
                out.append(("sb", payload[0], bytes(payload[1:])))
            i = j + 2
        else:
            out.append(("cmd", c))
            i += 2
    if data:
        out.append(("data", bytes(data)))
    return out


def strip_iac(data):
    """Removes telnet commands and subnegotiations, returns the data bytes."""
    return b"".join(t[1] for t in tokens(data) if t[0] == "data")
