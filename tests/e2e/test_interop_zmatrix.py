"""Renders docs/INTEROP.md, the interop matrix, from the results the interop tests recorded
(build/interop-results/<plain|valgrind>/<test>.json; see tests/e2e/interop.py).

Every interop test also re-renders the matrix when it ends, so the document is complete in
whatever order CTest runs them. This test is the final step and the check: named to sort last,
it waits (bounded) for the interop tests of its variant still running under ctest -j, renders,
and fails when one of them has no results or did not finish, so the matrix is never silently
incomplete. The failures of the checks themselves are the other tests' to report (they show as
FAIL in the matrix).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop  # noqa: E402

WAIT = 480.0   # the e2e tests' CTest timeout is 600 s (900 s under valgrind)


def main():
    deadline = time.time() + WAIT
    state = interop.results_state()
    while time.time() < deadline and any(s == "running" for s in state.values()):
        time.sleep(1)
        state = interop.results_state()
    text = interop.render()
    print(text)
    problems = {t: s for t, s in state.items() if s not in ("done", "skipped")}
    if problems:
        print(f"FAIL: interop results of the {interop.VARIANT} run are incomplete: {problems} "
              f"(run: ctest --test-dir build -R e2e.interop)", flush=True)
        sys.exit(1)
    print(f"ok: {interop.DOC} rendered from {interop.RESULTS_DIR}", flush=True)


if __name__ == "__main__":
    main()
