#!/usr/bin/env bash
# Proves the README's Swift examples work for a user (make examples):
#  1. copies this checkout (its files, not .build/) to TMP/ChainRule, as a
#     user's clone would be named;
#  2. makes a new package TMP/MyGraphs from the README's Package.swift block,
#     with its `.package(url: …, from: …)` line replaced by
#     `.package(path: "../ChainRule")`;
#  3. puts every other ```swift block of README.md into it unchanged: a block
#     that imports Testing becomes a test file, any other the main.swift of
#     an executable target (the README's target gets the first one);
#  4. builds it, runs every executable (in a scratch folder) and the tests.
#   scripts/check-examples.sh [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift=${SWIFT:-swift}
work=$(mktemp -d "${TMPDIR:-/tmp}/chainrule-user-XXXXXX")
if [ "${1:-}" = --keep ]; then echo "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi

mkdir "$work/ChainRule"
tar -C "$root" --exclude='./.build*' --exclude='./.git' --exclude='./Output' --exclude='./.swiftpm' \
    --exclude='./Benchmarks/peers/.venv' -cf - . | tar -C "$work/ChainRule" -xf -

python3 - "$root/README.md" "$work/MyGraphs" <<'PY'
import os, re, sys
readme, project = sys.argv[1:]
text = open(readme, encoding="utf-8").read()
blocks = re.findall(r"^```swift\n(.*?)^```\s*$", text, flags=re.S | re.M)
manifests = [b for b in blocks if b.startswith("// swift-tools-version")]
code = [b for b in blocks if not b.startswith("// swift-tools-version")]
if len(manifests) != 1 or not code:
    sys.exit(f"README.md: expected one Package.swift block and some code, found {len(manifests)} and {len(code)}")
manifest, n = re.subn(r'\.package\(url: "[^"]+", from: "[^"]+"\)', '.package(path: "../ChainRule")', manifests[0])
if n != 1:
    sys.exit("README.md's Package.swift block has no .package(url:from:) line")
target = re.search(r'\.executableTarget\(name: "([^"]+)", dependencies: (\[.*?\])\)', manifest, flags=re.S)
if not target:
    sys.exit("README.md's Package.swift block has no .executableTarget(name:dependencies:)")
name, deps = target.group(1), target.group(2)
programs, tests, extra = [name], [], []
os.makedirs(os.path.join(project, "Sources", name))
open(os.path.join(project, "Sources", name, "main.swift"), "w").write(code[0])
for i, body in enumerate(code, 1):
    if re.search(r"^import Testing$", body, flags=re.M):
        d = os.path.join(project, "Tests", "ReadmeTests")
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, f"Block{i}.swift"), "w").write(body)
        tests.append(i)
    elif i > 1:
        t = f"readme-example-{i}"
        os.makedirs(os.path.join(project, "Sources", t))
        open(os.path.join(project, "Sources", t, "main.swift"), "w").write(body)
        programs.append(t)
        extra.append(f'.executableTarget(name: "{t}", dependencies: {deps}),')
if tests:
    extra.append(f'.testTarget(name: "ReadmeTests", dependencies: {deps}),')
# The README's targets, then one target per further block.
end = manifest.rindex("]\n)")
manifest = manifest[:end] + "".join(f"    {e}\n    " for e in extra) + manifest[end:]
open(os.path.join(project, "Package.swift"), "w").write(manifest)
open(os.path.join(project, ".programs"), "w").write("\n".join(programs) + "\n")
print(f"README.md: {len(code)} Swift examples -> {len(programs)} programs and {len(tests)} test file(s) in {project}")
PY

cd "$work/MyGraphs"
echo "── swift build --build-tests (a new package depending on ChainRule by path)"
"$swift" build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' | tail -5
mkdir -p "$work/run"
while read -r program; do
  [ -n "$program" ] || continue
  echo "── $program"
  (cd "$work/run" && "$work/MyGraphs/.build/debug/$program" | head -c 2000 | cut -c1-160 | head -12; echo)
done < .programs
if [ -d Tests ]; then
  echo "── swift test"
  "$swift" test --skip-build --disable-xctest 2>&1 | grep -E "passed|failed|error" | tail -4
fi
echo "OK: every Swift example of README.md built and ran unchanged in a new package that depends on ChainRule by path."
