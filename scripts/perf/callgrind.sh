#!/usr/bin/env bash
# Instructions per verified file, counted by callgrind (repeatable on a loaded
# machine, unlike times), and where they go.
#
#   scripts/perf/callgrind.sh ITLTOOL DIR [SMALL LARGE] [-- VERIFY-ARGS...]
#
#   ITLTOOL      the itltool binary to measure (a release build; debug = 1 in
#                the workspace profile gives callgrind the function names)
#   DIR          a directory of at least LARGE *.tlv files (make_bulk.py)
#   SMALL LARGE  file counts of the two runs (default 100 and 300)
#   VERIFY-ARGS  arguments after `verify` (default, without `--`: --summary;
#                `--` alone: none, every line is printed)
#
# Runs `itltool verify VERIFY-ARGS FILES...` under callgrind on the first SMALL
# and the first LARGE files of DIR, with one rayon thread (so no instructions
# are spent spinning in idle workers), output to /dev/null. Instructions per
# file = (Ir(LARGE) - Ir(SMALL)) / (LARGE - SMALL): the start of the process
# cancels out. Then prints the functions of the LARGE run with the most
# instructions, inclusive and self.
#
# Needs valgrind (apt-get install valgrind).
set -euo pipefail

TOOL=$1
DIR=$2
shift 2
SMALL=100
LARGE=300
if [ $# -ge 2 ] && [ "$1" != "--" ]; then
    SMALL=$1
    LARGE=$2
    shift 2
fi
ARGS=(--summary)
if [ "${1:-}" = "--" ]; then
    shift
    ARGS=("$@")
fi
command -v valgrind >/dev/null || { echo "missing: valgrind (apt-get install valgrind)" >&2; exit 2; }

OUT=$(mktemp -d /tmp/itl-callgrind.XXXXXX)
mapfile -t ALL < <(find "$DIR" -maxdepth 1 -name '*.tlv' | sort | head -n "$LARGE")
[ ${#ALL[@]} -eq "$LARGE" ] || { echo "$DIR holds fewer than $LARGE .tlv files" >&2; exit 2; }

ir() { # count, label -> total instructions
    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$OUT/$2.out" \
        "$TOOL" verify ${ARGS[@]+"${ARGS[@]}"} "${ALL[@]:0:$1}" >/dev/null 2>"$OUT/$2.log" || true
    awk '/^summary:|^totals:/ {print $2; exit}' "$OUT/$2.out"
}
IR_SMALL=$(ir "$SMALL" small)
IR_LARGE=$(ir "$LARGE" large)
PER_FILE=$(( (IR_LARGE - IR_SMALL) / (LARGE - SMALL) ))
echo "binary:   $TOOL ($("$TOOL" --version))"
echo "command:  verify ${ARGS[*]:-} FILES..., RAYON_NUM_THREADS=1"
echo "files:    $DIR"
echo "Ir $SMALL files: $IR_SMALL; Ir $LARGE files: $IR_LARGE"
echo "instructions per file: $PER_FILE"
echo "== top functions, inclusive ($LARGE files; share of the total)"
# Without the frames every call passes through (thread start, rayon, closures).
callgrind_annotate --inclusive=yes "$OUT/large.out" 2>/dev/null \
    | grep -E '^ *[0-9,]+ \([ 0-9.]+%\)' \
    | grep -vE 'PROGRAM TOTALS|rayon|std::sys|pthread|call_once|call_mut|FnOnce|FnMut|lang_start|main\.rs:main|/libc\.so' \
    | sed -E 's#/root/\.cargo/registry/src/[^/]+/##; s#/rustc/[0-9a-f]+/##' | head -n 40 || true
echo "== top functions, self"
callgrind_annotate "$OUT/large.out" 2>/dev/null \
    | grep -E '^ *[0-9,]+ \([ 0-9.]+%\)' | grep -v 'PROGRAM TOTALS' \
    | sed -E 's#/root/\.cargo/registry/src/[^/]+/##; s#/rustc/[0-9a-f]+/##' | head -n 30 || true
echo "raw callgrind files: $OUT"
