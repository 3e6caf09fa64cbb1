#!/bin/bash
# osmosis extract sdf: the Microkit examples import and pass `osmosis check`;
# usage, output and hostile-input behaviour.
source "$TOP/tests/cli/lib.sh"
EX=$CORPUS/microkit-sdf/examples

# Every example imports and its state keeps all 7 rules, under the target it
# was written for (README of the corpus), except the one upstream test whose
# point is that the tool rejects overlapping pages.
n=0
for f in "$EX"/*.system; do
    name=$(basename "$f" .system)
    opts=(--arch aarch64)
    case $name in
    x86_64_*|bootinfo) opts=(--arch x86_64) ;;
    arm_smc) opts=(--arch aarch64 --arm-smc on) ;;
    overlapping_pages)
        expect_status 2 "$OSMOSIS" extract sdf "$f" -o bad.csv
        expect_contains "$err" "Error: map for 'small0' has virtual address range [0x500000..0x501000) which overlaps with map for 'large0' [0x400000..0x600000) in protection domain 'simplemrs' @ $f:16:9"
        [ ! -e bad.csv ] || fail "a rejected SDF left an output file"
        continue ;;
    esac
    expect_status 0 "$OSMOSIS" extract sdf "$f" "${opts[@]}" -o "$name.csv"
    expect_status 0 "$OSMOSIS" check --strict "$name.csv"
    n=$((n + 1))
done
expect_eq "$n" 16 "examples imported"
# Same input, same bytes.
"$OSMOSIS" extract sdf "$EX/ethernet.system" -o again.csv 2>/dev/null
cmp -s ethernet.csv again.csv || fail "output is not byte-stable"
# Warnings go to stderr, not into the state.
expect_status 0 "$OSMOSIS" extract sdf "$EX/ethernet.system"
expect_contains "$err" "WARNING: unused memory region 'paddinga'"
expect_contains "$out" "PD,PD_eth_outer,eth_outer,"
# A configuration matters: the arm_smc example without SMC forwarding.
expect_status 2 "$OSMOSIS" extract sdf "$EX/arm_smc.system"
expect_contains "$err" "ARM SMC forwarding support is not available for this architecture"
# The hierarchy: the parent controls its children, the monitor only the top.
expect_contains "$(cat hierarchy.csv)" ",,RWT,HOLD,PD_restarter,PD_crasher,"
expect_not_contains "$(cat hierarchy.csv)" ",,RWT,HOLD,PD_monitor,PD_crasher,"
# A VMM controls its VM; cap_sharing's cspace caps are control edges.
expect_contains "$(cat cap_sharing.csv)" "HOLD,PD_"

# --format json and --json.
expect_status 0 "$OSMOSIS" extract sdf "$EX/hello.system" --format json
expect_contains "$out" '"id":"PD_hello"'
expect_status 0 "$OSMOSIS" extract sdf "$EX/hello.system" --json
expect_contains "$out" '"protection_domains":1'

# program_image size is recorded when the image sits next to the SDF.
cp "$EX/hello.system" . && printf 'ELFDATA' > hello.elf
expect_status 0 "$OSMOSIS" extract sdf hello.system
expect_contains "$out" "image_size=7"

# Usage and unreadable input: exit 2.
expect_status 0 "$OSMOSIS" extract sdf --help
expect_contains "$out" "Exit status"
expect_status 2 "$OSMOSIS" extract sdf
expect_status 2 "$OSMOSIS" extract sdf "$EX/hello.system" --arch sparc
expect_status 2 "$OSMOSIS" extract sdf nonexistent.system
expect_contains "$err" "cannot read 'nonexistent.system'"
expect_status 2 "$OSMOSIS" extract nosuchkind x

# Malformed XML names the place.
printf '<system>\n  <protection_domain name="a">\n</system>\n' > broken.system
expect_status 2 "$OSMOSIS" extract sdf broken.system
expect_contains "$err" "Could not parse 'broken.system': mismatched tag at broken.system:3:"
# Deep nesting is refused cleanly.
{ printf '<system>'; for i in $(seq 5000); do printf '<a>'; done; } > deep.system
expect_status 2 "$OSMOSIS" extract sdf deep.system
expect_contains "$err" "elements nested deeper than 128 levels"
# Entity expansion (billion laughs) is refused.
cat > lol.system <<'XML'
<?xml version="1.0"?>
<!DOCTYPE system [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<system>&b;</system>
XML
expect_status 2 "$OSMOSIS" extract sdf lol.system
expect_contains "$err" "entity declarations are not supported"
# A huge input (over 64 MiB) is refused before parsing.
head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > huge.system
expect_status 2 "$OSMOSIS" extract sdf huge.system
expect_contains "$err" "is larger than the 64 MiB limit for an SDF file"
# Too many PDs: Microkit's limit by default, --max-pds lifts it.
{ echo '<system>'; for i in $(seq 70); do echo "<protection_domain name=\"p$i\"><program_image path=\"x\"/></protection_domain>"; done; echo '</system>'; } > many.system
expect_status 2 "$OSMOSIS" extract sdf many.system
expect_contains "$err" "Error: too many protection domains (70) defined. Maximum is 63."
expect_status 0 "$OSMOSIS" extract sdf many.system --max-pds 100
# A PD named like the kernel node does not clash with it.
printf '<system><protection_domain name="sel4"><program_image path="x"/></protection_domain></system>' > clash.system
expect_status 0 "$OSMOSIS" extract sdf clash.system -o clash.csv
expect_contains "$(cat clash.csv)" "PD,PD_sel4~2,sel4,"
expect_status 0 "$OSMOSIS" check --strict clash.csv
# The two corpus files upstream's tests no longer name: a clear error each
# (for the vcpu cpu the tool itself panics).
U=$CORPUS/microkit-sdf/unreferenced
expect_status 2 "$OSMOSIS" extract sdf "$U/ch_missing_pd.system"
expect_contains "$err" "Error: Missing required attribute 'pd' on element 'end'"
expect_status 2 "$OSMOSIS" extract sdf "$U/vm_invalid_vcpu_cpu.system"
expect_contains "$err" "cpu core must be less than 1, got 300 on element 'vcpu'"
