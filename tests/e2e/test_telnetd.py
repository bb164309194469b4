"""telnetd end to end: command line, the login program's argv (no client value in an option
position, CVE-2026-24061), the child's environment (allowlist only), TERM, LINEMODE, concurrent
sessions and shutdown on SIGTERM.

A login-program stub records its argv and the environment it was given, then becomes a shell.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import fail  # noqa: E402
from telnetd_peer import (Peer, SAFE_PATH, env_allowed, gone, read_record, start,  # noqa: E402
                          stop, write_stub)

TELNETD = common.binary("telnetd")


def run(argv, timeout=30):
    """Runs telnetd to completion (under valgrind when asked); returns (code, stdout, stderr)."""
    prog = common.Program([TELNETD] + argv)
    try:
        prog.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    return prog.stop()


def test_command_line():
    code, out, err = run(["--help"])
    if code != 0 or "usage: telnetd" not in out or "--exec" not in out:
        fail(f"--help: exit {code}, stdout {out!r}")
    for bad in (["--nope"], ["--port"], ["--port", "http"], ["--port", "70000"],
                ["--port=-1"], ["--exec", "sh", "-i"], ["--login-program", "login"],
                ["--login-program", "/bin/sh", "--exec", "/bin/sh"], ["stray"]):
        code, out, err = run(bad)
        if code != 2 or "telnetd:" not in err:
            fail(f"{bad}: expected exit 2 with a message, got {code}: {err!r}")
    code, out, err = run(["--exec", "/nonexistent/program"])
    if code != 1 or "No such file" not in err:
        fail(f"missing program: expected exit 1, got {code}: {err!r}")
    # A busy port: a plain socket holds it.
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    code, out, err = run(["--port", str(port), "--exec", "/bin/sh"])
    holder.close()
    if code != 1 or "Address already in use" not in err:
        fail(f"busy port: expected exit 1 and EADDRINUSE, got {code}: {err!r}")
    # "--opt=value" forms, and everything after --exec PROGRAM belongs to PROGRAM.
    prog, port = start(["--host=127.0.0.1", "--exec=/bin/sh", "-c", "echo ARGS:$0:$#.", "--port", "x"])
    p = Peer(port)
    p.expect("ARGS:--port:1.")
    if not p.wait_closed():
        fail("connection did not close after the program exited")
    err = stop(prog)
    if f"listening on 127.0.0.1:{port}" not in err:
        fail(f"no 'listening' line: {err!r}")
    print("ok command line")


def test_login_argv(tmp, stub):
    """USER reaches login only after "--" and only when it is a plain user name."""
    prog, port = start(["--login-program", stub])
    hostile = [
        ("VAR -f root", dict(env=[("VAR", "USER", "-f root")])),
        ("VAR -froot", dict(env=[("VAR", "USER", "-froot")])),
        ("VAR space -f root", dict(env=[("VAR", "USER", " -f root")])),
        ("VAR tab -f tab root", dict(env=[("VAR", "USER", "\t-f\troot")])),
        ("USERVAR -f root", dict(env=[("USERVAR", "USER", "-f root")])),
        ("old ENVIRON -f root", dict(env=[("VAR", "USER", "-f root")], old_environ=True)),
        ("old ENVIRON swapped codes", dict(env=[("VAR", "USER", "-f root")], old_environ=True,
                                           swapped=True)),
        ("valid then hostile", dict(env=[("VAR", "USER", "alice"), ("VAR", "USER", "-f root")])),
        ("slash", dict(env=[("VAR", "USER", "../root")])),
    ]
    # All at once: this is also a run of many concurrent sessions.
    peers = [(name, Peer(port, **kw)) for name, kw in hostile]
    good = Peer(port, env=[("VAR", "USER", "alice")])
    old_good = Peer(port, env=[("VAR", "USER", "bob")], old_environ=True)
    pid, args, env = read_record(tmp, good)
    if args != ["-p", "-h", "127.0.0.1", "--", "alice"]:
        fail(f"USER=alice: login argv {args}")
    if env.get("USER") != "alice":
        fail(f"USER=alice: child USER {env.get('USER')!r}")
    pid, args, env = read_record(tmp, old_good)
    if args != ["-p", "-h", "127.0.0.1", "--", "bob"]:
        fail(f"old ENVIRON USER=bob: login argv {args}")
    for name, p in peers:
        pid, args, env = read_record(tmp, p)
        if any("-f" in a for a in args) or "--" in args or args != ["-p", "-h", "127.0.0.1"]:
            fail(f"{name}: login argv {args}")
        if "USER" in env:
            fail(f"{name}: the child got USER={env['USER']!r}")
    for _, p in peers + [("", good), ("", old_good)]:
        p.close()
    stop(prog)
    print("ok login argv")


def test_environment(tmp, stub):
    prog, port = start(["--login-program", stub])
    hostile = [("VAR", "LD_PRELOAD", "/tmp/evil.so"), ("USERVAR", "LD_LIBRARY_PATH", "/tmp"),
               ("USERVAR", "CREDENTIALS_DIRECTORY", "/tmp"), ("VAR", "TERMCAP", "/x"),
               ("USERVAR", "IFS", "/"), ("VAR", "PATH", "/tmp"), ("USERVAR", "SHELLOPTS", "x"),
               ("USERVAR", "BASH_ENV", "/tmp/x"), ("VAR", "TERM", "../../tmp/evil"),
               ("VAR", "LINES", "9999"), ("USERVAR", "LINEMODE", "evil"),
               ("VAR", "LANG", "C.UTF-8"), ("USERVAR", "LC_ALL", "C"), ("VAR", "EDITOR", "vi"),
               ("VAR", "DISPLAY", "host:0\x1b[2J")]
    p = Peer(port, ttype="VT100", naws=(90, 33), env=hostile)
    _, _, env = read_record(tmp, p)
    for name in env:
        if not env_allowed(name):
            fail(f"the child got {name}={env[name]!r}: {env}")
    for name in ("LD_PRELOAD", "LD_LIBRARY_PATH", "CREDENTIALS_DIRECTORY", "TERMCAP", "IFS",
                 "DISPLAY"):
        if name in env:
            fail(f"{name} reached the child")
    expected = {"PATH": SAFE_PATH, "LANG": "C.UTF-8", "LC_ALL": "C", "EDITOR": "vi",
                "TERM": "vt100", "LINES": "33", "COLUMNS": "90"}
    for name, value in expected.items():
        if env.get(name) != value:
            fail(f"{name}: expected {value!r}, child has {env.get(name)!r} ({env})")
    if "LINEMODE" in env:   # neither LINEMODE nor kludge line mode was agreed
        fail(f"LINEMODE={env['LINEMODE']!r} without line mode")
    # What the shell sees agrees with the record.
    p.send_line('echo "T=$TERM.P=$PATH.L=$LD_PRELOAD."')
    p.expect(f"T=vt100.P={SAFE_PATH}.L=.")
    p.close()

    # No terminal type: BSD telnetd's "network". LINEMODE follows what was agreed.
    p = Peer(port, ttype=None, naws=None, env=[("VAR", "LANG", "C")])
    _, _, env = read_record(tmp, p)
    if env.get("TERM") != "network" or "LINES" in env or "COLUMNS" in env:
        fail(f"no TTYPE and no NAWS: {env}")
    p.close()
    # A client that answers nothing: the child starts when the settle timeout (5 s) passes.
    t0 = time.time()
    raw = common.Raw(port)
    raw.recv_until("STUB-READY", timeout=20)
    waited = time.time() - t0
    if waited < 4:
        fail(f"the child started after {waited:.1f} s, before the negotiation settled")
    pid = int(raw.recv_until(".").decode().strip().rstrip("."))
    with open(os.path.join(tmp, f"{pid}.rec")) as f:
        record = f.read()
    if "TERM=network\n" not in record:
        fail(f"silent client: {record!r}")
    raw.close()
    p = Peer(port, linemode=True)
    _, _, env = read_record(tmp, p)
    if env.get("LINEMODE") != "real":
        fail(f"client agreed to LINEMODE: child LINEMODE={env.get('LINEMODE')!r}")
    p.close()
    p = Peer(port, kludge=True)
    _, _, env = read_record(tmp, p)
    if env.get("LINEMODE") != "kludge":
        fail(f"kludge-capable client: child LINEMODE={env.get('LINEMODE')!r}")
    p.close()
    stop(prog)
    print("ok environment")


def test_term_and_concurrency(tmp, stub):
    """Three sessions at once, each with its own terminal type and size, commands interleaved."""
    prog, port = start(["--login-program", stub])
    specs = [("XTERM-256COLOR", (132, 43)), ("Screen.Linux", (80, 24)), ("ANSI", (100, 30))]
    peers = [Peer(port, ttype=t, naws=n) for t, n in specs]
    for p in peers:
        read_record(tmp, p)
    for i, p in enumerate(peers):
        p.send_line(f'echo "S{i}=$TERM:$(stty size)."')
    for i, (p, (t, (w, h))) in enumerate(zip(peers, specs)):
        p.expect(f"S{i}={t.lower()}:{h} {w}.")
    for p in peers:
        p.close()
    stop(prog)
    print("ok TERM and concurrent sessions")


def test_sigterm(tmp, stub):
    prog, port = start(["--login-program", stub])
    peers = [Peer(port), Peer(port)]
    pids = [read_record(tmp, p)[0] for p in peers]
    peers[0].send_line("sleep 60")
    t0 = time.time()
    prog.proc.send_signal(signal.SIGTERM)
    try:
        prog.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        fail("telnetd did not exit within 15 s of SIGTERM")
    elapsed = time.time() - t0
    err = stop(prog)
    if "shutting down" not in err:
        fail(f"no shutdown message: {err!r}")
    for p in peers:
        if not p.wait_closed(5):
            fail("a session stayed open after telnetd exited")
    if not all(gone(pid) for pid in pids):
        fail("a session's program outlived telnetd (no SIGHUP)")
    print(f"ok SIGTERM ({elapsed:.1f} s)")


def main():
    test_command_line()
    with tempfile.TemporaryDirectory(prefix="tn-telnetd-") as tmp:
        stub = write_stub(tmp)
        test_login_argv(tmp, stub)
        test_environment(tmp, stub)
        test_term_and_concurrency(tmp, stub)
        test_sigterm(tmp, stub)


if __name__ == "__main__":
    main()
