#!/bin/bash
# Control chains on real processes (issue 20), each step checked against the
# kernel first (kill(pid, 0) and PTRACE_ATTACH from a probe with the same
# credentials), then against the model (docs/query.md, choice 5):
#   N   nobody
#   U   real uid nobody, effective and saved uid root, every capability:
#       N may signal it (same real uid) but not ptrace it; U may ptrace
#       every root process and load kernel modules
#   R   root; R1 uid 1001
#   Q   uid 1000 with CAP_KILL (may signal anyone, ptrace only its peers)
#   P   uid 1000 with CAP_KILL permitted but not effective: may ptrace Q
#       (Q's permitted caps are a subset of its own), may not signal R1
# A signal-only edge ends a chain: N -T-> U -RWT-> R does not make N a
# controller of R (the kernel refuses both kill and ptrace).  A chain
# through a ptrace-capable edge stays: P -RWT-> Q -T-> R1 makes P a
# controller of R1 in the A view (P can make Q send the signal).
source "$TOP/tests/cli/lib.sh"
source "$TOP/tests/cli/linux_lib.sh"

AS_N=(setpriv --reuid 65534 --regid 65534 --clear-groups --)
AS_U=(setpriv --ruid 65534 --)
AS_P=(setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps +kill --ambient-caps +kill --)
"${AS_N[@]}" sleep 1000 </dev/null >/dev/null 2>&1 & N=$!; LX_PIDS+=($N)
"${AS_U[@]}" sleep 1000 </dev/null >/dev/null 2>&1 & U=$!; LX_PIDS+=($U)
sleep 1000 </dev/null >/dev/null 2>&1 & R=$!; LX_PIDS+=($R)
setpriv --reuid 1001 --regid 1001 --clear-groups -- sleep 1000 </dev/null >/dev/null 2>&1 &
R1=$!; LX_PIDS+=($R1)
"${AS_P[@]}" sleep 1000 </dev/null >/dev/null 2>&1 & Q=$!; LX_PIDS+=($Q)
"${AS_P[@]}" "$HELPERS/linux_probe" --drop-effective sleep </dev/null >/dev/null 2>&1 &
P=$!; LX_PIDS+=($P)
for _ in $(seq 1 100); do grep -q '^CapEff:.*0000000000000000' /proc/$P/status 2>/dev/null && break; sleep 0.05; done
grep -q '^CapPrm:.*0000000000000020' /proc/$P/status || fail "P does not hold CAP_KILL permitted"

# ---- the kernel's answers
probe() { "${@:2}" "$HELPERS/linux_probe" $1; }
expect_eq "$(probe "kill $U" "${AS_N[@]}")" ok "kernel: N signals U"
expect_eq "$(probe "attach $U" "${AS_N[@]}")" EPERM "kernel: N ptraces U"
expect_eq "$(probe "kill $R" "${AS_N[@]}")" EPERM "kernel: N signals R"
expect_eq "$(probe "attach $R" "${AS_N[@]}")" EPERM "kernel: N ptraces R"
expect_eq "$(probe "attach $R" "${AS_U[@]}")" ok "kernel: U ptraces R"
expect_eq "$(probe "--drop-effective attach $Q" "${AS_P[@]}")" ok "kernel: P ptraces Q"
expect_eq "$(probe "kill $R1" "${AS_P[@]}")" ok "kernel: Q (CAP_KILL raised) signals R1"
expect_eq "$(probe "--drop-effective kill $R1" "${AS_P[@]}")" EPERM "kernel: P signals R1"
expect_eq "$(probe "--drop-effective attach $R1" "${AS_P[@]}")" EPERM "kernel: P ptraces R1"

expect_status 0 "$OSMOSIS" extract linux --pid "$N,$U,$R,$R1,$Q,$P" --no-phys -o c.csv
expect_status 0 "$OSMOSIS" check c.csv

# ---- the edges say the same
expect_eq "$(edge_perms c.csv HOLD "PD_$N" "PD_$U")" T "N over U"
expect_eq "$(edge_perms c.csv HOLD "PD_$N" "PD_$R")" "" "N over R"
expect_eq "$(edge_perms c.csv HOLD "PD_$U" "PD_$R")" RWT "U over R"
expect_eq "$(edge_perms c.csv HOLD "PD_$U" PD_kernel)" RWT "U over the kernel"
expect_eq "$(edge_perms c.csv HOLD "PD_$P" "PD_$Q")" RWT "P over Q"
expect_eq "$(edge_perms c.csv HOLD "PD_$Q" "PD_$R1")" T "Q over R1"
expect_eq "$(edge_perms c.csv HOLD "PD_$P" "PD_$R1")" "" "P over R1"

# q VERB PD [ARGS]: the sorted result IDs of a query.
q() {
    "$OSMOSIS" "$1" c.csv "PD_$2" "${@:3}" --json |
        python3 -c 'import json, sys; print(" ".join(sorted(json.load(sys.stdin)["result"])))'
}
ids() { for p in "$@"; do echo "PD_$p"; done | sort | tr '\n' ' ' | sed 's/ $//'; }

# ---- the signal-only chain stops at U
expect_eq "$(q control-by $N)" "PD_$U" "N controls only U (it may stop it)"
expect_eq "$(q control-by $N --property I)" "" "N changes nobody"
expect_not_contains "$(q can-control $R)" "PD_$N" "N among R's controllers"
expect_not_contains "$(q can-control $R1)" "PD_$N" "N among R1's controllers"
expect_not_contains "$(q can-control kernel)" "PD_$N" "N among the kernel's controllers"
expect_contains "$(q can-control $U)" "PD_$N" "N among U's controllers (A)"
expect_not_contains "$(q can-control $U --property I)" "PD_$N" "N among U's controllers (I)"
# Q may signal U too (CAP_KILL), and U controls everyone: Q still only signals
expect_eq "$(q can-control $R --property I)" "$(ids $U kernel)" "who can change R"
expect_eq "$("$OSMOSIS" tcb c.csv "PD_$R" --json --why | python3 -c '
import json, sys
w = json.load(sys.stdin)["why"]
print(" ".join(sorted(p for p, e in w.items() if "can-control" in e["components"])))')" \
    "$(ids $P $Q $U kernel)" "R's TCB_A controllers (Q signals it, P acts as Q)"

# ---- the chain through a ptrace-capable edge stays
expect_eq "$(q can-control $R1)" "$(ids $P $Q $R $U kernel)" "R1's controllers (A)"
"$OSMOSIS" can-control c.csv "PD_$R1" --why >why.txt
expect_contains "$(cat why.txt)" "why: PD_$R1 <-HOLD- PD_$Q <-HOLD- PD_$P" "chain of P to R1"
expect_eq "$(q can-control $R1 --property I)" "$(ids $R $U kernel)" "R1's controllers (I)"
expect_contains "$(q control-by $P)" "PD_$R1" "P controls R1 through Q"
expect_not_contains "$(q control-by $P --property I)" "PD_$R1" "P changes R1"
# U reaches every process through the kernel too (module loading): RWT all along
expect_eq "$(q control-by $U --property I)" "$(ids $N $R $R1 $Q $P kernel)" "U changes everyone"
echo ok
