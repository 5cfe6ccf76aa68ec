#!/usr/bin/env bash
# Screenshot an exported slideshow at a given step with headless Chromium.
#   scripts/slideshow-screenshot.sh Output/apples/index.html 3 shot.png [1400x860]
# Needs Debian's `chromium` (apt-get install chromium).
set -euo pipefail
page=${1:?usage: $0 SLIDESHOW.html STEP OUT.png [WIDTHxHEIGHT]}
step=${2-}
out=${3:?output png}
size=${4:-1400x860}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "chromium not found: sudo apt-get install chromium" >&2; exit 1; }
abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$profile" --force-device-scale-factor="${SCALE:-1}" \
  --window-size="${size/x/,}" --virtual-time-budget=2000 \
  --screenshot="$out" "file://$abs${step:+#$step}" >/dev/null 2>&1
echo "$out"
