#!/usr/bin/env bash
# Runs one fuzz target (built with `cargo fuzz build -s none`) until it has used
# CPU_SECONDS of CPU time, not wall time, then stops it with SIGINT so libFuzzer
# prints its final statistics. On a shared, loaded machine wall time says little
# about how much fuzzing was done.
#   fuzz/run.sh TARGET CPU_SECONDS [extra libFuzzer flags...]
# Prints one summary line: target, CPU seconds, wall seconds, the last libFuzzer
# status line, and the exit status (non-zero = a finding, saved in artifacts/).
set -euo pipefail
cd "$(dirname "$0")"
target=$1 budget=$2
shift 2
bin=target/x86_64-unknown-linux-gnu/release/$target
log=${LOG:-/tmp/fuzz-$target.log}
mkdir -p "corpus/$target" "artifacts/$target"
start=$(date +%s)
"$bin" "corpus/$target" -artifact_prefix="artifacts/$target/" \
  -rss_limit_mb=2048 -max_len=70000 -timeout=10 -print_final_stats=1 "$@" >"$log" 2>&1 &
pid=$!
tick=$(getconf CLK_TCK)
cpu=0
while kill -0 "$pid" 2>/dev/null; do
  if stat=$(cat "/proc/$pid/stat" 2>/dev/null); then
    # Fields 14 and 15: user and system time in clock ticks (after the "(comm)").
    read -r -a f <<<"${stat##*) }"
    cpu=$(( (f[11] + f[12]) / tick ))
    if [ "$cpu" -ge "$budget" ]; then
      kill -INT "$pid" 2>/dev/null || true
      break
    fi
  fi
  sleep 5
done
rc=0
wait "$pid" || rc=$?
# libFuzzer exits 72 when interrupted (the budget was reached) and 0 when
# -max_total_time or -runs ended it; any other status is a finding (crash, leak,
# timeout, out of memory), saved in artifacts/TARGET/.
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
echo "$target cpu_s=$cpu wall_s=$(( $(date +%s) - start )) rc=$rc last: $last"
