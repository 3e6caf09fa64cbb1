#!/bin/bash
# A hand-written LionsOS-like network stack (tests/data/sdf/netstack.system):
# eth driver, RX/TX virtualisers, a copier per client, two clients, and a
# timer the clients call by PPC.  Asserts the extracted graph, then TCB and
# IB answers derived by hand below.
source "$TOP/tests/cli/lib.sh"
SYS=$TOP/tests/data/sdf/netstack.system
expect_status 0 "$OSMOSIS" extract sdf "$SYS" -o ns.csv
expect_status 0 "$OSMOSIS" check --strict ns.csv

has_row() { grep -qxF -- "$1" ns.csv || fail "ns.csv lacks row '$1'"; }
count() { grep -c -- "$1" ns.csv; }

# PDs, with scheduling attributes in EXTRA; kernel and monitor.
has_row "PD,PD_eth,eth,,,,priority=101 budget=100 period=400 passive=false cpu=0"
has_row "PD,PD_timer,timer,,,,priority=150 budget=1000 period=1000 passive=true cpu=0"
has_row "PD,PD_sel4,sel4,,,,seL4 kernel"
expect_eq "$(count '^PD,')" 10 "PD rows (8 PDs + sel4 + monitor)"
# Control: kernel -> monitor -> every top-level PD, all RWT, nothing else.
has_row ",,RWT,HOLD,PD_sel4,PD_monitor,"
for pd in timer eth virt_rx virt_tx copy0 copy1 client0 client1; do
    has_row ",,RWT,HOLD,PD_monitor,PD_$pd,"
done
expect_eq "$(grep -cE '^,,[A-Z]*,HOLD,PD_[a-z0-9_]+,PD_' ns.csv)" 9 "PD->PD HOLD edges"
# PPC: exactly the two clients request PPC from the timer, which holds its
# entry-point space.
expect_eq "$(grep ',REQUEST,' ns.csv | sort | tr '\n' ' ')" \
    ",,PPC,REQUEST,PD_client0,PD_timer, ,,PPC,REQUEST,PD_client1,PD_timer, " "REQUEST edges"
has_row "RESOURCE_SPACE,PPC_timer,PPC,,,,protected procedure entry"
has_row ",,NONE,HOLD,PD_timer,PPC_timer,"
# Channels: one NOTIFICATION each, held RW by both ends.
expect_eq "$(count '^RESOURCE,NTFN_')" 10 "notifications"
has_row ",,RW,HOLD,PD_client0,NTFN_client0.2_timer.1,id=2 notify=true pp=true"
has_row ",,RW,HOLD,PD_timer,NTFN_client0.2_timer.1,id=1 notify=true pp=false"
# Maps: a VMR in the PD's ADS with the map's perms, MAPped to the MO.
has_row "RESOURCE,VMR_virt_rx_0x2200000,VMR,,,,0x2200000_SDF_MAP_1_21"
has_row ",,R,HOLD,PD_virt_rx,VMR_virt_rx_0x2200000,"
has_row ",,R,MAP,VMR_virt_rx_0x2200000,MO_rx_data_drv,"
has_row ",,NONE,SUBSET,VMR_virt_rx_0x2200000,ADS_virt_rx,"
has_row ",,RW,HOLD,PD_eth,VMR_eth_0x2000000,uncached"
# Device memory is its own pool; both pools are mapped from a PD's ADS.
has_row "RESOURCE,MO_eth_regs,MO,,,,0x2000000_16_12"
has_row ",,NONE,SUBSET,MO_eth_regs,SPACE_device_mem,"
has_row ",,NONE,MAP,ADS_eth,SPACE_device_mem,"
has_row ",,NONE,MAP,ADS_eth,SPACE_phys_mem,"
# The page-size optimisation: 2 MiB when size and every vaddr allow it.
has_row "RESOURCE,MO_rx_data_cli0,MO,,,,0x0_1_21"
has_row "RESOURCE,MO_rx_queue_cli0,MO,,,,0x0_1_12"
# IRQs.
has_row ",,NONE,HOLD,PD_eth,IRQ_152,"
has_row ",,NONE,HOLD,PD_timer,IRQ_30,"

# ---- TCB and IB, derived by hand ----------------------------------------
# client0 relies on: its rx queue from copy0 (rw both), rx_data_cli0 (copy0
# rw), tx queue (virt_tx rw), tx_data_cli0 (virt_tx r), and notifications
# with copy0, virt_tx and the timer; the kernel holds every MO and space;
# it REQUESTs PPC from the timer; the monitor controls it.
#  A: shared-resources {copy0, virt_tx, timer, sel4}; shared-spaces adds
#     everyone drawing from normal memory or the notification pool (eth,
#     virt_rx, copy1, client1); servers {sel4, timer}; control {monitor,
#     sel4} -> all 9 other PDs.
#  I: who can write what client0 relies on: copy0, virt_tx (the tx queue is
#     rw for it), timer (notification), sel4; + servers + control (monitor).
#     Not eth, virt_rx, copy1, client1.
#  C: who can read it: copy0, virt_tx (reads tx_data_cli0), timer, sel4,
#     monitor — the same set here.
# timer, I: clients can signal it (shared notification), sel4, monitor.
# eth, I: the driver queues are shared rw with both virtualisers.
# IB(client0), A: every PD whose pools client0 shares, except the monitor
#     (it holds nothing, so nothing it relies on is shared) = 8 PDs.
# IB(client0), I: client0 can write what copy0 (rx queue), virt_tx (tx
#     queue), the timer (notification) and sel4 (every MO) rely on.
members() { "$OSMOSIS" "$@" | awk '$1 ~ /^PD_/ { print $1 }' | tr '\n' ' '; }
ALL9="PD_client1 PD_copy0 PD_copy1 PD_eth PD_monitor PD_sel4 PD_timer PD_virt_rx PD_virt_tx "
expect_eq "$(members tcb ns.csv PD_client0)" "$ALL9" "TCB_A(client0)"
expect_eq "$(members tcb ns.csv PD_client0 --property I)" \
    "PD_copy0 PD_monitor PD_sel4 PD_timer PD_virt_tx " "TCB_I(client0)"
expect_eq "$(members tcb ns.csv PD_client0 --property C)" \
    "PD_copy0 PD_monitor PD_sel4 PD_timer PD_virt_tx " "TCB_C(client0)"
expect_eq "$(members tcb ns.csv PD_timer --property I)" \
    "PD_client0 PD_client1 PD_monitor PD_sel4 " "TCB_I(timer)"
expect_eq "$(members tcb ns.csv PD_eth --property I)" \
    "PD_monitor PD_sel4 PD_virt_rx PD_virt_tx " "TCB_I(eth)"
expect_eq "$(members ib ns.csv PD_client0)" \
    "PD_client1 PD_copy0 PD_copy1 PD_eth PD_sel4 PD_timer PD_virt_rx PD_virt_tx " "IB_A(client0)"
expect_eq "$(members ib ns.csv PD_client0 --property I)" \
    "PD_copy0 PD_sel4 PD_timer PD_virt_tx " "IB_I(client0)"
echo "netstack: graph, TCB and IB as derived"
