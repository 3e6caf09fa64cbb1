#!/bin/bash
# The main job: the key-value store under every isolation mechanism this
# machine can run (docs/compare.md).  `cellulos compare --mechanisms` runs
# the kv client/store pair for real as threads, processes, two uids, in
# namespaces with cgroups, plus seccomp, in bubblewrap, in podman, in a QEMU
# guest -- extracting the whole machine each time -- and as kv001..kv008 on
# the CellulOS runtime, and prints one matrix with its legend.  Then the
# seed's control table, the kv005 explanation, a side-by-side page of the
# store under the Linux mechanisms and CellulOS (osmosis compare --html),
# one report per CellulOS state and an index page; its path is said last.
set -euo pipefail
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
OSMOSIS=$BUILD/bin/osmosis
CELLULOS=$BUILD/bin/cellulos
OUT=$(realpath -m "$BUILD/demo")
mkdir -p "$OUT/states"
echo "== cellulos compare --mechanisms (the kv pair under every mechanism; whole machine extracted)"
"$CELLULOS" compare --mechanisms --dir "$OUT/states" | tee "$OUT/matrix.txt"
echo
echo "== cellulos compare --seed-table (who controls the KVS, the VM, the guest KVS)"
"$CELLULOS" compare --seed-table --dir "$OUT/seed" | tee "$OUT/seed.txt"
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
echo "== osmosis compare: the store under the Linux mechanisms and on CellulOS (kv002)"
args=()
while read -r name state store client; do
    case $name in processes|uids|namespaces|seccomp|vm|kv002)
        args+=("${state##*/}:$store:$client") ;;
    esac
done < "$OUT/states/pairs.txt"
OSMOSIS=$(realpath "$OSMOSIS")
(cd "$OUT/states" && "$OSMOSIS" compare --html "$OUT/compare.html" "${args[@]}") > "$OUT/compare.txt"
head -n 20 "$OUT/compare.txt"
echo "(all of it: $OUT/compare.txt, $OUT/compare.html)"
echo
echo "== osmosis report, one per CellulOS state"
index=$OUT/index.html
esc() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' "$@"; }
{
    echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>OSmosis: key-value store isolation</title></head><body>'
    echo '<h1>The key-value store under every isolation mechanism</h1>'
    echo '<p><a href="compare.html">The store side by side (osmosis compare)</a></p><pre>'
    esc "$OUT/matrix.txt"
    echo '</pre><h2>The seed table</h2><pre>'
    esc "$OUT/seed.txt"
    echo '</pre><h2>kv005</h2><pre>'
    esc "$OUT/kv005.txt"
    echo '</pre><h2>Reports</h2><ul>'
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
