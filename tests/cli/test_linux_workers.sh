#!/bin/bash
# Parallel gathering (OSMOSIS_LX_WORKERS) gives the very same bytes as the
# serial scan: on long-lived processes holding files, sockets, pipes and
# shared memory (frames too), with threads as PDs, in a second mount/pid
# namespace (a mount table of its own), and on a captured copy of /proc.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

# The unshared process first, so it usually has the lowest pid: its mount
# table is then the first one a --proc scan asks for (the host's).
lx_start_mix 40
pids="$S,$(cat held),$P,$C"

# extract NAME ARGS...: with 1 and with 4 workers; the two files must be equal.
extract() {
    local name=$1; shift
    OSMOSIS_LX_WORKERS=1 expect_status 0 "$OSMOSIS" extract linux "$@" -o "$name.1.csv"
    OSMOSIS_LX_WORKERS=4 expect_status 0 "$OSMOSIS" extract linux "$@" -o "$name.4.csv"
    [ "$(grep -o 'PD_[0-9]*' "$name.1.csv" | sort -u | wc -l)" -ge 44 ] ||
        fail "$name: processes missing"
    # a pool's current use (POOL_* "used=") is the live kernel's and moves
    # between two runs; everything else must be byte-identical
    sed -i 's/;used=[0-9]*//g' "$name.1.csv" "$name.4.csv"
    cmp -s "$name.1.csv" "$name.4.csv" ||
        fail "$name: 1 and 4 workers differ: $(diff "$name.1.csv" "$name.4.csv" | head -5)"
}
extract frames --pid "$pids"
grep -q '^RESOURCE,MO_' frames.1.csv || fail "no frames extracted"
extract nophys --pid "$pids" --no-phys
extract threads --pid "$pids" --threads --no-phys --format json

"$TOP/scripts/capture-proc.sh" cap ${pids//,/ } || fail "capture failed"
extract copy --proc cap --pid "$pids"
expect_status 0 "$OSMOSIS" check copy.4.csv

# a bad value is ignored (one thread per CPU), never an error
OSMOSIS_LX_WORKERS=zero expect_status 0 "$OSMOSIS" extract linux --pid "$pids" --no-phys -o bad.csv
sed -i 's/;used=[0-9]*//g' bad.csv
cmp -s bad.csv nophys.1.csv || fail "OSMOSIS_LX_WORKERS=zero changed the output"
echo ok
