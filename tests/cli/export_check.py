#!/usr/bin/python3
"""Checks for the export tests (run with /usr/bin/python3, which has networkx).

  export_check.py nx STATE.csv INFO.json OUT.json OUT.graphml
      networkx reads OUT.json (node-link) and OUT.graphml back; both must have
      the node and edge counts of `osmosis info --json` and, node by node and
      edge by edge, the attributes of STATE.csv (an `osmosis export --format
      csv` of the same state).
  export_check.py neo4j DIR STATE.csv
      DIR/nodes.csv and DIR/relationships.csv follow the header syntax of
      `neo4j-admin database import` (Neo4j Operations Manual, "Import header
      format") and hold exactly the nodes and edges of STATE.csv.
Exits 1 with a message on the first mismatch.
"""
import collections
import csv
import json
import re
import sys


def fail(msg):
    sys.exit("export_check: " + msg)


def read_state(path):
    """Nodes {id: (kind, data, extra)} and a multiset of edges from a CellulOS CSV."""
    nodes, edges = {}, collections.Counter()
    with open(path, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for r in rows:
            if r[0]:
                nodes[r[1]] = (r[0], r[2], r[6])
            else:
                edges[(r[4], r[5], r[3], r[2], r[6])] += 1
    return nodes, edges


def perms_of(kind, data):
    return data if kind in ("HOLD", "MAP") and data != "NONE" else ""


def check_graph(name, g, info, nodes, edges):
    total = info["total"]
    if g.number_of_nodes() != total["nodes"] or g.number_of_edges() != total["edges"]:
        fail(f"{name}: {g.number_of_nodes()} nodes / {g.number_of_edges()} edges, "
             f"info says {total['nodes']} / {total['edges']}")
    if not g.is_directed() or not g.is_multigraph():
        fail(f"{name}: not a directed multigraph")
    kinds = collections.Counter(d.get("type", "") for _, d in g.nodes(data=True))
    if dict(kinds) != {k: v for k, v in total["by_kind"].items() if v}:
        fail(f"{name}: node kinds {dict(kinds)} != {total['by_kind']}")
    ekinds = collections.Counter(d.get("type", "") for _, _, d in g.edges(data=True))
    if dict(ekinds) != {k: v for k, v in total["by_edge_kind"].items() if v}:
        fail(f"{name}: edge kinds {dict(ekinds)} != {total['by_edge_kind']}")
    for n, d in g.nodes(data=True):
        got = (d.get("type", ""), d.get("data", ""), d.get("extra", ""))
        if nodes.get(n) != got:
            fail(f"{name}: node {n!r} has {got}, state has {nodes.get(n)}")
    seen = collections.Counter()
    for u, v, d in g.edges(data=True):
        kind, data = d.get("type", ""), d.get("data", "")
        if d.get("perms", "") != perms_of(kind, data):
            fail(f"{name}: edge {u}->{v} {kind} perms {d.get('perms')!r} vs data {data!r}")
        seen[(u, v, kind, data, d.get("extra", ""))] += 1
    if seen != edges:
        diff = list((seen - edges).items())[:3] + list((edges - seen).items())[:3]
        fail(f"{name}: edges differ from the state, e.g. {diff}")


def cmd_nx(state, info_path, json_path, graphml_path):
    import networkx as nx
    nodes, edges = read_state(state)
    with open(info_path) as f:
        info = json.load(f)
    with open(json_path) as f:
        check_graph("json", nx.node_link_graph(json.load(f)), info, nodes, edges)
    check_graph("graphml", nx.read_graphml(graphml_path, force_multigraph=True), info, nodes, edges)


# Header field: <name>:<field_type>, or a bare property name (a string).
SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}
DATA_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char",
              "string", "point", "date", "localtime", "time", "localdatetime",
              "datetime", "duration"}
FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?P<arr>\[\])?"
                   r"(?:\((?P<group>[^)]*)\))?)?$")


def parse_header(path, fields):
    """The field types of a header line, checked against the documented syntax."""
    types = []
    for f in fields:
        m = FIELD.match(f)
        if not m:
            fail(f"{path}: header field {f!r} is not <name>:<field_type>")
        t = m.group("type")
        if t is None:
            if not m.group("name"):
                fail(f"{path}: empty header field")
            types.append("string")
        elif t in SPECIAL:
            if m.group("arr"):
                fail(f"{path}: {f!r}: {t} cannot be an array")
            if t not in ("ID", "START_ID", "END_ID") and m.group("group"):
                fail(f"{path}: {f!r}: only IDs take an ID space")
            types.append(t)
        elif t.lower() in DATA_TYPES:
            if not m.group("name"):
                fail(f"{path}: property field {f!r} has no name")
            types.append(t.lower() + ("[]" if m.group("arr") else ""))
        else:
            fail(f"{path}: {f!r}: unknown field type {t!r}")
    return types


def check_value(path, line, t, v):
    if not v:
        return      # an empty field is an absent property
    base = t[:-2] if t.endswith("[]") else t
    values = v.split(";") if t.endswith("[]") else [v]
    for x in values:
        if base in ("int", "long", "short", "byte") and not re.fullmatch(r"-?\d+", x):
            fail(f"{path}:{line}: {x!r} is not a {base}")


def read_neo4j(path, required):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    types = parse_header(path, rows[0])
    for t in required:
        if types.count(t) != 1:
            fail(f"{path}: header needs exactly one :{t} field, has {types.count(t)}")
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(types):
            fail(f"{path}:{i}: {len(r)} fields, header has {len(types)}")
        for t, v in zip(types, r):
            check_value(path, i, t, v)
    return rows[0], rows[1:]


def cmd_neo4j(folder, state):
    nodes, edges = read_state(state)
    hdr, rows = read_neo4j(f"{folder}/nodes.csv", ["ID", "LABEL"])
    col = {h: i for i, h in enumerate(hdr)}
    got = {}
    for r in rows:
        nid, label = r[col["ID:ID"]], r[col[":LABEL"]]
        if label not in ("PD", "RESOURCE", "RESOURCE_SPACE"):
            fail(f"nodes.csv: {nid}: label {label!r}")
        if nid in got:
            fail(f"nodes.csv: duplicate ID {nid!r}")
        extra = r[col["EXTRA"]]
        got[nid] = (label, r[col["DATA"]], "" if extra == "0" else extra)
    want = {k: (v[0], v[1], "" if v[2] == "0" else v[2]) for k, v in nodes.items()}
    if got != want:
        fail("nodes.csv: nodes differ from the state")
    hdr, rows = read_neo4j(f"{folder}/relationships.csv", ["START_ID", "END_ID", "TYPE"])
    col = {h: i for i, h in enumerate(hdr)}
    seen = collections.Counter()
    for r in rows:
        a, b, t = r[col[":START_ID"]], r[col[":END_ID"]], r[col[":TYPE"]]
        if a not in got or b not in got:
            fail(f"relationships.csv: {a}->{b} names a node not in nodes.csv")
        if t not in ("HOLD", "MAP", "SUBSET", "REQUEST", "CREATEDBY"):
            fail(f"relationships.csv: type {t!r}")
        perms = r[col["perms:string[]"]]
        if t in ("HOLD", "MAP") and not re.fullmatch(r"[RWXT](;[RWXT])*", perms):
            fail(f"relationships.csv: {a}->{b} {t}: perms {perms!r}")
        seen[(a, b, t, r[col["DATA"]], r[col["EXTRA"]])] += 1
    if seen != edges:
        fail("relationships.csv: relationships differ from the state")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "nx":
        cmd_nx(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "neo4j":
        cmd_neo4j(*sys.argv[2:])
    else:
        sys.exit(__doc__)
    print("ok")
