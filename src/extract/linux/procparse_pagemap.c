/*
 * Decoding /proc/PID/pagemap entries (64 bits per virtual page: bit 63
 * present, 62 swapped, 61 file page or shared anonymous, 56 exclusively
 * mapped, 0-54 PFN) into runs of frames that are contiguous virtually and
 * physically.
 */
#include "procparse.h"

size_t osm_lx_decode_pagemap(const uint64_t *pm, size_t n, bool per_page, osm_lx_run *out,
                             size_t max, size_t *consumed, uint64_t *hidden)
{
    size_t k = 0, i = 0;
    for (; i < n; i++) {
        uint64_t e = pm[i];
        if (!(e & OSM_LX_PM_PRESENT) || (e & OSM_LX_PM_SWAPPED))
            continue;
        uint64_t pfn = e & OSM_LX_PM_PFN_MASK;
        if (!pfn) {
            (*hidden)++;
            continue;
        }
        bool ex = (e & OSM_LX_PM_EXCLUSIVE) != 0, file = (e & OSM_LX_PM_FILE) != 0;
        if (!per_page && k > 0) {
            osm_lx_run *r = &out[k - 1];
            if (r->page + r->n == i && r->pfn + r->n == pfn && r->exclusive == ex &&
                r->file == file) {
                r->n++;
                continue;
            }
        }
        if (k == max)
            break;
        out[k++] = (osm_lx_run){ .page = i, .pfn = pfn, .n = 1, .exclusive = ex, .file = file };
    }
    *consumed = i;
    return k;
}
