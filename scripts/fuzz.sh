#!/bin/bash
# Run each libFuzzer binary given for FUZZ_TIME seconds on its seed corpus
# (fuzz/corpus/NAME, created if missing).  Fails if any target crashes.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$@"; do
    name=$(basename "$bin")
    corpus="$TOP/fuzz/corpus/${name#fuzz_}"
    work=$(mktemp -d)
    mkdir -p "$corpus" "$TOP/build/fuzz/artifacts"
    echo "== $name for ${FUZZ_TIME:-60}s"
    if ! "$bin" -max_total_time="${FUZZ_TIME:-60}" -max_len=65536 -timeout=10 \
            -artifact_prefix="$TOP/build/fuzz/artifacts/$name-" "$work" "$corpus" \
            >"$work.log" 2>&1; then
        status=1
        tail -n 40 "$work.log"
    else
        grep -E '^(Done|#[0-9]+ +DONE)' "$work.log" | tail -n 1
    fi
    rm -rf "$work" "$work.log"
done
exit $status
