/*
 * /proc/iomem: "  00100000-bffdffff : System RAM" (nesting by indent).
 * Only top-level System RAM ranges are physical-memory spaces.  Without
 * CAP_SYS_ADMIN the kernel prints zeros; the caller notices (all-zero
 * ranges) and falls back to one space.
 */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

size_t osm_lx_parse_iomem_ram(const char *buf, size_t len, osm_lx_range *out, size_t max,
                              size_t *total)
{
    size_t pos = 0, ll, n = 0, found = 0;
    const char *line;
    static const char ram[] = " : System RAM";
    while (osm_lx_next_line(buf, len, &pos, &line, &ll)) {
        const char *p = line, *end = line + ll;
        osm_lx_range r;
        if (ll == 0 || *p == ' ')
            continue;               /* nested entry */
        if (!lx_scan_hex(&p, end, &r.start) || !lx_expect(&p, end, '-') ||
            !lx_scan_hex(&p, end, &r.end) || r.end < r.start)
            continue;
        if ((size_t)(end - p) != sizeof ram - 1 || memcmp(p, ram, sizeof ram - 1) != 0)
            continue;
        found++;
        if (n < max)
            out[n++] = r;
    }
    if (total)
        *total = found;
    return n;
}
