#!/bin/bash
# The Microkit SDF corpus: every row of expected.tsv is run under its kernel
# configuration and must agree with the Microkit tool's test suite — the
# same outcome (accepted / rejected), and for a rejection an error message
# that starts with the expected text.  Prints "N/M agree"; fails below 100%.
# Files are run from their own folder because the tool's messages carry the
# bare file name (file:row:col).
source "$TOP/tests/cli/lib.sh"
SDF=$CORPUS/microkit-sdf
[ -f "$SDF/expected.tsv" ] || fail "no corpus at $SDF"

# kernel_config column -> osmosis options (kernel_configs.md)
config_opts() {
    case "$1" in
    DEFAULT_AARCH64_KERNEL_CONFIG*) opts=(--arch aarch64) ;;
    SMP_AARCH64_KERNEL_CONFIG*) opts=(--arch aarch64 --cores 4) ;;
    DEFAULT_X86_64_KERNEL_CONFIG*) opts=(--arch x86_64) ;;
    *) fail "unknown kernel config '$1'" ;;
    esac
    case "$1" in *arch=Riscv64*) opts+=(--arch riscv64) ;; esac
    case "$1" in *iommu=false*) opts+=(--no-iommu) ;; esac
}

agree=0 total=0 bad=()
while IFS=$'\t' read -r file outcome config message; do
    [ "$file" = file ] && continue
    total=$((total + 1))
    config_opts "$config"
    want=$(printf '%b' "${message//\\t/\\t}")   # \n escapes -> real newlines
    got=$(cd "$SDF/$(dirname "$file")" && "$OSMOSIS" extract sdf "$(basename "$file")" \
          "${opts[@]}" --prefill-dir "$SDF/prefills" -o /dev/null 2>&1 >/dev/null)
    status=$?
    ok=no
    if [ "$outcome" = ok ]; then
        [ $status -eq 0 ] && ok=yes
    elif [ $status -eq 2 ] && [ "${got#"$want"}" != "$got" ]; then
        ok=yes
    fi
    if [ $ok = yes ]; then
        agree=$((agree + 1))
    else
        bad+=("$file [$config] exit $status: want '$want'
    got '$got'")
    fi
done <"$SDF/expected.tsv"
echo "$agree/$total agree"
for b in "${bad[@]}"; do echo "DISAGREE $b"; done
[ "$total" -eq 147 ] || fail "expected.tsv has $total rows, expected 147"
[ "$agree" -eq "$total" ] || fail "$((total - agree)) rows disagree"
