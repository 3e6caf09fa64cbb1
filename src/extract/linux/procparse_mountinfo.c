/*
 * /proc/PID/mountinfo:
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * (mount id, parent id, major:minor, root, mount point, mount options,
 * optional fields up to "-", fs type, source, super options).  Paths use
 * octal escapes (\040) which we keep as printed.
 */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

int osm_lx_parse_mountinfo_line(const char *line, size_t len, osm_lx_mount *m)
{
    const char *p = line, *end = line + len, *w;
    uint64_t x, y;
    size_t wl;
    memset(m, 0, sizeof *m);
    if (!lx_scan_base(&p, end, 10, &x) || x > INT32_MAX)
        return -1;
    m->mnt_id = (int)x;
    lx_skip_spaces(&p, end);
    if (!lx_scan_base(&p, end, 10, &x) || x > INT32_MAX)
        return -1;
    m->parent_id = (int)x;
    lx_skip_spaces(&p, end);
    if (!lx_scan_base(&p, end, 10, &x) || !lx_expect(&p, end, ':') ||
        !lx_scan_base(&p, end, 10, &y) || x > 0xfff || y > 0xfffff)
        return -1;
    m->major = (unsigned)x;
    m->minor = (unsigned)y;
    w = lx_word(&p, end, &wl);
    if (!wl)
        return -1;
    lx_copy_field(m->root, sizeof m->root, w, wl);
    w = lx_word(&p, end, &wl);
    if (!wl)
        return -1;
    lx_copy_field(m->mountpoint, sizeof m->mountpoint, w, wl);
    for (;;) {                      /* options, optional fields, then "-" */
        w = lx_word(&p, end, &wl);
        if (!wl)
            return -1;
        if (wl == 1 && *w == '-')
            break;
    }
    w = lx_word(&p, end, &wl);
    if (!wl)
        return -1;
    lx_copy_field(m->fstype, sizeof m->fstype, w, wl);
    w = lx_word(&p, end, &wl);
    lx_copy_field(m->source, sizeof m->source, w, wl);
    w = lx_word(&p, end, &wl);
    lx_copy_field(m->super_opts, sizeof m->super_opts, w, wl);
    return 0;
}

size_t osm_lx_parse_mountinfo(const char *buf, size_t len,
                              int (*fn)(const osm_lx_mount *m, void *arg), void *arg)
{
    size_t pos = 0, ll, bad = 0;
    const char *line;
    osm_lx_mount m;
    while (osm_lx_next_line(buf, len, &pos, &line, &ll)) {
        if (ll == 0)
            continue;
        if (osm_lx_parse_mountinfo_line(line, ll, &m) < 0) {
            bad++;
            continue;
        }
        if (fn(&m, arg))
            break;
    }
    return bad;
}
