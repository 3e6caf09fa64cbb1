#!/bin/bash
# Bad requests to `osmosis export` give a clear error, exit 2, and never
# leave a partial file behind.
source "$TOP/tests/cli/lib.sh"

expect_status 2 "$OSMOSIS" export "$GPIKV" --format xml -o x.xml
expect_contains "$err" "unknown format 'xml'"
expect_status 2 "$OSMOSIS" export "$GPIKV" -o x.json
expect_contains "$err" "--format is required"
expect_status 2 "$OSMOSIS" export missing.csv --format json -o x.json
expect_contains "$err" "missing.csv"
expect_status 2 "$OSMOSIS" export "$GPIKV" --format json -o /nonexistent/x.json
expect_contains "$err" "/nonexistent/x.json"
mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
    expect_status 2 "$OSMOSIS" export "$GPIKV" --format json -o ro/x.json
fi
# A write that fails mid-way (file size limit): the target keeps its old
# content and no temporary file is left.
echo old > kept.json
expect_status 2 bash -c 'trap "" XFSZ; ulimit -f 16; exec "$0" export "$1" --format graphml -o kept.json' \
    "$OSMOSIS" "$GPIKV"
expect_contains "$err" "cannot write kept.json"
# Standard output that cannot be written is an error too.
expect_status 2 bash -c 'exec "$0" export "$1" --format json > /dev/full' "$OSMOSIS" "$GPIKV"
expect_contains "$err" "stdout"
expect_eq "$(ls -A | grep -c '\.tmp\.')" 0 "temporary files left behind"
expect_eq "$(cat kept.json)" old
ls x.* 2>/dev/null && fail "partial output left: $(ls x.*)"
expect_status 0 "$OSMOSIS" export --help
expect_contains "$out" "neo4j"
exit 0
