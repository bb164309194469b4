#!/bin/sh
# Runs every benchmark against its anchor in the same run and writes docs/BENCHMARKS.md.
#
#   benches/run.sh            full run (a few minutes on 2 cores)
#   benches/run.sh --quick    smaller sizes, for a smoke test
#
# Needs the build (cmake --build build) and .ci/setup (libtelnet-dev, telnetlib3 in .venv,
# inetutils-telnetd). Results also go to build/bench-results/*.json.
set -eu
cd "$(dirname "$0")/.."
quick=""
[ "${1:-}" = "--quick" ] && quick=1
out=build/bench-results
mkdir -p "$out"

echo "== build"
cmake --build build -j2 >/dev/null
cargo build --release --bench loadgen >/dev/null 2>&1
loadgen=$(ls -t target/release/deps/loadgen-* | grep -v '\.d$' | head -n 1)

echo "== libtelnet vs telnet-rs (C, same buffers, same process)"
if [ -n "$quick" ]; then build/benches/compare --quick; else build/benches/compare; fi | tee "$out/compare.txt"

echo "== load: telnet-rs echo server vs telnetlib3 echo server"
clients=${TN_BENCH_CLIENTS:-1000}
idle=${TN_BENCH_IDLE:-10000}
[ -n "$quick" ] && clients=200 && idle=1000
port=$((20000 + $$ % 10000))
run_load() { # label port pid clients extra...
  label=$1 p=$2 pid=$3 n=$4
  shift 4
  "$loadgen" run --port "$p" --clients "$n" --server-pid "$pid" --label "$label" --json "$out/load-$label.json" "$@"
}
"$loadgen" serve --port "$port" 2>/dev/null &
ours=$!
sleep 1
run_load telnet-rs "$port" "$ours" "$clients" --lines 20
run_load telnet-rs-idle "$port" "$ours" "$idle" --lines 1 --hold 2
kill "$ours"; wait "$ours" 2>/dev/null || true
.venv/bin/python benches/telnetlib3_echo.py $((port + 1)) 2>/dev/null &
theirs=$!
sleep 2
run_load telnetlib3 $((port + 1)) "$theirs" "$clients" --lines 20
kill "$theirs"; wait "$theirs" 2>/dev/null || true

echo "== one session's bulk echo: telnet-rs server vs a plain TCP echo, alternating, 3 rounds"
bulkmb=500
[ -n "$quick" ] && bulkmb=100
for round in 1 2 3; do
  for kind in telnet-rs raw; do
    if [ "$kind" = raw ]; then "$loadgen" serve-raw --port "$port" 2>/dev/null & else "$loadgen" serve --port "$port" 2>/dev/null & fi
    server=$!
    sleep 1
    "$loadgen" run --port "$port" --clients 1 --lines 5 --bulk "$bulkmb" --label "$kind" --json "$out/bulk-echo-$kind-$round.json"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done

echo "== bulk output through telnetd vs the pty alone vs inetutils telnetd"
mb=100
[ -n "$quick" ] && mb=20
python3 benches/bulk.py --mb "$mb" --json "$out/bulk.json"

if [ -z "$quick" ]; then
  echo "== criterion (cargo bench --bench core)"
  cargo bench --bench core -- --warm-up-time 1 --measurement-time 5 2>/dev/null | tee "$out/criterion.txt"
fi

python3 benches/report.py "$out" > docs/BENCHMARKS.md
echo "wrote docs/BENCHMARKS.md"
