/*
 * /proc/PID/maps:
 *   55d0c0a00000-55d0c0a21000 r-xp 00002000 fd:00 1311234   /usr/bin/cat
 * The path is the rest of the line after the inode's padding; it may hold
 * spaces and a " (deleted)" suffix.
 */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

int osm_lx_parse_maps_line(const char *line, size_t len, osm_lx_vma *v)
{
    const char *p = line, *end = line + len;
    uint64_t maj, min;
    memset(v, 0, sizeof *v);
    if (!lx_scan_hex(&p, end, &v->start) || !lx_expect(&p, end, '-') ||
        !lx_scan_hex(&p, end, &v->end) || v->end <= v->start || !lx_expect(&p, end, ' '))
        return -1;
    if (end - p < 5)
        return -1;
    if ((p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
        (p[2] != 'x' && p[2] != '-') || (p[3] != 's' && p[3] != 'p'))
        return -1;
    v->r = p[0] == 'r';
    v->w = p[1] == 'w';
    v->x = p[2] == 'x';
    v->shared = p[3] == 's';
    p += 4;
    lx_skip_spaces(&p, end);
    if (!lx_scan_hex(&p, end, &v->offset))
        return -1;
    lx_skip_spaces(&p, end);
    if (!lx_scan_hex(&p, end, &maj) || !lx_expect(&p, end, ':') || !lx_scan_hex(&p, end, &min) ||
        maj > 0xfff || min > 0xfffff)
        return -1;
    v->dev_major = (unsigned)maj;
    v->dev_minor = (unsigned)min;
    lx_skip_spaces(&p, end);
    if (!lx_scan_base(&p, end, 10, &v->inode))
        return -1;
    lx_skip_spaces(&p, end);
    lx_copy_field(v->path, sizeof v->path, p, (size_t)(end - p));
    return 0;
}

size_t osm_lx_parse_maps(const char *buf, size_t len,
                         int (*fn)(const osm_lx_vma *v, void *arg), void *arg)
{
    size_t pos = 0, ll, bad = 0;
    const char *line;
    osm_lx_vma v;
    while (osm_lx_next_line(buf, len, &pos, &line, &ll)) {
        if (ll == 0)
            continue;
        if (osm_lx_parse_maps_line(line, ll, &v) < 0) {
            bad++;
            continue;
        }
        if (fn(&v, arg))
            break;
    }
    return bad;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *osm_lx_vma_kind(const osm_lx_vma *v)
{
    const char *p = v->path;
    if (!strcmp(p, "[heap]"))
        return "HEAP";
    if (starts(p, "[stack"))
        return "STACK";
    if (!strcmp(p, "[vdso]"))
        return "VDSO";
    if (!strcmp(p, "[vvar]") || starts(p, "[vvar_"))
        return "VVAR";
    if (!strcmp(p, "[vsyscall]"))
        return "VSYSCALL";
    if (starts(p, "/memfd:"))
        return "MEMFD";
    if (starts(p, "/SYSV") || starts(p, "/dev/shm/"))
        return "SHM";
    if (p[0] == '[')
        return "SPECIAL";
    if (!v->inode)
        return v->shared ? "SHARED_ANON" : "ANON";
    if (v->x)
        return "CODE";
    if (v->w)
        return "DATA";
    return v->shared ? "FILE_SHARED" : "FILE";
}
