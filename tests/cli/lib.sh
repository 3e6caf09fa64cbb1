# Helpers for CLI tests (source this).  Each test script exits non-zero on
# the first failed assertion, saying what was expected.
set -u
CORPUS=${SHARED:?}/corpus
GPIKV=$CORPUS/cellulos/GPIKV001.output

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_status N cmd...: run cmd, require exit status N; output in $out/$err.
expect_status() {
    local want=$1; shift
    local ofile efile; ofile=$(mktemp); efile=$(mktemp)
    "$@" >"$ofile" 2>"$efile"
    status=$?
    out=$(cat "$ofile"); err=$(cat "$efile")
    rm -f "$ofile" "$efile"
    [ "$status" -eq "$want" ] || fail "'$*' exited $status, expected $want
stdout: $(clip "$out")
stderr: $(clip "$err")"
}

# clip TEXT: its start and its end (where the reason for a failure usually is)
clip() {
    if [ "${#1}" -le 2400 ]; then printf '%s' "$1"; else
        printf '%s\n[... %d bytes ...]\n%s' "${1:0:600}" $((${#1} - 2400)) "${1: -1800}"; fi
}

# expect_contains HAYSTACK NEEDLE [what]
expect_contains() {
    case "$1" in *"$2"*) ;; *) fail "${3:-output} lacks '$2'; got: ${1:0:3000}";; esac
}
expect_not_contains() {
    case "$1" in *"$2"*) fail "${3:-output} contains '$2'; got: ${1:0:3000}";; esac
}
expect_eq() {
    [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}
