#!/bin/bash
# Readers refuse what would hang them or exhaust memory (docs/reliability.md,
# "Readers and exports"): a FIFO or a link out of the tree in a --proc copy,
# an oversized maps file, a FIFO or an escaping prefill path in an SDF, a
# directory given as the SDF, a FIFO named to import.  Each answers quickly
# (timeout 20) with an error naming the file and the reason.
source "$TOP/tests/cli/lib.sh"

# ---- extract linux --proc: a copy of this shell's /proc entry -------------
"$TOP/scripts/capture-proc.sh" cap $$ || fail "capture failed"
[ -s "cap/$$/maps" ] || fail "capture has no maps"
expect_status 0 timeout 20 "$OSMOSIS" extract linux --proc cap -o good.csv

rm "cap/$$/maps" && mkfifo "cap/$$/maps"
expect_status 2 timeout 20 "$OSMOSIS" extract linux --proc cap -o fifo.csv
expect_contains "$err" "refused cap/$$/maps: is a FIFO, not a regular file"
expect_contains "$err" "nothing written"
[ -e fifo.csv ] && fail "output written despite a refused file"

rm "cap/$$/maps" && ln -s /dev/zero "cap/$$/maps"
expect_status 2 timeout 20 "$OSMOSIS" extract linux --proc cap -o zero.csv
expect_contains "$err" "refused cap/$$/maps: is a link leading out of the directory read"

rm "cap/$$/maps" && truncate -s 65M "cap/$$/maps"
expect_status 2 timeout 20 "$OSMOSIS" extract linux --proc cap -o big.csv
expect_contains "$err" "refused cap/$$/maps: is larger than the 64 MiB limit for a maps file"

cp /proc/$$/maps "cap/$$/maps"
rm "cap/$$/status" && mkfifo "cap/$$/status"
expect_status 2 timeout 20 "$OSMOSIS" extract linux --proc cap -o st.csv
expect_contains "$err" "refused cap/$$/status: is a FIFO, not a regular file"

# ---- extract sdf ------------------------------------------------------------
mkdir -p sdf/sub secret
printf 'secret' >secret/key
printf 'data' >sdf/sub/ok.bin
sdf_with() {    # sdf_with PREFILL_PATH > FILE
    cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<system>
    <memory_region name="prefilled" prefill_path="$1" />
    <protection_domain name="pd" priority="100">
        <program_image path="pd.elf" />
        <map mr="prefilled" vaddr="0x20000000" />
    </protection_domain>
</system>
XML
}
sdf_with sub/ok.bin >sdf/ok.system
expect_status 0 timeout 20 "$OSMOSIS" extract sdf sdf/ok.system -o ok.csv

mkfifo sdf/sub/fifo.bin
sdf_with sub/fifo.bin >sdf/fifo.system
expect_status 2 timeout 20 "$OSMOSIS" extract sdf sdf/fifo.system -o fifo.csv
expect_contains "$err" "failed to read file 'sub/fifo.bin' at prefill_path: is a FIFO, not a regular file"

sdf_with ../secret/key >sdf/up.system
expect_status 2 timeout 20 "$OSMOSIS" extract sdf sdf/up.system -o up.csv
expect_contains "$err" "'../secret/key' at prefill_path: leads outside sdf (give --allow-outside-paths"
expect_status 0 timeout 20 "$OSMOSIS" extract sdf sdf/up.system --allow-outside-paths -o up.csv

ln -s ../../secret/key sdf/sub/link.bin     # a link inside that leads out
sdf_with sub/link.bin >sdf/link.system
expect_status 2 timeout 20 "$OSMOSIS" extract sdf sdf/link.system -o link.csv
expect_contains "$err" "leads outside sdf"
expect_status 0 timeout 20 "$OSMOSIS" extract sdf sdf/up.system --prefill-dir sdf -o pd.csv \
    --allow-outside-paths

expect_status 2 timeout 20 "$OSMOSIS" extract sdf sdf
expect_contains "$err" "cannot read 'sdf': is a directory"

# ---- import -------------------------------------------------------------------
mkfifo in.fifo
expect_status 2 timeout 20 "$OSMOSIS" import in.fifo
expect_contains "$err" "in.fifo"
expect_contains "$err" "is a FIFO, not a regular file"
# standard input may be a pipe: that is what the user asked for
expect_status 0 timeout 20 "$OSMOSIS" import - -o piped.csv < <(cat "$GPIKV")
[ -s piped.csv ] || fail "nothing imported from a pipe"
echo ok
