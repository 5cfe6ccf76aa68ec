#!/usr/bin/env bash
# Fails when a build log holds a compiler warning in our own code (Sources/,
# Tests/, Examples/, Benchmarks/, Fuzz/), listing each once; warnings inside
# dependencies (.build/checkouts) are not ours and are ignored.
#   swift build --build-tests 2>&1 | tee LOG; scripts/check-warnings.sh LOG
# Swift compiles only what changed, so a fresh build (CI's) sees every file.
set -euo pipefail
log=${1:?usage: check-warnings.sh BUILD_LOG}
root=$(cd "$(dirname "$0")/.." && pwd)
ours=$(grep -E "^($root/)?(Sources|Tests|Examples|Benchmarks|Fuzz)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sed "s|^$root/||" | sort -u || true)
if [ -n "$ours" ]; then
  echo "error: the build printed $(printf '%s\n' "$ours" | wc -l) warning(s) in our code; fix them (warnings fail CI):" >&2
  printf '%s\n' "$ours" >&2
  exit 1
fi
echo "No compiler warnings in Sources/, Tests/, Examples/, Benchmarks/, Fuzz/."
