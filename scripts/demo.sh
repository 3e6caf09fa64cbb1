#!/bin/bash
# The main job: the key-value store under every isolation configuration.
# `cellulos compare` runs kv001..kv008 (kv005 says why it is not built) on
# the CellulOS runtime (SQLite over the FS server over the ramdisk server)
# and the kv002 pair as Linux processes, keeps each model state, and prints
# RSI / FR / TCB of the client/store pair per scenario; then one HTML report
# per state and an index page tie them together.
set -euo pipefail
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
OSMOSIS=$BUILD/bin/osmosis
CELLULOS=$BUILD/bin/cellulos
OUT=$(realpath -m "$BUILD/demo")
mkdir -p "$OUT"
echo "== cellulos compare (kv001..kv008 but kv005; then the kv002 pair on Linux)"
"$CELLULOS" compare --linux --dir "$OUT/states" | tee "$OUT/table.txt"
echo
echo "== kv005"
# exit status 3 = not supported; the explanation is the point here
"$CELLULOS" run kv005 | tee "$OUT/kv005.txt" || [ "${PIPESTATUS[0]}" -eq 3 ]
echo
echo "== the real CellulOS dump of the corpus (seL4 prototype): GPIKV001.output"
GPIKV=$SHARED/corpus/cellulos/GPIKV001.output
"$OSMOSIS" info "$GPIKV" > "$OUT/gpikv-info.txt"
head -n 5 "$OUT/gpikv-info.txt"
"$OSMOSIS" check "$GPIKV" 2>/dev/null || true
echo
echo "== osmosis report, one per state"
index=$OUT/index.html
{
    echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>OSmosis: key-value store isolation</title></head><body>'
    echo '<h1>Key-value store under eight isolation configurations</h1><pre>'
    sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' "$OUT/table.txt" "$OUT/kv005.txt"
    echo '</pre><ul>'
} > "$index.tmp"
for f in "$OUT"/states/kv*.csv "$GPIKV"; do
    s=$(basename "$f" .csv)
    s=${s%.output}
    "$OSMOSIS" report "$f" -o "$OUT/$s.html"
    echo "<li><a href=\"$s.html\">$s</a></li>" >> "$index.tmp"
done
echo '</ul></body></html>' >> "$index.tmp"
mv "$index.tmp" "$index"
echo "report written: $index"
