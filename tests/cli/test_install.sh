#!/bin/bash
# make install: headers, static and shared library (LIBDIR, multiarch), the
# pkg-config file, the two commands in bin and their helper programs in
# libexec/osmosis (found from there), man pages that `man -l` renders, and
# bash completions that complete verbs, options and scenarios.
source "$TOP/tests/cli/lib.sh"
case "$BUILD" in
*asan*) echo "install is checked on the plain build only"; exit 0 ;;
esac
root="$PWD/root"
multi=/opt/osm/lib/x86_64-linux-gnu
make -s -C "$TOP" install BUILD="$BUILD" DESTDIR="$root" PREFIX=/opt/osm LIBDIR="$multi" >make.log 2>&1 \
    || fail "make install failed: $(cat make.log)"
P=$root/opt/osm
for f in include/osmosis/osmosis.h include/osmosis/model.h lib/x86_64-linux-gnu/libosmosis.a \
         lib/x86_64-linux-gnu/libosmosis.so.0 lib/x86_64-linux-gnu/pkgconfig/osmosis.pc bin/osmosis \
         bin/cellulos libexec/osmosis/cel-hello libexec/osmosis/kv-linux \
         libexec/osmosis/kv-linux-static libexec/osmosis/osmosis-static \
         share/man/man1/osmosis.1 share/man/man1/cellulos.1 \
         share/bash-completion/completions/osmosis share/bash-completion/completions/cellulos; do
    [ -e "$P/$f" ] || fail "make install did not install $f"
done
expect_eq "$(cd "$P/bin" && ls | tr '\n' ' ')" "cellulos osmosis " "programs in bin"
[ ! -e "$P/lib/libosmosis.a" ] || fail "LIBDIR ignored: libosmosis.a in lib/"
n_cel=$(ls "$BUILD"/bin/cel-* | wc -l)
expect_eq "$(ls "$P"/libexec/osmosis/cel-* | wc -l)" "$n_cel" "PD programs in libexec"

# The installed commands find their helpers in libexec: cellulos starts its
# PD programs from there, osmosis packs its static self into a guest.
expect_status 0 "$P/bin/cellulos" run hello
expect_status 0 "$P/bin/osmosis" vm run --write-initramfs guest.cpio
[ -s guest.cpio ] || fail "no initramfs written"
mv "$P/libexec/osmosis/osmosis-static" aside
expect_status 2 "$P/bin/osmosis" vm run --write-initramfs guest2.cpio
expect_contains "$err" "osmosis-static" "vm run without its helper"
mv aside "$P/libexec/osmosis/osmosis-static"

# Man pages render and carry every verb's --help.
page=$(man -l "$P/share/man/man1/osmosis.1" 2>man.err | col -bx | tr -s " ")
[ ! -s man.err ] || fail "man -l osmosis.1 warns: $(cat man.err)"
expect_contains "$page" "OSMOSIS(1)"
expect_contains "$page" "osmosis - model isolation"
for v in $("$P/bin/osmosis" --help | awk '/^verbs:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'); do
    expect_contains "$page" "usage: osmosis $v" "the osmosis man page"
done
expect_contains "$page" "--warn-only" "the osmosis man page"
page=$(man -l "$P/share/man/man1/cellulos.1" 2>man.err | col -bx | tr -s " ")
[ ! -s man.err ] || fail "man -l cellulos.1 warns: $(cat man.err)"
expect_contains "$page" "CELLULOS(1)"
expect_contains "$page" "usage: cellulos run NAME"
expect_contains "$page" "kv008"

# Completion: source it in a plain bash and ask as bash would (COMP_WORDS).
complete_words() {   # complete_words PROG WORD...: what TAB offers for the last WORD
    local prog=$1; shift
    bash --norc -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
                    "_${COMP_WORDS[0]}_complete"; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$P/share/bash-completion/completions/$prog" "$prog" "$@"
}
expect_eq "$(complete_words osmosis che)" "check" "osmosis che<TAB>"
expect_contains "$(complete_words osmosis check --)" "--warn-only" "osmosis check --<TAB>"
expect_eq "$(complete_words osmosis extract l)" "linux" "osmosis extract l<TAB>"
expect_contains "$(complete_words osmosis extract linux --p)" "--pid" "osmosis extract linux --p<TAB>"
expect_eq "$(complete_words osmosis describe --j)" "--json" "osmosis describe --j<TAB>"
touch state-one.csv
expect_eq "$(complete_words osmosis info state-)" "state-one.csv" "osmosis info FILE<TAB>"
expect_eq "$(complete_words cellulos ru)" "run" "cellulos ru<TAB>"
expect_contains "$(complete_words cellulos run kv00)" "kv008" "cellulos run kv00<TAB>"
expect_eq "$(complete_words cellulos run --crash)" "--crash-dump" "cellulos run --crash<TAB>"

# Programs build against the installed library through pkg-config.
cat > prog.c <<'C'
#include <osmosis/osmosis.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 0);
    if (argc < 2 || osm_csv_read_file(s, argv[1], NULL, &d, NULL) < 0)
        return 2;
    printf("%zu %zu\n", osm_store_node_count(s), osm_store_edge_count(s));
    osm_diags_free(&d);
    osm_store_free(s);
    return 0;
}
C
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root$multi/pkgconfig"
expect_contains "$(pkg-config --libs osmosis)" "-L$root$multi" "pkg-config --libs"
# shellcheck disable=SC2046
cc -o prog prog.c $(pkg-config --cflags osmosis) -static-libgcc \
    "$root$multi/libosmosis.a" -lm || fail "cannot compile against the installed headers"
expect_status 0 ./prog "$GPIKV"
expect_eq "$out" "1108 2814" "nodes and edges read through the installed library"
cc -o prog_so prog.c $(pkg-config --cflags --libs osmosis) || fail "cannot link with pkg-config --libs"
LD_LIBRARY_PATH="$root$multi" expect_status 0 ./prog_so "$GPIKV"
expect_eq "$out" "1108 2814" "through the shared library"

# The default LIBDIR is PREFIX/lib.
make -s -C "$TOP" install BUILD="$BUILD" DESTDIR="$PWD/root2" PREFIX=/usr/x >make2.log 2>&1 \
    || fail "make install (default LIBDIR) failed: $(cat make2.log)"
[ -e root2/usr/x/lib/libosmosis.so.0 ] && [ -e root2/usr/x/lib/pkgconfig/osmosis.pc ] \
    || fail "default LIBDIR is not PREFIX/lib"
expect_contains "$(cat root2/usr/x/lib/pkgconfig/osmosis.pc)" "libdir=/usr/x/lib"
exit 0
