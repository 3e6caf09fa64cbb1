# Helpers for the Linux extractor tests (source after lib.sh).  They read
# the CellulOS CSV an extraction wrote; edge rows are ",,PERMS,KIND,FROM,TO,"
# and none of the IDs these tests look at contains a comma.
HELPERS=$BUILD/helpers
[ "$(id -u)" = 0 ] || { echo "SKIP: the Linux extractor tests need root (as CI runs them)"; exit 0; }

LX_PIDS=()
lx_cleanup() {
    for p in "${LX_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap lx_cleanup EXIT

# wait_file FILE: until FILE is non-empty (helpers write their PIDs there).
wait_file() {
    for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.05; done
    fail "timed out waiting for $1"
}

# lx_start_mix N: long-lived processes to extract, all killed at exit: a
# sleep in a pid and mount namespace of its own ($S; $U is its unshare),
# linux_hold with N files open (its pid in ./held), and a linux_share pair
# sharing memory ($P and $C).
lx_start_mix() {
    unshare --pid --fork --mount sleep 1000 &
    U=$!
    LX_PIDS+=($U)
    for _ in $(seq 1 100); do S=$(pgrep -P "$U" sleep) && break; sleep 0.05; done
    [ -n "${S:-}" ] || fail "no sleep under unshare"
    LX_PIDS+=($S)
    "$HELPERS/linux_hold" "$1" 1 >held &
    LX_PIDS+=($!)
    wait_file held
    "$HELPERS/linux_share" shared &
    LX_PIDS+=($!)
    wait_file shared
    read -r P C <shared
    LX_PIDS+=("$C")
}

# reach CSV PD MODE [TYPE]: the resources of type MO (or TYPE) PD holds, or
# reaches by HOLD -> VMR -> MAP, where every edge carries MODE (R, W or
# ANY): the frames it maps, not those of files it holds (a file MAPs to its
# page-cache frames too).
reach() {
    awk -F, -v pd="$2" -v mode="$3" -v type="${4:-MO}" '
        function ok(p) { return mode == "ANY" || index(p, mode) > 0 }
        $1 != "" { if ($1 == "RESOURCE") t[$2] = $3; next }
        $4 == "HOLD" && $5 == pd && ok($3) { held[$6] = 1 }
        $4 == "MAP" && ok($3) && index($5, "VMR_") == 1 { m[$5] = m[$5] " " $6 }
        END {
            for (v in held) {
                if (t[v] == type) print v
                n = split(m[v], to, " ")
                for (i = 1; i <= n; i++) if (t[to[i]] == type) print to[i]
            }
        }' "$1" | sort -u
}

# edge_perms CSV KIND FROM TO: the DATA column of that edge ("" if none).
edge_perms() {
    awk -F, -v k="$2" -v f="$3" -v t="$4" '$1 == "" && $4 == k && $5 == f && $6 == t { print $3 }' "$1"
}

# node_extra CSV ID: the EXTRA of a node.
node_extra() {
    grep -E "^[A-Z_]+,$2,"  "$1" | head -n 1
}

# holds_of CSV PD TYPE-PREFIX: the IDs of spaces/resources PD holds whose ID
# starts so; a membership resource "SPACE#PID" (a namespace, cgroup or pool
# the process is in) counts as the space it is drawn from.
holds_of() {
    awk -F, -v pd="$2" -v pre="$3" '$1 == "" && $4 == "HOLD" && $5 == pd && index($6, pre) == 1 { sub(/#[0-9]+$/, "", $6); print $6 }' "$1" | sort
}

# fd_only CSV PD TYPE-PREFIX: what PD holds (ID starting so) that is not also
# the target of a mapping: held through a descriptor only (a process holds
# the files and frames it maps too).
fd_only() {
    awk -F, -v pd="$2" -v pre="$3" '$1 == "" && $4 == "MAP" { m[$6] = 1 }
        $1 == "" && $4 == "HOLD" && $5 == pd && index($6, pre) == 1 { h[$6] = 1 }
        END { for (x in h) if (!(x in m)) print x }' "$1" | sort
}
