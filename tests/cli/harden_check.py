"""Brute force for `osmosis whatif` and `osmosis harden`: remove the cut from
the CSV file itself, re-run `osmosis tcb` / `osmosis ib` on what is left, and
compare with what the engine's cut masks answered.

usage: harden_check.py OSMOSIS FILE PD PROPERTY TMPDIR
Prints one line per check; exits 1 on the first disagreement.
"""
import csv, json, os, subprocess, sys

osmosis, path, x, prop, tmp = sys.argv[1:6]

rows = list(csv.reader(open(path, newline='')))
header, body = rows[0], rows[1:]
kind = {r[1]: r[0] for r in body if r[0]}
data = {r[1]: r[2] for r in body if r[0]}
# Import adds HOLD(RWT) ROOT_TASK -> every PD when a dump has no PD -> PD
# HOLD at all (docs/query.md); write those rows so cutting one sticks.
if not any(not r[0] and r[3] == 'HOLD' and kind.get(r[4]) == 'PD' and kind.get(r[5]) == 'PD'
           for r in body):
    roots = [n for n in kind if kind[n] == 'PD' and data[n] == 'ROOT_TASK']
    if roots:
        body += [['', '', 'RWT', 'HOLD', roots[0], n, ''] for n in kind
                 if kind[n] == 'PD' and n != roots[0]]
edges = [r for r in body if not r[0]]


def run(*args):
    p = subprocess.run([osmosis, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: osmosis %s exited %d: %s" % (' '.join(args), p.returncode, p.stderr))
    return json.loads(p.stdout)


def cut_rows(spec):
    """The CSV without what spec removes (the whatif syntax)."""
    k, arg = spec.split(':', 1)
    gone_nodes = set()
    keep_edge = lambda r: True
    if k == 'node':
        gone_nodes = {arg}
    elif k == 'type':
        gone_nodes = {n for n in kind if kind[n] != 'PD' and data[n] == arg}
    elif k == 'edge':
        a, b = arg.split('>')
        keep_edge = lambda r: not (r[4] == a and r[5] == b)
    elif k == 'control':
        a, _, b = arg.partition('>')
        keep_edge = lambda r: not (r[3] == 'HOLD' and r[4] == a and kind.get(r[5]) == 'PD'
                                   and (not b or r[5] == b))
    elif k == 'kind':
        keep_edge = lambda r: r[3] != arg
    out = [header]
    for r in body:
        if r[0]:
            if r[1] not in gone_nodes:
                out.append(r)
        elif r[4] not in gone_nodes and r[5] not in gone_nodes and keep_edge(r):
            out.append(r)
    return out


def query(verb, rowset):
    f = os.path.join(tmp, 'cut.csv')
    with open(f, 'w', newline='') as o:
        csv.writer(o, lineterminator='\n').writerows(rowset)
    return set(run(verb, f, x, '--property', prop, '--json')['result'])


base = query('tcb', [header] + body)
base_ib = query('ib', [header] + body)

# whatif: a few specs of every kind, after == brute force, before == base.
specs = []
res_nodes = sorted(n for n in kind if kind[n] != 'PD')
specs += ['node:' + n for n in res_nodes[::max(1, len(res_nodes) // 6)]]
specs += ['type:' + t for t in sorted({data[n] for n in res_nodes})]
specs += ['kind:' + k for k in ('HOLD', 'MAP', 'SUBSET', 'REQUEST')]
pds = sorted(n for n in kind if kind[n] == 'PD')
specs += ['control:' + p for p in pds[:3]]
specs += ['edge:%s>%s' % (r[4], r[5]) for r in edges[::max(1, len(edges) // 8)]]
for spec in specs:
    if spec == 'node:' + x:
        continue
    w = run('whatif', path, x, '--cut', spec, '--property', prop, '--json')['result'][prop]
    want_t, want_i = query('tcb', cut_rows(spec)), query('ib', cut_rows(spec))
    if set(w['tcb']['before']) != base or set(w['ib']['before']) != base_ib:
        sys.exit("FAIL: whatif %s: 'before' differs from tcb/ib" % spec)
    if set(w['tcb']['after']) != want_t or set(w['ib']['after']) != want_i:
        sys.exit("FAIL: whatif %s: tcb after %s, brute force %s; ib after %s, brute force %s"
                 % (spec, sorted(w['tcb']['after']), sorted(want_t), sorted(w['ib']['after']),
                    sorted(want_i)))
    if set(w['tcb']['removed']) != base - want_t:
        sys.exit("FAIL: whatif %s: removed list" % spec)
print("whatif agrees with remove-and-requery on %d cuts" % len(specs))

# harden: every single cut harden could name, removed by hand.
h = run('harden', path, x, '--top', '0', '--property', prop, '--json')
got = {e['cut']: set(e['removes']) for e in h['result']}
counts = [e['count'] for e in h['result']]
if counts != sorted(counts, reverse=True) or any(len(got[c]) != n for c, n in
                                                 zip(got, counts)):
    sys.exit("FAIL: harden ranking not sorted by count: %s" % counts)
if h['tcb_size'] != len(base):
    sys.exit("FAIL: harden tcb_size %d, tcb %d" % (h['tcb_size'], len(base)))
cands = {'node:' + n for n in res_nodes}
pd_pair_hold = set()
for r in edges:
    a, b = r[4], r[5]
    if kind.get(a) == 'PD' and kind.get(b) == 'PD' and r[3] == 'HOLD':
        cands.add('control:%s>%s' % (a, b))
        pd_pair_hold.add((a, b))
    cands.add('edge:%s>%s' % (a, b))
# Every cut harden names is re-checked; of the others (does harden miss
# one?) an even sample of at most 60, so that the real dump (thousands of
# candidates, one osmosis run each) stays within a test's time under ASan.
named = sorted(c for c in cands if c in got)
others = sorted(cands - set(got))
sample = others[::max(1, len(others) // 60)]
checked = 0
for spec in named + sample:
    gone = base - query('tcb', cut_rows(spec))
    checked += 1
    if spec in got:
        if got[spec] != gone:
            sys.exit("FAIL: harden %s removes %s, brute force %s" % (spec, sorted(got[spec]),
                                                                    sorted(gone)))
        continue
    if not gone:
        continue
    # harden names a PD->PD HOLD as control:A>B; edge:A>B of such a pair
    # (which also drops a REQUEST A->B) is a different, bigger cut.
    a, _, b = spec[5:].partition('>')
    if spec.startswith('edge:') and (a, b) in pd_pair_hold:
        continue
    sys.exit("FAIL: %s removes %s but harden does not list it" % (spec, sorted(gone)))
print("harden agrees with remove-and-requery on %d single cuts (%d remove some; %d of %d "
      "others sampled)" % (checked, len(got), len(sample), len(others)))

# The minimum cuts harden reports really take the member out.
for m in sorted(base)[:4]:
    mc = run('harden', path, x, '--member', m, '--top', '1', '--property', prop,
             '--json')['min_cuts'][0]
    rowset = [header] + body
    for spec in mc['cuts']:
        body_saved = body
        body = rowset[1:]
        rowset = cut_rows(spec)
        body = body_saved
    after = query('tcb', rowset)
    if m in after or not mc['in_tcb']:
        sys.exit("FAIL: min cut %s does not remove %s" % (mc['cuts'], m))
print("min cuts remove their member")
