/*
 * /proc/PID/fdinfo/FD:
 *   pos:	0
 *   flags:	02100002      (octal open flags)
 *   mnt_id:	15
 *   ino:	1057
 * plus type-specific lines (eventfd-count, eventfd-id, tfd, ...).
 */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

int osm_lx_parse_fdinfo(const char *buf, size_t len, osm_lx_fdinfo *fi)
{
    memset(fi, 0, sizeof *fi);
    fi->mnt_id = -1;
    size_t pos = 0, ll;
    const char *line, *v, *end;
    uint64_t x;
    while (osm_lx_next_line(buf, len, &pos, &line, &ll)) {
        if (lx_key(line, ll, "pos:", &v, &end)) {
            if (lx_scan_base(&v, end, 10, &x))
                fi->pos = x;
        } else if (lx_key(line, ll, "flags:", &v, &end)) {
            if (lx_scan_base(&v, end, 8, &x) && x <= UINT32_MAX) {
                fi->flags = (unsigned)x;
                fi->have_flags = true;
            }
        } else if (lx_key(line, ll, "mnt_id:", &v, &end)) {
            if (lx_scan_base(&v, end, 10, &x) && x <= INT32_MAX)
                fi->mnt_id = (int)x;
        } else if (lx_key(line, ll, "ino:", &v, &end)) {
            if (lx_scan_base(&v, end, 10, &x)) {
                fi->ino = x;
                fi->have_ino = true;
            }
        } else if (lx_key(line, ll, "eventfd-id:", &v, &end)) {
            if (lx_scan_base(&v, end, 10, &x)) {
                fi->eventfd_id = x;
                fi->have_eventfd_id = true;
            }
        }
    }
    return fi->have_flags ? 0 : -1;
}
