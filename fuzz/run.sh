#!/bin/sh
# Builds the libFuzzer targets on the stable toolchain and runs each for a bounded time.
# Fails (non-zero) on the first crash, leak, timeout or failed invariant; the input that did it is
# saved under fuzz/artifacts/<target>/ and its path printed by libFuzzer.
#
#   fuzz/run.sh                          every target, FUZZ_SECONDS each (default 20)
#   FUZZ_SECONDS=3600 fuzz/run.sh subneg one target for an hour
#
# Environment:
#   FUZZ_SECONDS     seconds per target (default 20)
#   FUZZ_WORK        where the corpora grow, one directory per target (default: a temporary
#                    directory, removed afterwards); the checked-in seeds in fuzz/corpus/<target>
#                    are read, never written
#   FUZZ_TARGET_DIR  cargo target directory (default fuzz/target)
#   FUZZ_ARGS        extra libFuzzer arguments, e.g. "-jobs=2 -workers=2"
#
# Stable toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Zsanitizer=address and
# sanitizer-coverage flags that cargo-fuzz passes (see docs/FUZZING.md for the flags themselves).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-20}
target_dir=${FUZZ_TARGET_DIR:-$here/target}
extra=${FUZZ_ARGS:-}
if [ "$#" -gt 0 ]; then
    targets="$*"
else
    targets="parser session_server session_client subneg pty_packet"
fi

export RUSTC_BOOTSTRAP=1
cargo_home=${CARGO_HOME:-$HOME/.cargo}
PATH="$cargo_home/bin:$PATH"
export PATH
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "+ cargo install cargo-fuzz --version 0.13.2 --locked"
    cargo install cargo-fuzz --version 0.13.2 --locked
fi

cd "$here/.."
# One build for every target: with debug assertions and overflow checks (cargo-fuzz's default),
# AddressSanitizer, and libFuzzer's coverage instrumentation.
echo "+ cargo fuzz build --target-dir $target_dir"
cargo fuzz build --target-dir "$target_dir"

if [ -n "${FUZZ_WORK:-}" ]; then
    work=$FUZZ_WORK
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

for t in $targets; do
    mkdir -p "$work/$t"
    log="$work/$t.log"
    echo "+ cargo fuzz run $t ($seconds s)"
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of arguments
    if ! cargo fuzz run --target-dir "$target_dir" "$t" "$work/$t" "$here/corpus/$t" -- \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
        -dict="$here/telnet.dict" -print_final_stats=1 $extra >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz target $t FAILED; the input is in fuzz/artifacts/$t/" >&2
        exit 1
    fi
    # The last status line: executions, coverage (cov: edges, ft: features), corpus size.
    grep -E '^#[0-9]+' "$log" | tail -n 1 | sed "s/^/$t: /"
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" | sed "s/^/$t: /"
done
echo "fuzz: all targets ran $seconds s each without a failure"
