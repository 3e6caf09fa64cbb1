"""The same queries written with networkx, the original tool's library.

usage: nx_bench.py FILE PD_X PD_Y  -> prints RESULT edges=.. tcb=.. all=.. pair=..
and the TCB of PD_X as JSON (checked against osmosis by run.sh).
Semantics follow MODEL.md §3-5 as docs/query.md reads them; written the
plain networkx way (per-PD walks, set intersections per pair).
"""
import csv, json, sys, time
from collections import deque
import networkx as nx

def load(path):
    g = nx.MultiDiGraph()
    with open(path, newline='') as f:
        for row in csv.reader(f):
            if len(row) < 7 or row[0] == 'NODE_TYPE':
                continue
            if row[0]:
                g.add_node(row[1], kind=row[0], data=row[2], extra=row[6])
            else:
                perms = '' if row[2] in ('', 'NONE') else row[2]
                g.add_edge(row[4], row[5], kind=row[3], perms=perms, rtype=row[2])
    return g

def ok(perms, mode):
    p = set(perms) & set('RWXT')
    return not mode or not p or set(mode) <= p

def reach(g, p, mode='', maxd=None):
    seen, q = {p: 0}, deque([p])
    while q:
        u = q.popleft()
        if u != p and g.nodes[u]['kind'] == 'PD':
            continue
        if maxd is not None and seen[u] >= maxd:
            continue
        for _, v, a in g.out_edges(u, data=True):
            if a['kind'] in ('HOLD', 'MAP') and ok(a['perms'], mode) and v not in seen:
                seen[v] = seen[u] + 1
                q.append(v)
    del seen[p]
    return seen

def resources(g, p):
    return {v for v in reach(g, p) if g.nodes[v]['kind'] == 'RESOURCE'}

def spaces(g, p, res):
    s = {v for r in res for _, v, a in g.out_edges(r, data=True) if a['kind'] == 'SUBSET'}
    s |= {v for _, v, a in g.out_edges(p, data=True)
          if a['kind'] == 'HOLD' and g.nodes[v]['kind'] == 'RESOURCE_SPACE'}
    return s

def holders(g, s):
    return {u for u, _, a in g.in_edges(s, data=True) if a['kind'] == 'HOLD' and g.nodes[u]['kind'] == 'PD'}

def tcb(g, x, pds, R, S, maps, reqg, ctl):
    out = {p for p in pds if p != x and (R[x] & R[p] or S[x] & S[p])}
    for s in S[x]:
        out |= holders(g, s)
    out |= set(reqg.successors(x)) if x in reqg else set()
    for s in S[x]:
        if s in maps:
            for t in nx.descendants(maps, s):
                out |= holders(g, t)
    if x in reqg:
        for n1 in reqg.successors(x):
            out |= nx.descendants(reqg, n1) | ({n1} if nx.has_path(reqg, n1, n1) and reqg.has_edge(n1, n1) else set())
    if x in ctl:    # control chains: the edge into x any, every earlier one W
        last = set(ctl.predecessors(x))
        out |= last
        for q in last:
            if q in ctlw:
                out |= nx.ancestors(ctlw, q)
    out.discard(x)
    return out

def main():
    path, x, y = sys.argv[1:4]
    g = load(path)
    pds = [n for n, a in g.nodes(data=True) if a['kind'] == 'PD']
    maps = nx.DiGraph([(u, v) for u, v, a in g.edges(data=True) if a['kind'] == 'MAP'
                       and g.nodes[u]['kind'] == 'RESOURCE_SPACE' and g.nodes[v]['kind'] == 'RESOURCE_SPACE'])
    reqg = nx.DiGraph([(u, v) for u, v, a in g.edges(data=True) if a['kind'] == 'REQUEST'])
    ctl = nx.DiGraph([(u, v) for u, v, a in g.edges(data=True) if a['kind'] == 'HOLD'
                      and g.nodes[u]['kind'] == 'PD' and g.nodes[v]['kind'] == 'PD'])
    global ctlw
    ctlw = nx.DiGraph([(u, v) for u, v, a in g.edges(data=True) if a['kind'] == 'HOLD'
                       and g.nodes[u]['kind'] == 'PD' and g.nodes[v]['kind'] == 'PD'
                       and ok(a['perms'], 'W')])
    t0 = time.perf_counter()
    R = {p: resources(g, p) for p in pds}          # one walk per PD for x's answer
    S = {p: spaces(g, p, R[p]) for p in pds}
    one = tcb(g, x, pds, R, S, maps, reqg, ctl)
    t_tcb = time.perf_counter() - t0
    t0 = time.perf_counter()
    R = {p: resources(g, p) for p in pds}
    S = {p: spaces(g, p, R[p]) for p in pds}
    allt = {p: tcb(g, p, pds, R, S, maps, reqg, ctl) for p in pds}
    ib = {p: {q for q in pds if p in allt[q]} for p in pds}
    t_all = time.perf_counter() - t0
    t0 = time.perf_counter()
    a, b = reach(g, x, maxd=4), reach(g, y, maxd=4)
    rsi = {}
    for v in set(a) | set(b):
        n = g.nodes[v]
        if n['kind'] != 'RESOURCE':
            continue
        w = int(n['extra'].split('_')[-2]) if n['data'] == 'MO' and n['extra'] else 1
        i, u = rsi.get(n['data'], (0, 0))
        rsi[n['data']] = (i + (w if v in a and v in b else 0), u + w)
    t_pair = time.perf_counter() - t0   # FR is not timed on the networkx side
    print(json.dumps(sorted(one)))
    print("RESULT edges=%d tcb=%.6f all=%.6f pair=%.6f" % (g.number_of_edges(), t_tcb, t_all, t_pair))
    del ib

main()
