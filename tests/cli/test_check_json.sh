#!/bin/bash
# check --json: violations name their node IDs, import problems their lines.
source "$TOP/tests/cli/lib.sh"
cd "$TMPDIR"
printf 'NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\nPD,A,ROOT_TASK,,,,\nRESOURCE,R,FILE,,,,\ngarbage line\n,,,HOLD,A,Z,\n' > bad.csv
"$OSMOSIS" check bad.csv --json > out.json 2>/dev/null
/usr/bin/python3 - out.json <<'PY' || fail "check --json content"
import json, sys
d = json.load(open(sys.argv[1]))
v = {x['rule']: x['nodes'] for x in d['violations']}
assert v[2] == ['R'] and v[3] == ['R'], v
lines = [(p['line'], p['severity']) for p in d['import_problems']]
assert lines == [(4, 'warning'), (5, 'warning')], lines
assert 'never declared' in d['import_problems'][1]['message']
PY
out=$("$OSMOSIS" check - --json < bad.csv 2>/dev/null)
expect_contains "$out" '"import_problems": null'
echo ok
