#!/bin/bash
# --proc DIR on a captured copy (scripts/capture-proc.sh) gives the same
# processes, descriptors, mappings and namespaces as the live extraction
# (without frames, which cannot be captured).
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

"$HELPERS/linux_share" pids &
LX_PIDS+=($!)
wait_file pids
read -r P C <pids
LX_PIDS+=("$C")
"$TOP/scripts/capture-proc.sh" cap "$P" "$C" || fail "capture failed"
[ -s "cap/$P/maps" ] || fail "capture has no maps"

expect_status 0 "$OSMOSIS" extract linux --pid "$P,$C" --no-phys -o live.csv
expect_status 0 "$OSMOSIS" extract linux --proc cap --pid "$P,$C" -o copy.csv
expect_status 0 "$OSMOSIS" check copy.csv
nodes() { grep -E '^(PD|RESOURCE|RESOURCE_SPACE),' "$1" | grep -v -E '^(RESOURCE_SPACE|RESOURCE),(CG_|POOL_)' | cut -d, -f1-3 | sort; }
diff <(nodes live.csv) <(nodes copy.csv) >nodes.diff || fail "nodes differ: $(head nodes.diff)"
edges() { grep '^,,' "$1" | grep -v -E ',(CG_|POOL_)' | sort; }
diff <(edges live.csv) <(edges copy.csv) >edges.diff || fail "edges differ: $(head edges.diff)"

# a missing directory is a clear error
expect_status 2 "$OSMOSIS" extract linux --proc /nonexistent/proc
expect_contains "$err" "/nonexistent/proc"
expect_status 2 "$OSMOSIS" extract linux --pid 1,x
expect_status 2 "$OSMOSIS" extract nosuchkind
echo ok
