#!/usr/bin/env bash
# Peak RSS and wall time of every itltool command on the hostile shapes
# (scripts/hostile/make_hostile.py), and on a real file for comparison.
#
#   scripts/hostile/measure.sh [--size BYTES] [--bin ITLTOOL] [WORKDIR]
#
#   --size   size of each hostile file (default 1048576, the default input cap)
#   --bin    the itltool binary (default: target/release/itltool, built if missing)
#   WORKDIR  where the files and outputs go (default: a new directory in /tmp)
#
# Prints one line per (shape, command): exit status, peak RSS (MiB), wall
# seconds, and whether both are within 64 MiB and 2 s (2 s per file for the
# bulk lines, which run every shape 50 times in one process). Exit status 1 if any
# line is over. Needs python3 and GNU time (/usr/bin/time).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZE=1048576
BIN=""
WORK=""
while [ $# -gt 0 ]; do
    case "$1" in
        --size) SIZE=$2; shift ;;
        --bin) BIN=$2; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) WORK=$1 ;;
    esac
    shift
done
for tool in python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
if [ -z "$BIN" ]; then
    BIN=$ROOT/target/release/itltool
    [ -x "$BIN" ] || (cd "$ROOT" && cargo build --release -p itl-cli)
fi
WORK=${WORK:-$(mktemp -d /tmp/itl-hostile.XXXXXX)}
mkdir -p "$WORK/out"
python3 "$ROOT/scripts/hostile/make_hostile.py" --size "$SIZE" "$WORK" >/dev/null
cp "$ROOT/testvectors/real/CTLFile-cucm10.tlv" "$WORK/real-ctl.tlv"

echo "binary: $BIN ($("$BIN" --version))"
echo "size:   $SIZE bytes per hostile file; limits 64 MiB, 2 s"
echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-20s %-22s %5s %9s %8s %s\n' shape command exit "RSS MiB" "wall s" verdict
over=0
FILES=1
run() { # shape label args... (wall time limit: 2 s per file, FILES files)
    local shape=$1 label=$2; shift 2
    local t="$WORK/out/time.txt"
    set +e
    /usr/bin/time -v -o "$t" "$BIN" "$@" >"$WORK/out/stdout" 2>"$WORK/out/stderr"
    local rc=$?
    set -e
    local kib wall
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$t" |
        awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    local mib verdict
    mib=$(python3 -c "print(f'{$kib/1024:.1f}')")
    verdict=$(python3 -c "print('ok' if $kib <= 65536 and $wall <= 2 * $FILES else 'OVER')")
    [ "$verdict" = ok ] || over=1
    printf '%-20s %-22s %5s %9s %8s %s\n' "$shape" "$label" "$rc" "$mib" "$wall" "$verdict"
}
for f in "$WORK"/*.tlv; do
    s=$(basename "$f" .tlv)
    run "$s" "show" show "$f"
    run "$s" "show --format json" show --format json "$f"
    run "$s" "show --format cucm" show --format cucm "$f"
    run "$s" "verify" verify "$f"
    run "$s" "compare real FILE" compare "$WORK/real-ctl.tlv" "$f"
    run "$s" "compare FILE FILE" compare "$f" "$f"
    run "$s" "hash" hash "$f"
    rm -rf "$WORK/out/certs"
    run "$s" "certs" certs --out "$WORK/out/certs" "$f"
done
s=bulk
mkdir -p "$WORK/bulk"
for i in $(seq 1 50); do for f in "$WORK"/*.tlv; do ln -sf "$f" "$WORK/bulk/$i-$(basename "$f")"; done; done
FILES=$(ls "$WORK/bulk" | wc -l)
run "$s" "verify -r ($FILES files)" verify -r --summary "$WORK/bulk"
run "$s" "show -r json ($FILES)" show -r --format json "$WORK/bulk"
run "$s" "hash -r ($FILES)" hash -r "$WORK/bulk"
exit $over
