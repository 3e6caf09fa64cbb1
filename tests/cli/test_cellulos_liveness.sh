#!/bin/bash
# The root task never waits on one client: five `cellulos dump` clients that
# connect and say nothing do not delay a sixth (each is served from the event
# loop with its own deadline, CEL_CLIENT_TIMEOUT_MS), idle ones are dropped,
# and SIGTERM ends `cellulos serve` within a second.
source "$TOP/tests/cli/lib.sh"

sock="$TMPDIR/cellulos.sock"
"$CELLULOS" serve --socket "$sock" --start cel-hello:idle 2>serve.err &
pid=$!
trap 'kill -9 $pid 2>/dev/null' EXIT
for _ in $(seq 100); do
    "$CELLULOS" dump --socket "$sock" >/dev/null 2>&1 && break
    sleep 0.1
done

# Five idle clients, held open for 6 s by one python process.
python3 - "$sock" >idle.out 2>&1 <<'PY' &
import socket, sys, time
conns = []
for _ in range(5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    conns.append(s)
print("connected", flush=True)
time.sleep(6)
# the root task dropped them after its timeout: reading gives end of stream
print("dropped" if all(c.recv(16) == b"" for c in conns) else "kept", flush=True)
PY
idle=$!
for _ in $(seq 50); do grep -q connected idle.out && break; sleep 0.1; done
grep -q connected idle.out || fail "the idle clients could not connect: $(cat idle.out)"

# With the five idle clients connected, a dump is answered at once (the
# old root task served them one after another, ~1 s each).
start=$(date +%s%N)
expect_status 0 timeout 3 "$CELLULOS" dump --socket "$sock"
expect_contains "$out" "PD,PD_1,hello.idle,"
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 3000 ] || fail "a dump took ${took} ms beside idle clients"

wait $idle
expect_eq "$(tail -n 1 idle.out)" "dropped" "idle clients after the timeout"

# SIGTERM ends it within a second (plus the PD's teardown), status 0.
kill -TERM $pid
for i in $(seq 30); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && fail "cellulos serve still runs 3 s after SIGTERM"
wait $pid
expect_eq "$?" 0 "serve exit status"
trap - EXIT
