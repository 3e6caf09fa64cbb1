/*
 * /proc/PID/cgroup: "hierarchy-ID:controller-list:cgroup-path" per line;
 * cgroup v2 is "0::/path".  Also the normalisation of limit files
 * (memory.max, pids.max, cpu.max, memory.limit_in_bytes, ...).
 */
#include <string.h>

#include "procparse.h"
#include "procparse_util.h"

int osm_lx_parse_cgroup_line(const char *line, size_t len, osm_lx_cgroup *c)
{
    const char *p = line, *end = line + len;
    uint64_t h;
    memset(c, 0, sizeof *c);
    if (!lx_scan_base(&p, end, 10, &h) || h > INT32_MAX || !lx_expect(&p, end, ':'))
        return -1;
    c->hierarchy = (int)h;
    const char *colon = memchr(p, ':', (size_t)(end - p));
    if (!colon)
        return -1;
    if ((size_t)(colon - p) >= sizeof c->controllers)
        return -1;
    lx_copy_field(c->controllers, sizeof c->controllers, p, (size_t)(colon - p));
    p = colon + 1;
    if (p >= end || *p != '/')
        return -1;
    lx_copy_field(c->path, sizeof c->path, p, (size_t)(end - p));
    return 0;
}

size_t osm_lx_parse_cgroup(const char *buf, size_t len,
                           int (*fn)(const osm_lx_cgroup *c, void *arg), void *arg)
{
    size_t pos = 0, ll, bad = 0;
    const char *line;
    osm_lx_cgroup c;
    while (osm_lx_next_line(buf, len, &pos, &line, &ll)) {
        if (ll == 0)
            continue;
        if (osm_lx_parse_cgroup_line(line, ll, &c) < 0) {
            bad++;
            continue;
        }
        if (fn(&c, arg))
            break;
    }
    return bad;
}

size_t osm_lx_parse_limit(const char *buf, size_t len, char *out, size_t outsz)
{
    if (!outsz)
        return 0;
    const char *nl = memchr(buf, '\n', len);
    size_t n = nl ? (size_t)(nl - buf) : len;
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
        n--;
    if (n >= outsz)
        n = outsz - 1;
    for (size_t i = 0; i < n; i++) {
        char ch = buf[i];
        if (ch == ';' || ch == '=')
            ch = '_';
        else if (ch < ' ' || ch > '~')
            ch = '?';
        out[i] = ch;
    }
    out[n] = '\0';
    return n;
}
