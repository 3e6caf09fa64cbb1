#!/bin/bash
# csv -> json / graphml -> networkx: the same node and edge counts as
# `osmosis info --json` and the same attributes as the CSV export; output is
# byte-stable and independent of the order the input rows came in.
source "$TOP/tests/cli/lib.sh"
PY=/usr/bin/python3
CHECK="$PY $TOP/tests/cli/export_check.py"

for fmt in csv json graphml; do
    expect_status 0 "$OSMOSIS" export "$GPIKV" --format "$fmt" -o "g.$fmt"
done
expect_status 0 "$OSMOSIS" info --json "$GPIKV"
echo "$out" > info.json
expect_status 0 $CHECK nx g.csv info.json g.json g.graphml
expect_eq "$out" ok "networkx round trip of GPIKV001"

# Same state, rows shuffled (edges before the nodes they name): same bytes.
{ head -n 1 g.csv; tail -n +2 g.csv | shuf --random-source=<(yes); } > shuffled.csv
for fmt in json graphml dot; do
    expect_status 0 "$OSMOSIS" export shuffled.csv --format "$fmt" -o "s.$fmt"
    expect_status 0 "$OSMOSIS" export "$GPIKV" --format "$fmt" -o "g.$fmt"
    cmp -s "s.$fmt" "g.$fmt" || fail "$fmt export depends on the input row order"
done

# Names that need escaping in every format survive the round trip.
cat > odd.csv <<'CSV'
NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA
PD,root,ROOT_TASK,,,,
PD,"pd ""quoted"", <&>",APP,,,,"{'perms': 'R', 'pds': ['a']}"
RESOURCE_SPACE,sp\ace,FILE,,,,tab	here
RESOURCE,"file,1",FILE,,,,caf&eacute; ü
,,RW,HOLD,"pd ""quoted"", <&>","file,1",x
,,NONE,HOLD,root,sp\ace,
,,NONE,SUBSET,"file,1",sp\ace,
,,FILE,REQUEST,"pd ""quoted"", <&>",root,
,,FILE,REQUEST,"pd ""quoted"", <&>",root,second
CSV
for fmt in csv json graphml; do
    expect_status 0 "$OSMOSIS" export odd.csv --format "$fmt" -o "o.$fmt"
done
expect_status 0 "$OSMOSIS" info --json odd.csv
echo "$out" > oinfo.json
expect_status 0 $CHECK nx o.csv oinfo.json o.json o.graphml

# The checker itself notices a wrong attribute.
sed -e 's/"data":"APP"/"data":"APX"/' o.json > bad.json
expect_status 1 $CHECK nx o.csv oinfo.json bad.json o.graphml
expect_contains "$err" "node" "checker message"
exit 0
