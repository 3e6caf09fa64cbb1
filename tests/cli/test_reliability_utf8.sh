#!/bin/bash
# A name that is not UTF-8 (docs/format.md, "Text that is not UTF-8"):
# import warns with file:line and keeps it; JSON, GraphML, Neo4j CSV, DOT
# and the HTML report stay valid UTF-8 / XML, writing each stray byte as the
# text \xNN (a backslash that would read as one as \x5c), so decoding the
# escapes gives the original bytes back.
source "$TOP/tests/cli/lib.sh"
# Graphviz and the font stack keep per-process caches that LeakSanitizer
# would report under the ASan build; tests/cli/graphviz.supp names them.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/cli/graphviz.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# PD name: "caf" 0xE9 (Latin-1 e-acute), a literal "\x41", a valid "é", 0xFF
printf 'NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n' >bad.csv
printf 'PD,PD_caf\xe9,caf\xe9 \\x41 \xc3\xa9\xff,,,,\n' >>bad.csv
printf 'RESOURCE,FILE_1,FILE,,,,\n' >>bad.csv
printf ',,,HOLD,PD_caf\xe9,FILE_1,\n' >>bad.csv

expect_status 0 "$OSMOSIS" import bad.csv -o round.csv
expect_contains "$err" "bad.csv:2: warning: NODE_ID is not valid UTF-8 (byte 7 of the field is 0xe9)"
expect_contains "$err" "bad.csv:4: warning: EDGE_FROM is not valid UTF-8"
cmp <(grep -a '^PD' bad.csv) <(grep -a '^PD' round.csv) || fail "CSV does not keep the bytes"

expect_status 0 "$OSMOSIS" export bad.csv --format json -o out.json
expect_status 0 "$OSMOSIS" export bad.csv --format graphml -o out.graphml
expect_status 0 "$OSMOSIS" export bad.csv --format dot -o out.dot
expect_status 0 "$OSMOSIS" export bad.csv --format neo4j -o neo
expect_status 0 "$OSMOSIS" report bad.csv -o out.html

python3 - <<'PY' || fail "exports are not valid or not lossless"
import json, re, xml.etree.ElementTree as ET
want_id = b'PD_caf\xe9'
want_name = b'caf\xe9 \\x41 \xc3\xa9\xff'
def unescape(s):
    """Undo the \\xNN scheme: back to the original bytes."""
    out, b, i = bytearray(), s.encode('utf-8'), 0
    while i < len(b):
        m = re.match(rb'\\x([0-9a-f]{2})', b[i:i + 4])
        if m:
            out.append(int(m.group(1), 16)); i += 4
        else:
            out.append(b[i]); i += 1
    return bytes(out)
g = json.load(open('out.json', encoding='utf-8'))
pd = [n for n in g['nodes'] if unescape(n['id']) == want_id]
assert pd, [n['id'] for n in g['nodes']]
assert pd[0]['id'] == 'PD_caf\\xe9', pd[0]['id']
name = [v for k, v in pd[0].items() if isinstance(v, str) and 'caf' in v and k != 'id']
assert name and unescape(name[0]) == want_name, name
assert any(unescape(l['source']) == want_id for l in g['links'])
root = ET.parse('out.graphml').getroot()   # expat: fails on invalid UTF-8
texts = [e.text for e in root.iter() if e.text]
ids = [e.get('id') for e in root.iter() if e.get('id')]
assert any(unescape(i) == want_id for i in ids), ids
assert any(unescape(t) == want_name for t in texts), texts
for f in ('out.dot', 'neo/nodes.csv', 'neo/relationships.csv', 'out.html'):
    open(f, 'rb').read().decode('utf-8')     # strict: raises on a stray byte
assert 'PD_caf\\xe9' in open('neo/nodes.csv', encoding='utf-8').read()
PY
echo ok
