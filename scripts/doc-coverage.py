#!/usr/bin/env python3
"""Documented / total public symbols per library module.

Reads the symbol graphs of `swift package dump-symbol-graph` (public symbols,
no synthesized members; a member implementing a protocol requirement counts
as documented through the requirement's documentation, as DocC shows it).
  scripts/doc-coverage.py [--list] [--require-all] [MODULE ...]
--list prints every undocumented symbol; --require-all exits 1 if any.
"""
import glob, json, os, subprocess, sys

LIBRARIES = ["ChainRule", "GraphScript", "ChainRuleRender", "ChainRuleLessons", "ChainRulePlayer", "ChainRuleExport"]

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    listing, strict = "--list" in sys.argv, "--require-all" in sys.argv
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(["swift", "package", "dump-symbol-graph", "--skip-synthesized-members"],
                         cwd=root, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stdout + out.stderr)
    folder = out.stdout.strip().splitlines()[-1].split(" to ")[-1]
    modules = args or [m for m in LIBRARIES if os.path.exists(os.path.join(folder, m + ".symbols.json"))]
    missing_total = 0
    print(f"{'module':<18} {'documented':>10} {'public':>7}")
    for module in modules:
        files = [os.path.join(folder, module + ".symbols.json")] + glob.glob(os.path.join(folder, module + "@*.symbols.json"))
        seen, undocumented = set(), []
        for f in files:
            for s in json.load(open(f))["symbols"]:
                key = s["identifier"]["precise"]
                if key in seen:
                    continue
                seen.add(key)
                doc = s.get("docComment", {}).get("lines", [])
                if not any(l.get("text", "").strip() for l in doc):
                    undocumented.append(".".join(s["pathComponents"]) + f"  ({s['kind']['displayName']})")
        print(f"{module:<18} {len(seen) - len(undocumented):>10} {len(seen):>7}")
        missing_total += len(undocumented)
        if listing:
            for u in sorted(undocumented):
                print("    undocumented:", u)
    if strict and missing_total:
        sys.exit(f"{missing_total} public symbols have no documentation comment")

main()
