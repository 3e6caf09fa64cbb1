#!/bin/bash
# The neo4j folder: headers in the documented `neo4j-admin database import`
# syntax, the same nodes and relationships as the state, and a load.cypher
# building the graph the original CellulOS scripts built.
source "$TOP/tests/cli/lib.sh"
CHECK="/usr/bin/python3 $TOP/tests/cli/export_check.py"

expect_status 0 "$OSMOSIS" export "$GPIKV" --format csv -o g.csv
expect_status 0 "$OSMOSIS" export "$GPIKV" --format neo4j -o neo
[ -f neo/nodes.csv ] && [ -f neo/relationships.csv ] && [ -f neo/load.cypher ] || fail "files missing: $(ls neo)"
expect_eq "$(head -n 1 neo/nodes.csv)" "ID:ID,:LABEL,NODE_TYPE,DATA,EXTRA,pages:long" "nodes.csv header"
expect_eq "$(head -n 1 neo/relationships.csv)" ":START_ID,:END_ID,:TYPE,DATA,perms:string[],EXTRA" \
    "relationships.csv header"
expect_status 0 $CHECK neo4j neo g.csv
grep -q '^PD_1,PD,PD,GPIKV001,0,$' neo/nodes.csv || fail "PD_1 row not as the original import made it"
for t in PD RESOURCE RESOURCE_SPACE; do
    expect_contains "$(cat neo/load.cypher)" "CREATE (:$t {ID: row.\`ID:ID\`" "load.cypher"
done
for t in HOLD MAP SUBSET REQUEST CREATEDBY; do
    expect_contains "$(cat neo/load.cypher)" "CREATE (a)-[:$t {DATA: row.DATA" "load.cypher"
done

# The checker rejects headers outside the documented syntax.
mkdir bad && cp neo/* bad/
sed -i '1s/.*/ID:ID,:LABELS,NODE_TYPE,DATA,EXTRA,pages:long/' bad/nodes.csv
expect_status 1 $CHECK neo4j bad g.csv
expect_contains "$err" "unknown field type 'LABELS'"
cp neo/nodes.csv bad/ && sed -i '1s/:END_ID,//; 1s/:START_ID/:START_ID,:START_ID/' bad/relationships.csv
expect_status 1 $CHECK neo4j bad g.csv
expect_contains "$err" "exactly one :START_ID"

# Exporting again replaces a previous export; anything else is refused.
expect_status 0 "$OSMOSIS" export "$GPIKV" --format neo4j -o neo
mkdir mine && echo keep > mine/notes.txt
expect_status 2 "$OSMOSIS" export "$GPIKV" --format neo4j -o mine
expect_contains "$err" "not a neo4j export"
expect_eq "$(cat mine/notes.txt)" keep
# DIR/ names the same folder as DIR, new or existing and empty (README tour).
expect_status 0 "$OSMOSIS" export "$GPIKV" --format neo4j -o slash/
expect_status 0 $CHECK neo4j slash g.csv
mkdir empty
expect_status 0 "$OSMOSIS" export "$GPIKV" --format neo4j -o empty/
expect_status 0 $CHECK neo4j empty g.csv
expect_status 0 "$OSMOSIS" export "$GPIKV" --format neo4j -o empty//
expect_status 2 "$OSMOSIS" export "$GPIKV" --format neo4j -o mine/
expect_contains "$err" "not a neo4j export"
expect_status 2 "$OSMOSIS" export "$GPIKV" --format neo4j
expect_contains "$err" "-o DIR"
expect_status 2 "$OSMOSIS" export "$GPIKV" --format neo4j -o /nonexistent/neo
expect_contains "$err" "/nonexistent/neo"
leftovers=$(ls -A | grep -c 'tmp\|old' || true)
expect_eq "$leftovers" 0 "temporary folders left behind"
exit 0
