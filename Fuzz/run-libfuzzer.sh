#!/usr/bin/env bash
# Builds chainrule-fuzz with libFuzzer + AddressSanitizer and fuzzes the graph-script
# compiler and the lesson parser, seeded with the shipped lessons, the public oracle
# cases and the committed regression inputs.
#   Fuzz/run-libfuzzer.sh [RUNS]   (default 1000000; per-input time limit 5 s)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
swift build --scratch-path .build-fuzz --product chainrule-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc LIBFUZZER 2>&1 | grep -v 'Cannot export local symbol' || true
bin=.build-fuzz/debug/chainrule-fuzz
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
# The first byte selects the target: 0 = graph script, 1 = lesson.
for f in ../shared/oracle/cases/*.graph ../shared/oracle/bad/*.graph Fuzz/regressions/*.graph; do
  [ -f "$f" ] && { printf '\0'; cat "$f"; } > "$seeds/g-$(basename "$f")"
done
for f in Lessons/*.md Fuzz/regressions/*.md; do
  [ -f "$f" ] && { printf '\1'; cat "$f"; } > "$seeds/l-$(basename "$f")"
done
mkdir -p Fuzz/out/corpus
echo "seed corpus: $(ls "$seeds" | wc -l) files"
"$bin" -runs="$runs" -timeout=5 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix=Fuzz/out/ -dict=Fuzz/graph.dict Fuzz/out/corpus "$seeds"
