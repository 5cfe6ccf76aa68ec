#!/usr/bin/env bash
# Leaks and memory errors on the render path, under valgrind memcheck.
#
#   scripts/memcheck.sh            every conformance case × {svg,pdf,png,dot}
#                                  + `chainrule export apples` (the full run)
#   scripts/memcheck.sh --quick    apples as SVG, the two-layer net as PNG, the export
#                                  (part of `make test` when valgrind is installed)
#   make memcheck                  the full run
#
# Options: --bin PATH (default: a debug build in $SCRATCH, built if missing),
#          --cases DIR (default Tests/Conformance/cases), --jobs N (default 2),
#          --keep (leave the logs in $LOGDIR).
#
# Every run uses --leak-check=full --errors-for-leak-kinds=definite
# --error-exitcode=99 with scripts/valgrind.supp: a definite leak or an
# invalid read/write fails the run. The table printed at the end has one row
# per run: definitely / indirectly / possibly lost bytes, invalid reads and
# writes, uninitialised-value errors, and the error count valgrind reports.
# The script exits non-zero if any run has an error.
set -euo pipefail

VALGRIND_OPTS=(--tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible
               --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=40
               --gen-suppressions=all)

# Internal: one run, "name<TAB>arg<TAB>arg…", for xargs -P.
if [ "${1:-}" = --one ]; then
  line=$2
  name=${line%%$'\t'*}
  IFS=$'\t' read -r -a args <<< "${line#*$'\t'}"
  set +e
  valgrind "${VALGRIND_OPTS[@]}" --suppressions="$ROOT/scripts/valgrind.supp" --log-file="$LOGDIR/$name.log" \
    "$BIN" "${args[@]}" > "$LOGDIR/$name.stdout" 2> "$LOGDIR/$name.stderr"
  echo $? > "$LOGDIR/$name.status"
  printf . >&2
  exit 0
fi

cd "$(dirname "$0")/.."
ROOT=$PWD
QUICK=0
BIN=""
CASES="$ROOT/Tests/Conformance/cases"
JOBS=2
KEEP=0
SCRATCH=${SCRATCH:-.build-memcheck}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --bin) BIN=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --jobs|-j) JOBS=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "memcheck: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ -f "$CASES/001-apples.graph" ] || { echo "memcheck: no conformance cases in $CASES (--cases DIR)" >&2; exit 2; }
command -v valgrind >/dev/null || {
  echo "memcheck: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

if [ -z "$BIN" ]; then
  swift build -Xcc -gdwarf-4 --scratch-path "$SCRATCH" --product chainrule >&2
  BIN="$SCRATCH/debug/chainrule"
fi
[ -x "$BIN" ] || { echo "memcheck: no chainrule binary at $BIN" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/chainrule-memcheck.XXXXXX")
OUT="$LOGDIR/out"
mkdir -p "$OUT"
cleanup() { [ "$KEEP" = 1 ] && echo "logs kept in $LOGDIR" >&2 || rm -rf "$LOGDIR"; }
trap cleanup EXIT

# The runs: "name<TAB>args…"
RUNS="$LOGDIR/runs"
: > "$RUNS"
if [ "$QUICK" = 1 ]; then
  printf 'draw-001-apples.svg\tdraw\t%s\t-o\t%s\n' "$CASES/001-apples.graph" "$OUT/001-apples.svg" >> "$RUNS"
  printf 'draw-011-two-layer-network.png\tdraw\t%s\t-o\t%s\n' "$CASES/011-two-layer-network.graph" "$OUT/011.png" >> "$RUNS"
  cases=()
  formats=()
else
  cases=("$CASES"/*.graph)
  formats=(svg pdf png dot)
fi
for c in "${cases[@]+"${cases[@]}"}"; do
  base=$(basename "$c" .graph)
  for f in "${formats[@]+"${formats[@]}"}"; do
    printf 'draw-%s.%s\tdraw\t%s\t-o\t%s\n' "$base" "$f" "$c" "$OUT/$base.$f" >> "$RUNS"
  done
done
printf 'export-apples\texport\tapples\t--quiet\t-o\t%s\n' "$OUT/export" >> "$RUNS"

total=$(wc -l < "$RUNS")
echo "memcheck: $total runs of $BIN (jobs: $JOBS), logs in $LOGDIR" >&2
export LOGDIR BIN ROOT
tr '\n' '\0' < "$RUNS" | xargs -0 -P "$JOBS" -n 1 "$0" --one
echo >&2

python3 - "$LOGDIR" "$RUNS" <<'PY'
import re, sys, pathlib
logdir, runs = pathlib.Path(sys.argv[1]), sys.argv[2]
names = [l.split("\t", 1)[0] for l in open(runs) if l.strip()]
def num(s): return int(s.replace(",", ""))
rows, bad = [], 0
tot = dict(definite=0, suppressed=0, indirect=0, possible=0, invalid_read=0, invalid_write=0, uninit=0, errors=0)
# "suppressed" is what scripts/valgrind.supp hid (Graphviz's and the font stack's own leaks).
print(f"{'run':44} {'status':>6} {'definite':>9} {'suppressed':>10} {'indirect':>9} {'possible':>9} {'inv.read':>8} {'inv.write':>9} {'uninit':>6} {'errors':>6}")
for name in names:
    log = (logdir / f"{name}.log").read_text(errors="replace") if (logdir / f"{name}.log").exists() else ""
    status = (logdir / f"{name}.status").read_text().strip() if (logdir / f"{name}.status").exists() else "?"
    def lost(kind):
        m = re.search(kind + r" lost: ([\d,]+) bytes", log)
        return num(m.group(1)) if m else 0
    sup = re.search(r"suppressed: ([\d,]+) bytes", log)
    r = dict(definite=lost("definitely"), suppressed=num(sup.group(1)) if sup else 0, indirect=lost("indirectly"), possible=lost("possibly"),
             invalid_read=len(re.findall(r"== Invalid read of size", log)),
             invalid_write=len(re.findall(r"== Invalid write of size", log)),
             uninit=len(re.findall(r"== (Conditional jump or move depends on uninitialised|Use of uninitialised|Syscall param .* uninitialised)", log)),
             errors=num(m.group(1)) if (m := re.search(r"ERROR SUMMARY: ([\d,]+) errors", log)) else -1)
    for k in tot: tot[k] += max(r[k], 0)
    failed = status != "0" or r["errors"] != 0 or r["definite"] or r["invalid_read"] or r["invalid_write"]
    bad += bool(failed)
    flag = "  <-- " + (f"exit {status}" if status != "0" else "errors") if failed else ""
    print(f"{name:44} {status:>6} {r['definite']:>9} {r['suppressed']:>10} {r['indirect']:>9} {r['possible']:>9} {r['invalid_read']:>8} {r['invalid_write']:>9} {r['uninit']:>6} {r['errors']:>6}{flag}")
print(f"{'TOTAL (' + str(len(names)) + ' runs)':44} {'':>6} {tot['definite']:>9} {tot['suppressed']:>10} {tot['indirect']:>9} {tot['possible']:>9} {tot['invalid_read']:>8} {tot['invalid_write']:>9} {tot['uninit']:>6} {tot['errors']:>6}")
if bad:
    print(f"memcheck: {bad} run(s) with errors; rerun with --keep and read the logs", file=sys.stderr)
    sys.exit(1)
print("memcheck: no definite leaks, no invalid reads or writes")
PY
