#!/usr/bin/env bash
# Measures the issue-6 performance targets on this machine, in one run, and
# prints a results table (docs/PERFORMANCE.md explains each line).
#
#   scripts/perf/measure.sh [--bench] [--priority] [--files N] [WORKDIR]
#
#   --bench   also run the criterion parse benchmark (compiles the benches)
#   --priority  on a machine shared with other sessions: raise this session's
#             scheduler autogroup to nice -10 while measuring (Linux with
#             sched_autogroup, as root), so that other sessions' processes,
#             which the kernel otherwise gives an equal share whatever their
#             nice value, take less of the CPUs; put back to 0 at the end
#   --files N number of generated ITLs for the bulk run (default 2000)
#   WORKDIR   where binaries, generated files and raw results go
#             (default: a new directory under /tmp)
#
# Needs: cargo, python3 with `cryptography`, openssl, hyperfine, GNU time
# (/usr/bin/time). On Debian: apt-get install hyperfine time openssl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARGS="$*"
BENCH=0
PRIORITY=0
FILES=2000
WORK=""
while [ $# -gt 0 ]; do
    case "$1" in
        --bench) BENCH=1 ;;
        --priority) PRIORITY=1 ;;
        --files) FILES=$2; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) WORK=$1 ;;
    esac
    shift
done
WORK=${WORK:-$(mktemp -d /tmp/itl-perf.XXXXXX)}
mkdir -p "$WORK"

for tool in cargo python3 openssl hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (see the header of $0)" >&2; exit 2; }
done

median() { # hyperfine JSON file, command index -> median seconds
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
cpu() { # hyperfine JSON file, command index -> mean user+system seconds
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print(r["user"]+r["system"])' "$1" "$2"
}
calc() { python3 -c "print($1)"; }
maxrss() { # command... -> peak RSS in KiB
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}
verdict() { python3 -c "print('met' if $1 else 'NOT met')"; }

echo "== machine"
echo "command:  $0 $ARGS"
echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), nproc $(nproc)"
echo "load:     $(uptime | sed 's/.*load average: //') (1, 5, 15 min)"
echo "rustc:    $(rustc --version)"
echo "openssl:  $(openssl version)"
echo "workdir:  $WORK"

echo "== build"
cd "$ROOT"
cargo build --release -q -p itl-cli
cp target/release/itltool "$WORK/itltool-rsa"
cargo build --release -q -p itl-cli --features itl-core/aws-lc
cp target/release/itltool "$WORK/itltool-aws-lc"
echo "built $WORK/itltool-rsa (default) and $WORK/itltool-aws-lc (--features itl-core/aws-lc)"

echo "== inputs"
BULK="$WORK/bulk$FILES"
if [ ! -d "$BULK" ]; then
    python3 scripts/perf/make_bulk.py --count "$FILES" "$BULK"
fi
SMALL="$WORK/bulk200"
if [ ! -d "$SMALL" ]; then
    mkdir -p "$SMALL"
    find "$BULK" -name '*.tlv' | sort > "$WORK/bulk-list.txt"
    head -200 "$WORK/bulk-list.txt" | xargs cp -t "$SMALL"
fi
ONE="$ROOT/testvectors/own/ITLSEP0011215A1AE3-sbd-replica.tlv"

if [ "$PRIORITY" = 1 ]; then
    echo -10 > /proc/self/autogroup
    trap 'echo 0 > /proc/self/autogroup' EXIT
    echo "priority: $(cat /proc/self/autogroup) (--priority)"
fi

echo "== openssl speed rsa2048 (single core)"
openssl speed -seconds 3 rsa2048 2>/dev/null | tail -1 | tee "$WORK/openssl-cpu.txt"
openssl speed -elapsed -seconds 3 rsa2048 2>/dev/null | tail -1 | tee "$WORK/openssl-elapsed.txt"
OSSL_CPU=$(awk '{print $NF}' "$WORK/openssl-cpu.txt")
OSSL_WALL=$(awk '{print $NF}' "$WORK/openssl-elapsed.txt")

echo "== bulk verify of $FILES RSA-2048 SHA-1 ITLs"
hyperfine -N --warmup 1 --runs 10 --export-json "$WORK/bulk.json" \
    "$WORK/itltool-rsa verify --summary -r $BULK" \
    "$WORK/itltool-aws-lc verify --summary -r $BULK" \
    "env RAYON_NUM_THREADS=1 $WORK/itltool-aws-lc verify --summary -r $BULK" \
    | grep -E 'Benchmark|Time|Range'
"$WORK/itltool-aws-lc" verify --summary -r "$BULK" | tail -1

echo "== show of one ITL vs cat"
hyperfine -N --warmup 20 --runs 300 --export-json "$WORK/show.json" \
    "cat $ONE" "$WORK/itltool-rsa show $ONE" | grep -E 'Benchmark|Time|Range'

echo "== peak memory (max RSS, KiB)"
RSS_SHOW=$(maxrss "$WORK/itltool-rsa" show "$ONE")
RSS_VERIFY=$(maxrss "$WORK/itltool-aws-lc" verify "$ONE")
RSS_200=$(maxrss "$WORK/itltool-aws-lc" verify --summary -r "$SMALL")
RSS_ALL=$(maxrss "$WORK/itltool-aws-lc" verify --summary -r "$BULK")
RSS_JSON_ALL=$(maxrss "$WORK/itltool-aws-lc" show --format json -r "$BULK")
echo "show 1 file: $RSS_SHOW; verify 1 file: $RSS_VERIFY; verify 200: $RSS_200; verify $FILES: $RSS_ALL; show json $FILES: $RSS_JSON_ALL"

if [ "$BENCH" = 1 ]; then
    echo "== criterion: parse"
    cargo bench -q -p itl-core --bench core -- --warm-up-time 1 --measurement-time 3 '/parse$' 2>&1 \
        | grep -E '^[a-z].*/parse|time:|thrpt:' | tee "$WORK/bench-parse.txt"
fi

echo "== results"
for i in 0 1 2; do
    eval "WALL$i=$(median "$WORK/bulk.json" $i)"
    eval "CPU$i=$(cpu "$WORK/bulk.json" $i)"
done
RATE_RSA=$(calc "round($FILES / $WALL0)")
RATE_AWS=$(calc "round($FILES / $WALL1)")
RATE_AWS1=$(calc "round($FILES / $WALL2)")
CPURATE_RSA=$(calc "round($FILES / $CPU0)")
CPURATE_AWS=$(calc "round($FILES / $CPU1)")
CAT=$(median "$WORK/show.json" 0)
SHOW=$(median "$WORK/show.json" 1)
printf '%-58s %s\n' "openssl rsa2048 verify/s (CPU time; wall clock)" "$OSSL_CPU; $OSSL_WALL"
printf '%-58s %s\n' "bulk verify files/s, rsa crate (wall; per CPU-second)" "$RATE_RSA; $CPURATE_RSA"
printf '%-58s %s\n' "bulk verify files/s, aws-lc (wall; per CPU-second)" "$RATE_AWS; $CPURATE_AWS"
printf '%-58s %s\n' "bulk verify files/s, aws-lc, one thread (wall)" "$RATE_AWS1"
printf '%-58s %s  %s\n' "ratio aws-lc wall / openssl CPU-time rate (target >= 0.5)" \
    "$(calc "round($RATE_AWS / $OSSL_CPU, 3)")" "$(verdict "$RATE_AWS / $OSSL_CPU >= 0.5")"
printf '%-58s %s  %s\n' "ratio aws-lc wall / openssl wall rate (same contention)" \
    "$(calc "round($RATE_AWS / $OSSL_WALL, 3)")" "$(verdict "$RATE_AWS / $OSSL_WALL >= 0.5")"
printf '%-58s %s  %s\n' "ratio rsa crate wall / openssl CPU-time rate" \
    "$(calc "round($RATE_RSA / $OSSL_CPU, 3)")" "$(verdict "$RATE_RSA / $OSSL_CPU >= 0.5")"
printf '%-58s %s  %s\n' "show median / cat median (target <= 3)" \
    "$(calc "round($SHOW / $CAT, 2)") ($(calc "round($SHOW * 1e3, 2)") ms / $(calc "round($CAT * 1e3, 2)") ms)" \
    "$(verdict "$SHOW / $CAT <= 3")"
printf '%-58s %s  %s\n' "peak RSS one file, show / verify (target <= 10240 KiB)" "$RSS_SHOW / $RSS_VERIFY" \
    "$(verdict "max($RSS_SHOW, $RSS_VERIFY) <= 10240")"
printf '%-58s %s  %s\n' "peak RSS verify 200 / $FILES files (flat: within 25%)" "$RSS_200 / $RSS_ALL" \
    "$(verdict "$RSS_ALL <= 1.25 * $RSS_200")"
echo "load after: $(uptime | sed 's/.*load average: //')"
