#!/usr/bin/env bash
# `make` runs this first: says clearly what is missing when Swift is not
# installed (or too old), and how to get it. Usage: scripts/check-swift.sh [SWIFT]
swift=${1:-swift}
need_major=6 need_minor=1
how="Install Swift ${need_major}.${need_minor} or later the official way, with swiftly (https://www.swift.org/install/linux/):
  curl -O \"https://download.swift.org/swiftly/linux/swiftly-\$(uname -m).tar.gz\"
  tar zxf \"swiftly-\$(uname -m).tar.gz\" && ./swiftly init --quiet-shell-followup
  . \"\${SWIFTLY_HOME_DIR:-\$HOME/.local/share/swiftly}/env.sh\" && hash -r
then run make again (README.md, \"Installing Swift\")."
if ! command -v "$swift" >/dev/null 2>&1; then
  echo "error: '$swift' was not found on PATH: ChainRule is a Swift package and needs the Swift toolchain." >&2
  echo "$how" >&2
  exit 127
fi
version=$("$swift" --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -1)
if [ -z "$version" ]; then
  echo "warning: could not read the version of '$swift' ($(command -v "$swift")); ChainRule needs Swift ${need_major}.${need_minor}+." >&2
  exit 0
fi
read -r major minor <<<"$version"
if [ "$major" -lt "$need_major" ] || { [ "$major" -eq "$need_major" ] && [ "$minor" -lt "$need_minor" ]; }; then
  echo "error: '$swift' is Swift $major.$minor; ChainRule needs Swift ${need_major}.${need_minor} or later." >&2
  echo "$how" >&2
  exit 1
fi
