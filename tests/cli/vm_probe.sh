# Sourced by the VM tests: skip (exit 0 with a reason) unless we are root and
# qemu-system-x86_64 can start here at all.
[ "$(id -u)" = 0 ] || { echo "SKIP: the VM test needs root (host frame numbers)"; exit 0; }
command -v qemu-system-x86_64 >/dev/null ||
    { echo "SKIP: qemu-system-x86_64 is not installed (deps.txt: qemu-system-x86)"; exit 0; }
qemu-system-x86_64 -machine none -display none -nodefaults -S -accel tcg -monitor none \
    </dev/null >qemu-probe.log 2>&1 &
probe=$!
sleep 1
if ! kill -0 "$probe" 2>/dev/null; then
    wait "$probe"
    echo "SKIP: qemu-system-x86_64 cannot start here: $(cat qemu-probe.log 2>/dev/null)"
    exit 0
fi
kill -KILL "$probe"; wait "$probe" 2>/dev/null
