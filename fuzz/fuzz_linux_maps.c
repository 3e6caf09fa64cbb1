/* libFuzzer: /proc/PID/maps parser and VMR kind classification. */
#include <stddef.h>
#include <stdint.h>

#include "extract/linux/procparse.h"

static int visit(const osm_lx_vma *v, void *arg)
{
    (*(size_t *)arg) += osm_lx_vma_kind(v)[0] != '\0';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    osm_lx_parse_maps((const char *)data, size, visit, &n);
    /* pagemap decoding of the same bytes as entries */
    osm_lx_run runs[64];
    size_t used;
    uint64_t hidden = 0;
    size_t ne = size / 8, at = 0;
    while (at < ne) {
        uint64_t e[128];
        size_t k = ne - at < 128 ? ne - at : 128;
        for (size_t i = 0; i < k; i++)
            __builtin_memcpy(&e[i], data + (at + i) * 8, 8);
        osm_lx_decode_pagemap(e, k, size & 1, runs, 64, &used, &hidden);
        at += used ? used : k;
    }
    return 0;
}
