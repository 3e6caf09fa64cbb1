#!/bin/bash
# Golden answers on the real CellulOS dump GPIKV001.output, derived by hand
# from the file (grep for the edges named in each comment).
#
# The state: PD_0 ROOT_TASK, PD_1 GPIKV001 (the test, creator of the others),
# PD_2 ramdisk_server, PD_3 fs_server, PD_4 hello_kvstore.  Import adds
# HOLD(RWT) PD_0 -> every other PD (the dump has no PD -> PD hold).
# Facts used below:
#   - every PD has VMRs in its own ADS_SPACE_* MAPped to MO frames of
#     MO_SPACE_4, which nobody HOLDs; PD_0 HOLDs every PD's ADS and
#     VCPU_SPACE_5; PD_1 also HOLDs ADS_SPACE_9/b/d and VCPU_5_2/3/4 (its
#     children's).  So every PD shares MO_SPACE_4 with every other: all TCBs
#     and IBs are "everyone else".
#   - PD_2 HOLDs BLOCK_SPACE_a (1024 BLOCKs) and ADS_SPACE_9 (8 VMRs);
#     PD_3 HOLDs FILE_SPACE_c (2 FILEs, FILE_SPACE_c -MAP-> BLOCK_SPACE_a) and
#     ADS_SPACE_b (7 VMRs), holds BLOCKs and REQUESTs BLOCK from PD_2;
#     PD_4 HOLDs ADS_SPACE_d (7 VMRs), the FILEs, REQUESTs FILE from PD_3.
#   - every PD but PD_0 REQUESTs from PD_0; VCPU_5_i -MAP-> PCPU_1_0.
source "$TOP/tests/cli/lib.sh"

q() { expect_status 0 "$OSMOSIS" "$@" --json; }
result() { q "$@"; echo "${out#*\"result\":}"; }

for proc in "" --process; do
    # Processing splits nothing here: each PD has exactly one VCPU and one
    # ADS that no other PD (the root aside) holds, so answers are the same.
    expect_eq "$(result tcb "$GPIKV" PD_3 $proc)" '["PD_0","PD_1","PD_2","PD_4"]}' "tcb PD_3 $proc"
    expect_eq "$(result ib "$GPIKV" PD_0 $proc)" '["PD_1","PD_2","PD_3","PD_4"]}' "ib PD_0 $proc"
    # servers of PD_2: PD_0 and PD_1 HOLD ADS_SPACE_9; PD_2 REQUESTs PD_0.
    expect_eq "$(result servers "$GPIKV" PD_2 $proc)" '["PD_0","PD_1"]}' "servers PD_2"
    # servers of PD_3: + PD_2, which HOLDs BLOCK_SPACE_a of the BLOCKs PD_3 holds.
    expect_eq "$(result servers "$GPIKV" PD_3 $proc)" '["PD_0","PD_1","PD_2"]}' "servers PD_3"
    # indirect servers of PD_4: FILE_SPACE_c -MAP-> BLOCK_SPACE_a (PD_2);
    # REQUEST chain PD_4 -> PD_3 -> PD_0 (and -> PD_2).
    expect_eq "$(result indirect-servers "$GPIKV" PD_4 $proc)" '["PD_0","PD_2"]}' "indirect PD_4"
    # PD_2 only REQUESTs PD_0, which REQUESTs nobody; its spaces map only
    # to MO_SPACE_4, which nobody holds.
    expect_eq "$(result indirect-servers "$GPIKV" PD_2 $proc)" '[]}' "indirect PD_2"
    expect_eq "$(result can-control "$GPIKV" PD_4 $proc)" '["PD_0"]}' "can-control PD_4"
    expect_eq "$(result control-by "$GPIKV" PD_0 $proc)" '["PD_1","PD_2","PD_3","PD_4"]}' "control-by PD_0"
    expect_eq "$(result control-by "$GPIKV" PD_3 $proc)" '[]}' "control-by PD_3"
done

# --all is the same answer for every PD at once.
expect_eq "$(result tcb "$GPIKV" --all)" '{"PD_0":["PD_1","PD_2","PD_3","PD_4"],"PD_1":["PD_0","PD_2","PD_3","PD_4"],"PD_2":["PD_0","PD_1","PD_3","PD_4"],"PD_3":["PD_0","PD_1","PD_2","PD_4"],"PD_4":["PD_0","PD_1","PD_2","PD_3"]}}' "tcb --all"
# Exact JSON shape of a one-PD answer.
q tcb "$GPIKV" PD_3
expect_eq "$out" '{"query":"tcb","pd":"PD_3","types":null,"mode":"ANY","property":"A","names":{"PD_0":"ROOT_TASK","PD_1":"GPIKV001","PD_2":"ramdisk_server","PD_4":"hello_kvstore"},"result":["PD_0","PD_1","PD_2","PD_4"]}'
# Only FILE: PD_4 and PD_3 both hold FILE_c_2/3; FILE_SPACE_c is PD_3's.
expect_eq "$(result shared-resources "$GPIKV" PD_4 --types FILE)" '["PD_3"]}' "shared FILE"
# --why names the chain: PD_4 reaches BLOCK_a_a through FILE_c_2.
q tcb "$GPIKV" PD_4 --why
expect_contains "$out" '"PD_2":{"component":"shared-resources"'
# Each step: the node, its kind, type (resources/spaces) or name (PDs), and
# the edge from the previous step with its permissions.
expect_contains "$out" '"path":[{"node":"PD_4","kind":"PD","type":null,"name":"hello_kvstore","edge":null,"perms":null},{"node":"FILE_c_2","kind":"RESOURCE","type":"FILE","name":null,"edge":{"kind":"HOLD","dir":"fwd"}'
expect_contains "$out" '{"node":"BLOCK_a_a","kind":"RESOURCE","type":"BLOCK","name":null,"edge":{"kind":"MAP","dir":"fwd"}'
expect_contains "$out" '{"node":"PD_2","kind":"PD","type":null,"name":"ramdisk_server","edge":{"kind":"HOLD","dir":"back"}'

# RSI of PD_1 and PD_2: PD_1 holds 4 VCPUs, PD_2 one of them (VCPU_5_2): 1/4;
# both reach PCPU_1_0 through a VCPU MAP: 1; they share no VMR.
expect_contains "$(result rsi "$GPIKV" PD_1 PD_2)" '"PCPU":1,"VCPU":0.25,"VMR":0}'
expect_eq "$(result rsi "$GPIKV" PD_1 PD_2 --type VCPU)" '{"VCPU":0.25}}' "rsi --type"
# FR: PD_1 and PD_3 both REQUEST from PD_0 at level 1; PD_4 -FILE-> PD_3,
# which then follows BLOCK (FILE_SPACE_c maps to a BLOCK space) to PD_2 = 0.
expect_eq "$(result fr "$GPIKV" PD_1 PD_3)" '1}' "fr PD_1 PD_3"
expect_eq "$(result fr "$GPIKV" PD_2 PD_4)" '0}' "fr PD_2 PD_4"
expect_eq "$(result fr "$GPIKV" PD_0 PD_1)" '0}' "fr PD_0 PD_1"

# Cleanup of PD_2: 1a deletes ADS_SPACE_9 (8 VMRs) and BLOCK_SPACE_a (1024
# BLOCKs); 1b also FILE_SPACE_c, which MAPs to BLOCK_SPACE_a (+2 FILEs);
# 2a destroys PD_3 (holds BLOCKs) with ADS_SPACE_b (7) and FILE_SPACE_c (2);
# 2b then PD_4 (holds the FILEs) with ADS_SPACE_d (7).  PD_0 is protected,
# PD_1 holds no deleted resource.
count() { local s=${out#*\"$1\":[}; s=${s%%]*}; [ -z "$s" ] && echo 0 || echo "$s" | tr ',' '\n' | wc -l; }
check_cleanup() {
    q cleanup "$GPIKV" PD_2 --policy "$1"
    expect_contains "$out" "\"pds_destroyed\":[$2]"
    expect_eq "$(count spaces_deleted)" "$3" "$1 spaces"
    expect_eq "$(count resources_deleted)" "$4" "$1 resources"
}
check_cleanup 1a '"PD_2"' 2 1032
check_cleanup 1b '"PD_2"' 3 1034
check_cleanup 2a '"PD_2","PD_3"' 4 1041
check_cleanup 2b '"PD_2","PD_3","PD_4"' 5 1048
q cleanup "$GPIKV" PD_2 --pd-depth inf --rs-depth 0
expect_contains "$out" '"pd_depth":"inf","rs_depth":0'
