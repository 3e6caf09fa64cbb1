#!/bin/bash
# SDF import speed: a generated system of 1000 PDs (a ring of channels, a
# shared and a private memory region per PD, an IRQ each) through
# `osmosis extract sdf`, against `xmllint --noout` (libxml2, parse only) on
# the same file, measured in the same run.  Best of 5 runs each.
set -u
: "${OSMOSIS:?}"
N=${SDF_BENCH_PDS:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sys=$work/big.system
{
    echo '<system>'
    echo '  <memory_region name="shared" size="0x10_000" />'
    for ((i = 0; i < N; i++)); do
        echo "  <memory_region name=\"priv$i\" size=\"0x4_000\" />"
    done
    for ((i = 0; i < N; i++)); do
        echo "  <protection_domain name=\"pd$i\" priority=\"$((i % 200 + 1))\">"
        echo "    <program_image path=\"pd$i.elf\" />"
        echo "    <map mr=\"shared\" vaddr=\"0x1_000_000\" perms=\"r\" />"
        echo "    <map mr=\"priv$i\" vaddr=\"0x2_000_000\" />"
        echo "    <irq irq=\"$((i + 32))\" id=\"0\" />"
        echo "  </protection_domain>"
    done
    for ((i = 0; i < N; i++)); do
        echo "  <channel><end pd=\"pd$i\" id=\"1\" /><end pd=\"pd$(((i + 1) % N))\" id=\"2\" /></channel>"
    done
    echo '</system>'
} > "$sys"

best() {   # best wall time in ms of 5 runs of "$@"
    local b=999999 t0 t1 ms
    for _ in 1 2 3 4 5; do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000 ))
        [ "$ms" -lt "$b" ] && b=$ms
    done
    echo "$b"
}
ours=$(best "$OSMOSIS" extract sdf "$sys" --max-pds $((N + 1)) -o "$work/out.csv")
"$OSMOSIS" check --strict "$work/out.csv" >/dev/null || { echo "bench: state fails check"; exit 1; }
if command -v xmllint >/dev/null; then
    base=$(best xmllint --noout "$sys")
    what="xmllint --noout (parse only)"
else
    base=$(best cat "$sys")
    what="cat (xmllint missing)"
fi
size=$(wc -c < "$sys")
nodes=$(( $(grep -vc '^,,' "$work/out.csv") - 1 ))
edges=$(grep -c '^,,' "$work/out.csv")
printf 'sdf: %d PDs, %d bytes -> %d nodes, %d edges\n' "$N" "$size" "$nodes" "$edges"
printf 'sdf: extract+validate+model+write %.1f ms; %s %.1f ms; ratio %.2fx\n' \
    "$(echo "$ours / 1000" | bc -l)" "$what" "$(echo "$base / 1000" | bc -l)" \
    "$(echo "$ours / $base" | bc -l)"
[ "$ours" -lt 1000000 ] || { echo "sdf: slower than one second"; exit 1; }
