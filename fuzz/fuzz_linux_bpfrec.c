/* libFuzzer: the BPF iterators' record decoder (procparse_bpfrec.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract/linux/bpfrec.h"

/* Decode every record as user space does: VMAs to maps lines, fds to links. */
static int visit(const osm_lx_rec *r, void *arg)
{
    osm_lx_vma v;
    char link[OSM_LX_PATH_MAX];
    if (r->vma)
        *(size_t *)arg += osm_lx_rec_vma(r, &v) == 0 && v.path[sizeof v.path - 1] == '\0';
    else
        osm_lx_rec_fd_link(r, link, sizeof link);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t buf[65536 / 8 + 1];     /* records are 8-aligned */
    if (size > sizeof buf)
        size = sizeof buf;
    memcpy(buf, data, size);
    size_t n = 0;
    osm_lx_rec_walk(buf, size, visit, &n);
    return 0;
}
