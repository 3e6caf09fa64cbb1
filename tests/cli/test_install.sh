#!/bin/bash
# make install: headers, static and shared library, pkg-config file and tools
# land under DESTDIR/PREFIX, and a program builds against them with pkg-config.
source "$TOP/tests/cli/lib.sh"
case "$BUILD" in
*asan*) echo "install is checked on the plain build only"; exit 0 ;;
esac
root="$PWD/root"
make -s -C "$TOP" install BUILD="$BUILD" DESTDIR="$root" PREFIX=/opt/osm >make.log 2>&1 \
    || fail "make install failed: $(cat make.log)"
for f in include/osmosis/osmosis.h include/osmosis/model.h lib/libosmosis.a lib/libosmosis.so.0 \
         lib/pkgconfig/osmosis.pc bin/osmosis; do
    [ -e "$root/opt/osm/$f" ] || fail "make install did not install $f"
done
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
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/opt/osm/lib/pkgconfig"
# shellcheck disable=SC2046
cc -o prog prog.c $(pkg-config --cflags osmosis) -static-libgcc \
    "$root/opt/osm/lib/libosmosis.a" -lm || fail "cannot compile against the installed headers"
expect_status 0 ./prog "$GPIKV"
expect_eq "$out" "1108 2814" "nodes and edges read through the installed library"
cc -o prog_so prog.c $(pkg-config --cflags --libs osmosis) || fail "cannot link with pkg-config --libs"
LD_LIBRARY_PATH="$root/opt/osm/lib" expect_status 0 ./prog_so "$GPIKV"
expect_eq "$out" "1108 2814" "through the shared library"
exit 0
