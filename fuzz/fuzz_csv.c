/*
 * libFuzzer target for the CellulOS CSV reader and writer.
 *
 * Reads the input into a fresh store, writes it back, re-reads the written
 * text into a second store and asserts that writing that one gives the same
 * bytes (the writer is byte-stable and the reader accepts all it writes).
 * Along the way it exercises the snapshot and the typed EXTRA parsers, and
 * reads the same bytes as a file (a memfd) through a tiny window, which must
 * give the same state and the same messages as reading them from memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <osmosis/osmosis.h>

#include "format/csv_lines.h"

/* Write `s` into a malloc'd buffer; aborts on failure (a fuzz finding). */
static char *write_state(const osm_store *s, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f || osm_csv_write(s, f) < 0 || fclose(f) != 0)
        abort();
    return buf;
}

/* Touch every typed view of the state so their parsers see fuzzed text. */
static void exercise(const osm_store *s)
{
    osm_snapshot *g = osm_snapshot_build(s);
    if (!g)
        abort();
    if (g->n_edges != osm_store_edge_count(s))
        abort();
    osm_snapshot_free(g);
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE;
         n = osm_store_next_node(s, n)) {
        osm_vmr_info v;
        osm_mo_info m;
        (void)osm_vmr_info_parse(osm_node_extra(s, n), &v);
        (void)osm_mo_info_parse(osm_node_extra(s, n), &m);
    }
}

/* Read `data` from a memfd with a window of (size % 13) + 1 bytes and
 * compare with the read from memory: result, messages, state as written. */
static void same_as_file(const uint8_t *data, size_t size, int rc, const osm_diags *dm,
                         const osm_store *sm)
{
    int fd = memfd_create("fuzz_csv", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    osm_store *f = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 50);
    size_t saved = osm_lines_window;
    osm_lines_window = size % 13 + 1;
    int rf = osm_csv_read_file(f, path, NULL, &d, NULL);
    osm_lines_window = saved;
    close(fd);
    if (rf != rc || d.n != dm->n)
        abort();
    for (size_t i = 0; i < d.n; i++)
        if (d.v[i].line != dm->v[i].line || strcmp(d.v[i].msg, dm->v[i].msg) != 0)
            abort();
    size_t l1, l2;
    char *w1 = write_state(sm, &l1), *w2 = write_state(f, &l2);
    if (l1 != l2 || memcmp(w1, w2, l1) != 0)
        abort();
    free(w1);
    free(w2);
    osm_diags_free(&d);
    osm_store_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    osm_store *a = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 50);
    if (!a)
        abort();
    int r = osm_csv_read_buffer(a, (const char *)data, size, "fuzz", NULL, &d, NULL);
    same_as_file(data, size, r, &d, a);
    osm_diags_free(&d);
    if (r < 0) {
        if (osm_store_node_count(a) != 0)   /* "nothing usable" must mean nothing */
            abort();
        osm_store_free(a);
        return 0;
    }
    osm_cellulos_add_control(a);
    exercise(a);
    size_t len1, len2;
    char *w1 = write_state(a, &len1);

    osm_store *b = osm_store_new();
    osm_diags_init(&d, 50);
    if (!b || osm_csv_read_buffer(b, w1, len1, "rewrite", NULL, &d, NULL) < 0)
        abort();
    /* Our own output must read cleanly; only text that is not UTF-8 is
     * warned about again (the writer keeps bytes as they are). */
    for (size_t i = 0; i < d.n; i++)
        if (d.v[i].severity != OSM_WARNING || !strstr(d.v[i].msg, "is not valid UTF-8")) {
            fprintf(stderr, "re-read of written text: line %llu: %s\n",
                    (unsigned long long)d.v[i].line, d.v[i].msg);
            abort();
        }
    osm_diags_free(&d);
    if (osm_store_node_count(a) != osm_store_node_count(b) ||
        osm_store_edge_count(a) != osm_store_edge_count(b))
        abort();
    char *w2 = write_state(b, &len2);
    if (len1 != len2 || memcmp(w1, w2, len1) != 0) {
        fprintf(stderr, "writer not byte-stable (%zu vs %zu bytes)\n", len1, len2);
        abort();
    }
    free(w1);
    free(w2);
    osm_store_free(a);
    osm_store_free(b);
    return 0;
}
