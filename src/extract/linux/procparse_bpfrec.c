/*
 * The BPF iterators' records (bpf/lx_rec.h) decoded into the /proc
 * parsers' structs, so the model built from them is the /proc path's.
 */
#include <stdio.h>
#include <string.h>

#include "bpfrec.h"
#include "procparse_util.h"

/* The kernel's vm_flags bits /proc/PID/maps prints (include/linux/mm.h). */
enum { LX_VM_READ = 0x1, LX_VM_WRITE = 0x2, LX_VM_EXEC = 0x4, LX_VM_MAYSHARE = 0x80 };

/* The fixed size of a record type; 0 when unknown. */
static size_t fixed_size(unsigned type)
{
    switch (type) {
    case LX_REC_FD: return sizeof(struct lx_rec_fd);
    case LX_REC_VMA: return sizeof(struct lx_rec_vma);
    default: return 0;
    }
}

size_t osm_lx_rec_walk(const void *buf, size_t len, int (*fn)(const osm_lx_rec *r, void *arg),
                       void *arg)
{
    const char *b = buf;
    size_t off = 0, bad = 0;
    while (off < len) {
        if (len - off < sizeof(struct lx_rec_hdr)) {
            bad++;
            break;
        }
        const struct lx_rec_hdr *h = (const void *)(b + off);
        if (h->len < sizeof *h || h->len % 8 || h->len > len - off) {
            bad++;                  /* no trustworthy length: nothing after it is */
            break;
        }
        size_t fixed = fixed_size(h->type);
        osm_lx_rec r = { .h = h };
        if (fixed && fixed <= h->len) {
            if (h->type == LX_REC_FD) {
                r.fd = (const void *)h;
                r.path_len = r.fd->path_len;
            } else {
                r.vma = (const void *)h;
                r.path_len = r.vma->path_len;
            }
            r.path = (const char *)h + fixed;
        }
        off += h->len;
        if (!fixed || fixed > h->len || r.path_len > h->len - fixed) {
            bad++;
            continue;
        }
        if (fn(&r, arg))
            break;
    }
    return bad;
}

/* Append s[0..n) to out (at *pos, capacity sz), escaping '\n' as "\012"
 * as the kernel's seq_file_path does; stops when full. */
static void put_escaped(char *out, size_t sz, size_t *pos, const char *s, size_t n)
{
    for (size_t i = 0; i < n && *pos + 1 < sz; i++) {
        if (s[i] == '\n') {
            for (const char *e = "\\012"; *e && *pos + 1 < sz; e++)
                out[(*pos)++] = *e;
        } else {
            out[(*pos)++] = s[i];
        }
    }
    out[*pos] = '\0';
}

/* The path of a LX_VNAME_PATH record: its components come leaf first,
 * each a length byte and the name; the path is them root first, joined
 * by '/'.  -1 when a component overruns the record. */
static int join_path(const osm_lx_rec *r, char *out, size_t sz)
{
    const unsigned char *p = (const unsigned char *)r->path;
    uint16_t starts[LX_REC_PATH_MAX / 2];
    size_t k = 0, pos = 0;
    for (size_t i = 0; i < r->path_len; i += 1 + p[i]) {
        if (i + 1 + p[i] > r->path_len || k == sizeof starts / sizeof starts[0])
            return -1;
        starts[k++] = i;
    }
    out[0] = '\0';
    if (!k)
        put_escaped(out, sz, &pos, "/", 1);
    while (k--) {
        put_escaped(out, sz, &pos, "/", 1);
        put_escaped(out, sz, &pos, (const char *)p + starts[k] + 1, p[starts[k]]);
    }
    if (r->vma->path_flags & LX_VPATH_DELETED)
        put_escaped(out, sz, &pos, " (deleted)", 10);
    return 0;
}

int osm_lx_rec_vma(const osm_lx_rec *r, osm_lx_vma *v)
{
    const struct lx_rec_vma *m = r->vma;
    memset(v, 0, sizeof *v);
    if (!m || (m->path_flags & LX_VPATH_INCOMPLETE) || m->end <= m->start)
        return -1;
    v->start = m->start;
    v->end = m->end;
    v->offset = m->pgoff;
    v->inode = m->ino;
    v->dev_major = m->dev >> 20;
    v->dev_minor = m->dev & 0xfffff;
    v->r = m->flags & LX_VM_READ;
    v->w = m->flags & LX_VM_WRITE;
    v->x = m->flags & LX_VM_EXEC;
    v->shared = m->flags & LX_VM_MAYSHARE;
    char name[OSM_LX_PATH_MAX];
    size_t pos = 0;
    lx_copy_field(name, sizeof name, r->path, r->path_len);
    switch (m->name_kind) {
    case LX_VNAME_NONE: break;
    case LX_VNAME_PATH: return join_path(r, v->path, sizeof v->path);
    case LX_VNAME_HEAP: snprintf(v->path, sizeof v->path, "[heap]"); break;
    case LX_VNAME_STACK: snprintf(v->path, sizeof v->path, "[stack]"); break;
    case LX_VNAME_ANON:
    case LX_VNAME_ANON_SHMEM:
        /* Names set by prctl(PR_SET_VMA_ANON_NAME) are printable: no '\n'. */
        put_escaped(v->path, sizeof v->path, &pos,
                    m->name_kind == LX_VNAME_ANON ? "[anon:" : "[anon_shmem:",
                    m->name_kind == LX_VNAME_ANON ? 6 : 12);
        put_escaped(v->path, sizeof v->path, &pos, name, strlen(name));
        put_escaped(v->path, sizeof v->path, &pos, "]", 1);
        break;
    case LX_VNAME_SPECIAL: put_escaped(v->path, sizeof v->path, &pos, name, strlen(name)); break;
    default: return -1;
    }
    return 0;
}

void osm_lx_rec_fd_link(const osm_lx_rec *r, char *out, size_t outsz)
{
    lx_copy_field(out, outsz, r->path, r->path_len);
}
