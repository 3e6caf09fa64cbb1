#!/bin/bash
# The main job on its built-in defaults (grown by later components).
set -euo pipefail
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
OSMOSIS=$BUILD/bin/osmosis
STATE=$SHARED/corpus/cellulos/GPIKV001.output
echo "== osmosis info $STATE"
"$OSMOSIS" info "$STATE"
echo
echo "== osmosis check $STATE"
"$OSMOSIS" check "$STATE" || true
echo
echo "== osmosis report $STATE"
REPORT=$(realpath -m "$BUILD/demo-report.html")
"$OSMOSIS" report "$STATE" -o "$REPORT"
echo "report written: $REPORT"
