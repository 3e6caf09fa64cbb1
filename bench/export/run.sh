#!/bin/bash
# Export and report a generated 1M-edge state.  Baseline: reading the same
# state with `osmosis info` (parse + store) in the same run; each export
# prints its wall time and its ratio to that baseline.  Fails if the report
# is 10 MB or more, or Chromium (when installed) cannot load it.
set -euo pipefail
OSMOSIS=${OSMOSIS:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$TOP/bench/export/gen_state.py" 1000000 > "$work/state.csv"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
t0=$(now); "$OSMOSIS" info "$work/state.csv" > "$work/info.txt"; t1=$(now)
base=$(secs "$t0" "$t1")
grep '^total' "$work/info.txt"
printf '%-10s %8.2fs  (baseline: read the state)\n' info "$base"
for fmt in csv json graphml dot neo4j; do
    out="$work/out.$fmt"
    t0=$(now); "$OSMOSIS" export "$work/state.csv" --format "$fmt" -o "$out" 2>/dev/null; t1=$(now)
    s=$(secs "$t0" "$t1")
    size=$(du -sb "$out" | cut -f1)
    printf '%-10s %8.2fs  %6.1fx baseline  %8.1f MB\n' "$fmt" "$s" "$(div "$s" "$base")" \
        "$(div "$size" 1000000)"
done
t0=$(now); "$OSMOSIS" report "$work/state.csv" -o "$work/report.html" 2>/dev/null; t1=$(now)
s=$(secs "$t0" "$t1")
size=$(stat -c %s "$work/report.html")
printf '%-10s %8.2fs  %6.1fx baseline  %8.1f MB\n' report "$s" "$(div "$s" "$base")" \
    "$(div "$size" 1000000)"
[ "$size" -lt 10000000 ] || { echo "report is $size bytes, over 10 MB" >&2; exit 1; }
if command -v chromium >/dev/null; then
    timeout 300 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile" --dump-dom "file://$work/report.html" 2>/dev/null |
        grep -q 'id="matrix"' || { echo "chromium did not load the report" >&2; exit 1; }
    echo "chromium loads the report"
fi
