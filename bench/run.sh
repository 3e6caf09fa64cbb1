#!/bin/bash
# `make bench`: run every bench/*/run.sh in order.  Each prints its own
# numbers and ratios against the baseline it measures in the same run.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP BUILD=${BUILD:-build} SHARED=${SHARED:-$TOP/../shared}
case "$BUILD" in /*) ;; *) BUILD="$TOP/$BUILD";; esac
export OSMOSIS="$BUILD/bin/osmosis" CELLULOS="$BUILD/bin/cellulos"
status=0
for b in "$TOP"/bench/*/run.sh; do
    [ -f "$b" ] || continue
    echo "== bench $(basename "$(dirname "$b")")"
    bash "$b" || status=1
    echo
done
exit $status
