#!/usr/bin/python3
"""Check the DOM Chromium rendered from an osmosis report (--dump-dom).

  report_dom_check.py DOM.html PD TCB.json IB.json
      The section of PD lists, in its TCB and impact-boundary tables, exactly
      the members `osmosis tcb/ib --json` return; the section holds an inline
      SVG picture with drawn nodes, one of them PD itself (SVG <title>).
Exits 1 with a message on the first mismatch; prints "ok".
"""
import json
import sys
from html.parser import HTMLParser


class Section(HTMLParser):
    """Collects, inside <section id="pd-ANCHOR">, the PD IDs in the first
    column of each table and the SVG's node titles."""

    def __init__(self, anchor):
        super().__init__()
        self.anchor, self.depth, self.inside = anchor, 0, False
        self.tables, self.svg_nodes, self.svgs = [], [], 0
        self.in_first_td = self.in_title = self.in_node = False
        self.col = 0
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("id") == "pd-" + self.anchor:
            self.inside, self.depth = True, 0
        if not self.inside:
            return
        if tag == "section":
            self.depth += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.col = 0
        elif tag == "td":
            self.col += 1
            self.in_first_td = self.col == 1
            self.text = ""
        elif tag == "svg":
            self.svgs += 1
        elif tag == "g" and a.get("class") == "node":
            self.in_node = True
        elif tag == "title" and self.in_node:
            self.in_title, self.text = True, ""

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "section":
            self.depth -= 1
            self.inside = self.depth > 0
        elif tag == "td" and self.in_first_td:
            self.tables[-1].append(self.text.split()[0])
            self.in_first_td = False
        elif tag == "title" and self.in_title:
            self.svg_nodes.append(self.text)
            self.in_title = self.in_node = False

    def handle_data(self, data):
        if self.in_first_td or self.in_title:
            self.text += data


def main(dom, pd, tcb_json, ib_json):
    p = Section("".join(c if c.isalnum() or c in "-." else "_%02x" % ord(c) for c in pd))
    with open(dom) as f:
        p.feed(f.read())
    if len(p.tables) < 2:
        sys.exit(f"report_dom_check: section of {pd} has {len(p.tables)} member tables")
    for name, path, got in (("TCB", tcb_json, p.tables[0]), ("IB", ib_json, p.tables[1])):
        with open(path) as f:
            want = json.load(f)["result"]
        # The TCB table is ranked by way in, not by ID: compare as sets.
        if sorted(got) != sorted(want) or len(set(got)) != len(got):
            sys.exit(f"report_dom_check: {name} of {pd}: page lists {got}, query says {want}")
    if p.svgs != 1 or len(p.svg_nodes) < 2:
        sys.exit(f"report_dom_check: {pd}: {p.svgs} SVG, {len(p.svg_nodes)} drawn nodes")
    if pd not in p.svg_nodes:
        sys.exit(f"report_dom_check: {pd} is not drawn in its own picture: {p.svg_nodes}")
    print("ok", len(p.svg_nodes))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
