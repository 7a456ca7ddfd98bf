#!/usr/bin/env bash
# Measures the performance targets (issues 6 and 14) on this machine, in one
# run, and prints a results table (docs/PERFORMANCE.md explains each line).
#
#   scripts/perf/measure.sh [--bench] [--priority] [--files N] [WORKDIR]
#
#   --bench   also run the criterion parse benchmark (compiles the benches)
#   --priority  on a machine shared with other sessions: raise this session's
#             scheduler autogroup to nice -10 while measuring (Linux with
#             sched_autogroup, as root), so that other sessions' processes,
#             which the kernel otherwise gives an equal share whatever their
#             nice value, take less of the CPUs; put back to 0 at the end
#   --no-build  measure the binaries WORKDIR/itltool and WORKDIR/itltool-rsa
#             left by an earlier run instead of building them
#   --files N number of generated ITLs for each bulk run (default 2000)
#   WORKDIR   where binaries, generated files and raw results go
#             (default: a new directory under /tmp); generated files are kept
#             there and reused by the next run with the same WORKDIR
#
# Needs: cargo, python3 with `cryptography`, openssl, hyperfine, GNU time
# (/usr/bin/time). On Debian: apt-get install hyperfine time openssl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARGS="$*"
BENCH=0
PRIORITY=0
BUILD=1
FILES=2000
WORK=""
while [ $# -gt 0 ]; do
    case "$1" in
        --bench) BENCH=1 ;;
        --priority) PRIORITY=1 ;;
        --no-build) BUILD=0 ;;
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
if [ "$BUILD" = 1 ]; then
    cargo build --release -q -p itl-cli --no-default-features --features pure-rust
    cp target/release/itltool "$WORK/itltool-rsa"
    cargo build --release -q -p itl-cli
    cp target/release/itltool "$WORK/itltool"
else
    echo "--no-build: the binaries of an earlier run ($(date -u -r "$WORK/itltool" '+%Y-%m-%d %H:%M UTC'))"
fi
echo "built $WORK/itltool (default: $("$WORK/itltool" --version)) and"
echo "      $WORK/itltool-rsa (--no-default-features --features pure-rust: $("$WORK/itltool-rsa" --version))"

echo "== inputs"
BULK="$WORK/bulk$FILES"
if [ ! -d "$BULK" ]; then
    python3 scripts/perf/make_bulk.py --count "$FILES" "$BULK"
fi
DISTINCT="$WORK/distinct$FILES"
if [ ! -d "$DISTINCT" ]; then
    echo "generating $FILES files with their own keys (a few minutes)"
    python3 scripts/perf/make_bulk.py --distinct --count "$FILES" "$DISTINCT"
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

echo "== bulk verify of $FILES RSA-2048 SHA-1 ITLs (one cluster's: same certificates; distinct: own keys each)"
hyperfine -N --warmup 1 --runs 10 --export-json "$WORK/bulk.json" \
    "$WORK/itltool verify --summary -r $BULK" \
    "$WORK/itltool verify -r $BULK" \
    "$WORK/itltool verify --summary -r $DISTINCT" \
    "$WORK/itltool verify -r $DISTINCT" \
    "$WORK/itltool-rsa verify --summary -r $BULK" \
    "env RAYON_NUM_THREADS=1 $WORK/itltool verify --summary -r $BULK" \
    | grep -E 'Benchmark|Time|Range'
"$WORK/itltool" verify --summary -r "$BULK" | tail -1
"$WORK/itltool" verify --summary -r "$DISTINCT" | tail -1

echo "== show of one ITL vs cat"
hyperfine -N --warmup 20 --runs 300 --export-json "$WORK/show.json" \
    "cat $ONE" "$WORK/itltool show $ONE" | grep -E 'Benchmark|Time|Range'

echo "== peak memory (max RSS, KiB)"
RSS_SHOW=$(maxrss "$WORK/itltool" show "$ONE")
RSS_VERIFY=$(maxrss "$WORK/itltool" verify "$ONE")
RSS_200=$(maxrss "$WORK/itltool" verify --summary -r "$SMALL")
RSS_ALL=$(maxrss "$WORK/itltool" verify --summary -r "$BULK")
RSS_DISTINCT=$(maxrss "$WORK/itltool" verify -r "$DISTINCT")
RSS_JSON_ALL=$(maxrss "$WORK/itltool" show --format json -r "$BULK")
echo "show 1 file: $RSS_SHOW; verify 1 file: $RSS_VERIFY; verify 200: $RSS_200; verify $FILES: $RSS_ALL; verify $FILES distinct: $RSS_DISTINCT; show json $FILES: $RSS_JSON_ALL"

if [ "$BENCH" = 1 ]; then
    echo "== criterion: parse"
    cargo bench -q -p itl-core --bench core -- --warm-up-time 1 --measurement-time 3 '/parse$' 2>&1 \
        | grep -E '^[a-z].*/parse|time:|thrpt:' | tee "$WORK/bench-parse.txt"
fi

echo "== results"
for i in 0 1 2 3 4 5; do
    eval "WALL$i=$(median "$WORK/bulk.json" $i)"
    eval "CPU$i=$(cpu "$WORK/bulk.json" $i)"
done
rate() { calc "round($FILES / $1)"; }
CAT=$(median "$WORK/show.json" 0)
SHOW=$(median "$WORK/show.json" 1)
row() { # label, files/s (wall), per CPU-second, target ratio or -
    local ratio
    ratio=$(calc "round($2 / $OSSL_CPU, 3)")
    if [ "$4" = - ]; then
        printf '%-50s %7s %7s  %6s\n' "$1" "$2" "$3" "$ratio"
    else
        printf '%-50s %7s %7s  %6s  >= %s %s\n' "$1" "$2" "$3" "$ratio" "$4" "$(verdict "$2 / $OSSL_CPU >= $4")"
    fi
}
echo "openssl rsa2048 verify/s, one core: $OSSL_CPU (CPU time); $OSSL_WALL (wall clock)"
printf '%-50s %7s %7s  %6s\n' "bulk, default build ($FILES files)" "files/s" "per CPU-s" "ratio"
row "verify --summary, one cluster's files" "$(rate "$WALL0")" "$(rate "$CPU0")" 0.9
row "verify (all lines), one cluster's files" "$(rate "$WALL1")" "$(rate "$CPU1")" 0.9
row "verify --summary, distinct files" "$(rate "$WALL2")" "$(rate "$CPU2")" 0.5
row "verify (all lines), distinct files" "$(rate "$WALL3")" "$(rate "$CPU3")" 0.5
row "verify --summary, one cluster's, pure-rust build" "$(rate "$WALL4")" "$(rate "$CPU4")" -
row "verify --summary, one cluster's, one thread" "$(rate "$WALL5")" "$(rate "$CPU5")" -
printf '%-58s %s  %s\n' "show median / cat median (target <= 1.5)" \
    "$(calc "round($SHOW / $CAT, 2)") ($(calc "round($SHOW * 1e3, 3)") ms / $(calc "round($CAT * 1e3, 3)") ms)" \
    "$(verdict "$SHOW / $CAT <= 1.5")"
printf '%-58s %s  %s\n' "peak RSS one file, show / verify (target <= 10240 KiB)" "$RSS_SHOW / $RSS_VERIFY" \
    "$(verdict "max($RSS_SHOW, $RSS_VERIFY) <= 10240")"
printf '%-58s %s  %s\n' "peak RSS verify 200 / $FILES files (flat: within 25%)" "$RSS_200 / $RSS_ALL" \
    "$(verdict "$RSS_ALL <= 1.25 * $RSS_200")"
echo "load after: $(uptime | sed 's/.*load average: //')"
