#!/usr/bin/env bash
# Builds the libFuzzer harness (Fuzz/chainrule-fuzz/ChainRuleFuzz.swift with -D LIBFUZZER)
# against the library targets compiled with -sanitize=fuzzer,address, then fuzzes the
# graph-script compiler and the lesson parser, seeded with the shipped lessons, the public
# conformance cases (Tests/Conformance) and the committed regression inputs.
#   Fuzz/run-libfuzzer.sh [RUNS]   (default 1000000; per-input time limit 5 s)
# SwiftPM's executable products always bring their own `main`, which clashes with
# libFuzzer's, so the harness is compiled and linked with swiftc directly.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
scratch=.build-fuzz
swift build --scratch-path "$scratch" --target ChainRuleLessons -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v 'Cannot export local symbol' | tail -3
d=$(swift build --scratch-path "$scratch" --show-bin-path)
shims=$(find "$scratch/checkouts" -path '*_NumericsShims/include' -type d | head -1)
swiftc -sanitize=fuzzer,address -parse-as-library -D LIBFUZZER -I "$d/Modules" \
  -Xcc -fmodule-map-file="$PWD/Sources/CGraphviz/module.modulemap" -Xcc -I"$shims" \
  Fuzz/chainrule-fuzz/ChainRuleFuzz.swift \
  "$d"/{ChainRule,GraphScript,ChainRuleLessons,ChainRuleRender,RealModule,_NumericsShims}.build/*.o \
  -lgvc -lcgraph -lcdt -o "$scratch/libfuzzer-chainrule" 2>&1 | grep -v 'Cannot export local symbol' || true
bin=$scratch/libfuzzer-chainrule
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
# The first byte selects the target: 0 = graph script, 1 = lesson.
for f in Tests/Conformance/cases/*.graph Tests/Conformance/bad/*.graph Fuzz/regressions/*.graph; do
  [ -f "$f" ] && { printf '\0'; cat "$f"; } > "$seeds/g-$(basename "$f")"
done
for f in Lessons/*.md Fuzz/regressions/*.md; do
  [ -f "$f" ] && { printf '\1'; cat "$f"; } > "$seeds/l-$(basename "$f")"
done
mkdir -p Fuzz/out/corpus
echo "seed corpus: $(ls "$seeds" | wc -l) files"
"$bin" -runs="$runs" -timeout=5 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix=Fuzz/out/ -dict=Fuzz/graph.dict Fuzz/out/corpus "$seeds"
