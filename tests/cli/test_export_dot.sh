#!/bin/bash
# DOT export is accepted by Graphviz, and every node and edge is drawn.
source "$TOP/tests/cli/lib.sh"

expect_status 0 "$OSMOSIS" export "$GPIKV" --format dot -o g.dot
expect_status 0 dot -Tsvg g.dot -o g.svg
expect_status 0 "$OSMOSIS" info --json "$GPIKV"
nodes=$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["nodes"])')
edges=$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["edges"])')
expect_eq "$(grep -c 'class="node"' g.svg)" "$nodes" "nodes drawn"
expect_eq "$(grep -c 'class="edge"' g.svg)" "$edges" "edges drawn"

# Quotes, backslashes and label escapes in IDs do not break the syntax.
cat > odd.csv <<'CSV'
NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA
PD,"a ""q"" \",ROOT_TASK,,,,
RESOURCE_SPACE,s\nt,MO,,,,
,,NONE,HOLD,"a ""q"" \",s\nt,
CSV
expect_status 0 "$OSMOSIS" export odd.csv --format dot -o odd.dot
expect_status 0 dot -Tsvg odd.dot -o odd.svg
expect_eq "$(grep -c 'class="node"' odd.svg)" 2 "odd nodes drawn"
exit 0
