#!/usr/bin/env python3
"""Check the layering rules of docs/architecture.md against the code.

Reads every `#include "..."` under src/ (resolved against the including
file's folder, then include/ and src/, as the Makefile's -I flags do) and
fails (exit 1) with one line per broken rule:

  * a folder includes from a folder it may not (the table RULES below,
    which docs/architecture.md states in words);
  * two folders include each other, directly or through others (a circle);
  * a top-level folder of src/ holds more than MAX_SIDE_BY_SIDE source
    files side by side.

`scripts/check_layout.py --graph` prints the folder graph instead.
Python, not C: it is a build-time check over the tree, like the other
scripts/, and needs nothing but the standard library.
"""
import os
import re
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
MAX_SIDE_BY_SIDE = 15
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

# folder prefix -> prefixes it may never include from (besides itself).
LIBOSMOSIS = ('src/model', 'src/query', 'src/format')
ROOT_TASK = ('src/cellulos/root', 'src/cellulos/proto', 'src/cellulos/platform')
ABOVE_LIB = ('src/cellulos', 'src/extract', 'src/scenarios', 'src/compare', 'src/cli',
             'src/report')
RULES = [(p, ABOVE_LIB, 'libosmosis') for p in LIBOSMOSIS] + [
    (p, ('src/scenarios', 'src/compare', 'src/cli', 'src/extract', 'src/report'),
     'the root task') for p in ROOT_TASK] + [
    ('src/cellulos/lib', ('src/cellulos/root', 'src/scenarios', 'src/compare', 'src/cli',
                          'src/extract', 'src/report'), 'libcellulos (PD side)'),
    ('src/extract', ('src/cellulos', 'src/scenarios', 'src/compare', 'src/cli', 'src/report'),
     'an extractor'),
    ('src/report', ('src/cellulos', 'src/extract', 'src/scenarios', 'src/compare', 'src/cli'),
     'the report'),
    ('src/scenarios', ('src/compare', 'src/cli'), 'a scenario'),
    ('src/compare', ('src/cli',), 'the comparison'),
]


def under(path, prefix):
    return path == prefix or path.startswith(prefix + '/')


def sources():
    for d, _, files in os.walk(os.path.join(TOP, 'src')):
        for f in sorted(files):
            if f.endswith(('.c', '.h')):
                yield os.path.relpath(os.path.join(d, f), TOP)


def resolve(src, name):
    for base in (os.path.dirname(src), 'include', 'src'):
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(TOP, p)):
            return p
    return None


def folder_graph():
    """{folder: {folder: [(file, included file)]}} over src/ and include/."""
    g = {}
    for f in sources():
        with open(os.path.join(TOP, f), encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        a = os.path.dirname(f)
        g.setdefault(a, {})
        for name in INCLUDE.findall(text):
            t = resolve(f, name)
            if t and os.path.dirname(t) != a:
                g[a].setdefault(os.path.dirname(t), []).append((f, t))
    return g


def circles(g):
    """Strongly connected sets of more than one folder (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def main():
    g = folder_graph()
    if '--graph' in sys.argv[1:]:
        for a in sorted(g):
            for b in sorted(g[a]):
                print(f'{a} -> {b} ({len(g[a][b])})')
        return 0
    problems = []
    for a in sorted(g):
        for b in sorted(g[a]):
            for prefix, banned, who in RULES:
                if under(a, prefix) and any(under(b, x) and not under(b, prefix) for x in banned):
                    f, t = g[a][b][0]
                    problems.append(f'{f}: {who} ({prefix}) may not include {t}')
    for comp in circles(g):
        problems.append('include circle between folders: ' + ' -> '.join(comp))
    for d in sorted(os.listdir(os.path.join(TOP, 'src'))):
        p = os.path.join(TOP, 'src', d)
        if os.path.isdir(p):
            n = sum(1 for f in os.listdir(p) if f.endswith(('.c', '.h')))
            if n > MAX_SIDE_BY_SIDE:
                problems.append(f'src/{d}: {n} source files side by side '
                                f'(at most {MAX_SIDE_BY_SIDE}: split it by role)')
    for line in problems:
        print('layout: ' + line)
    if problems:
        print(f'layout: {len(problems)} problem(s); the rules are docs/architecture.md')
        return 1
    print('layout: ok (docs/architecture.md)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
