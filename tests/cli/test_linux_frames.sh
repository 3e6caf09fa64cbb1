#!/bin/bash
# The frames the model says two processes share (MOs both reach, --pages)
# equal the ground truth read straight from pagemap, and each has a
# kpagecount of at least 2.  Also: runs (without --pages) cover the same frames.
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

"$HELPERS/linux_share" pids &
LX_PIDS+=($!)
wait_file pids
read -r P C <pids
LX_PIDS+=("$C")

expect_status 0 "$OSMOSIS" extract linux --pid "$P,$C" --pages -o pages.csv
expect_status 0 "$OSMOSIS" check pages.csv
"$HELPERS/linux_pagemap_pfns" "$P" >truth_p || fail "pagemap of $P"
"$HELPERS/linux_pagemap_pfns" "$C" >truth_c || fail "pagemap of $C"
comm -12 truth_p truth_c >truth_shared
[ -s truth_shared ] || fail "ground truth: the two share no frame"

to_pfns() { sed 's/^MO_//' | while read -r h; do echo $((16#$h)); done | sort; }
reach pages.csv "PD_$P" ANY | to_pfns >model_p
reach pages.csv "PD_$C" ANY | to_pfns >model_c
comm -12 model_p model_c >model_shared
expect_eq "$(wc -l <model_shared)" "$(wc -l <truth_shared)" "number of shared frames"
cmp -s model_shared truth_shared || fail "shared frames differ: $(diff model_shared truth_shared | head)"
# every frame of the process is there too
cmp -s <(sort -u model_p) <(sort -u truth_p) || fail "frames of $P differ from pagemap"
"$HELPERS/linux_pagemap_pfns" -c 2 truth_shared || fail "kpagecount below 2 for a shared frame"

# runs of frames: the pages they cover are the same set
expect_status 0 "$OSMOSIS" extract linux --pid "$P,$C" -o runs.csv
expect_status 0 "$OSMOSIS" check runs.csv
covered() {
    reach runs.csv "$1" ANY | while read -r mo; do
        node_extra runs.csv "$mo" | awk -F, '{ split($7, a, "_"); print a[1], a[2] }'
    done | while read -r pa n; do
        pfn=$((pa / 4096)); for ((i = 0; i < n; i++)); do echo $((pfn + i)); done
    done | sort -u
}
covered "PD_$P" >runs_p
cmp -s runs_p <(sort -u truth_p) || fail "runs of $P do not cover exactly its frames"
echo ok
