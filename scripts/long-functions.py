#!/usr/bin/env python3
"""Lists the Swift functions (func, init, subscript, deinit, computed `var`) whose
body is longer than a limit (60 lines by default), longest first.

    scripts/long-functions.py [--limit N] [--all] [paths…]   (default: Sources)

A body is counted from the line of its declaration to the line of its closing
brace. Strings, comments and nested closures are understood well enough for
Swift as written here (multi-line and raw strings, interpolation).
`scripts/long-functions.allow` lists justified exceptions, one per line:
`path:name  reason`. Exit status 1 when a function over the limit is not
listed there (or with --all, never)."""
import os, re, sys

DECL = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|private|fileprivate|internal|open|static|class|final|override|mutating|nonmutating|nonisolated|convenience|required|indirect|lazy|dynamic)(?:\(set\))?\s+)*'
                  r'(func\s+([^\s(<]+)|init[?!]?\s*[(<]|deinit\b|subscript\s*[(<]|var\s+(\w+)\s*:[^=]*\{\s*$)')

def strip_code(lines):
    """Each line with strings and comments blanked, so only code braces remain."""
    out = []
    in_block = 0          # nesting depth of /* */
    in_multi = None       # closing delimiter of a multi-line string ('"""' or '"""#')
    interp = []           # stack: paren depth inside \( … ) of a string
    for raw in lines:
        s, i, res = raw, 0, []
        while i < len(s):
            c = s[i]
            if in_block:
                if s.startswith('*/', i): in_block -= 1; i += 2; continue
                if s.startswith('/*', i): in_block += 1; i += 2; continue
                i += 1; continue
            if in_multi:
                if s.startswith(in_multi, i): i += len(in_multi); in_multi = None; continue
                if s[i] == '\\' and in_multi == '"""' and s.startswith('\\(', i):
                    # interpolation in a multi-line string: skip to the matching paren
                    depth, j = 1, i + 2
                    while j < len(s) and depth:
                        depth += {'(': 1, ')': -1}.get(s[j], 0); j += 1
                    i = j; continue
                i += 2 if s[i] == '\\' else 1; continue
            if s.startswith('//', i): break
            if s.startswith('/*', i): in_block = 1; i += 2; continue
            m = re.match(r'(#*)"""', s[i:])
            if m:
                in_multi = '"""' + m.group(1); i += len(m.group(0)); res.append('""'); continue
            m = re.match(r'(#*)"', s[i:])
            if m:
                hashes = m.group(1); end = '"' + hashes; j = i + len(m.group(0))
                while j < len(s):
                    if s[j] == '\\' and not hashes:
                        if s.startswith('\\(', j):
                            depth, k = 1, j + 2
                            while k < len(s) and depth:
                                if s[k] == '"':   # a nested string inside interpolation
                                    k += 1
                                    while k < len(s) and s[k] != '"': k += 2 if s[k] == '\\' else 1
                                depth += {'(': 1, ')': -1}.get(s[k], 0) if k < len(s) else 0; k += 1
                            j = k; continue
                        j += 2; continue
                    if s.startswith(end, j): j += len(end); break
                    j += 1
                res.append('""'); i = j; continue
            res.append(c); i += 1
        out.append(''.join(res))
    return out

def functions(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    code = strip_code(lines)
    found = []
    for n, line in enumerate(code):
        m = DECL.match(line)
        if not m: continue
        if m.group(2): name = m.group(2)
        elif m.group(3): name = m.group(3)
        else: name = re.match(r'\s*\w+', m.group(1)).group(0).strip()
        # find the opening brace of the body (the declaration may span lines)
        depth, start, k, paren = 0, None, n, 0
        while k < len(code) and start is None:
            seg = code[k] if k != n else code[k][m.start(1):]
            for ch in seg:
                if ch in '([': paren += 1
                elif ch in ')]': paren -= 1
                elif ch == '{' and paren == 0: start = k; break
            if start is None:
                if k > n and re.search(r'^\s*(func|var|let|init|case|}|@)', code[k]) : break  # protocol requirement: no body
                k += 1
        if start is None: continue
        # count braces from the body's opening brace to its match
        depth, end, first = 0, None, True
        for k in range(start, len(code)):
            seg = code[k]
            if first:
                seg = seg[seg.index('{', (m.start(1) if k == n else 0)):]
                first = False
            for ch in seg:
                if ch == '{': depth += 1
                elif ch == '}':
                    depth -= 1
                    if depth == 0: end = k; break
            if end is not None: break
        if end is None: continue
        found.append((end - n + 1, path, n + 1, name))
    return found

def main(argv):
    limit, show_all, paths = 60, False, []
    it = iter(argv)
    for a in it:
        if a == '--limit': limit = int(next(it))
        elif a == '--all': show_all = True
        else: paths.append(a)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not paths: paths = [os.path.join(root, 'Sources')]
    allow = {}
    allow_file = os.path.join(root, 'scripts', 'long-functions.allow')
    if os.path.exists(allow_file):
        for line in open(allow_file, encoding='utf-8'):
            line = line.strip()
            if line and not line.startswith('#'):
                key, _, reason = line.partition(' ')
                allow[key] = reason.strip()
    results = []
    for p in paths:
        files = [p] if os.path.isfile(p) else [os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs if f.endswith('.swift')]
        for f in sorted(files):
            results += functions(f)
    results.sort(key=lambda r: (-r[0], r[1], r[2]))
    unexplained = 0
    for length, path, line, name in results:
        if length <= limit and not show_all: continue
        rel = os.path.relpath(path, root)
        key = f'{rel}:{name}'
        note = f'  (allowed: {allow[key]})' if key in allow else ''
        if length > limit and key not in allow: unexplained += 1
        print(f'{length:5d}  {rel}:{line}  {name}{note}')
    sys.stdout.flush()
    if not show_all:
        print(f'{unexplained} function(s) over {limit} lines not in scripts/long-functions.allow', file=sys.stderr)
    return 1 if unexplained and not show_all else 0

if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # `| head`
        sys.exit(0)
