/*
 * Committing one gathered process to the store: its PD(s), address space
 * and mappings, descriptors, namespaces and cgroups.  IDs are stable across
 * runs for the same kernel objects (pid, address, device+inode, namespace
 * inode), so two extractions can be compared.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "linux_internal.h"

/* Find or create resource `id` of `type` drawn from space `sid` (created
 * with `sextra` when new).  *space gets the space.  OSM_NONE on ENOMEM. */
static osm_id resource(lx_ctx *c, const char *id, const char *type, const char *extra,
                       const char *sid, const char *sextra, osm_id *space)
{
    osm_id sp = lx_node(c, OSM_SPACE, sid, type, sextra);
    if (space)
        *space = sp;
    if (sp == OSM_NONE)
        return OSM_NONE;
    osm_id r = osm_store_find(c->s, id);
    if (r != OSM_NONE)
        return r;
    r = osm_store_add_node(c->s, OSM_RESOURCE, id, type, extra);
    if (r == OSM_NONE || lx_subset(c, r, sp) < 0)
        return OSM_NONE;
    return r;
}

/* "fstype=ext4;mount=/" for a filesystem space, from the host's mounts. */
static void fs_extra(lx_ctx *c, unsigned maj, unsigned min, char *out, size_t sz)
{
    const osm_lx_mount *m = lx_mount_by_dev(lx_mounts_host(c), maj, min);
    if (m)
        snprintf(out, sz, "dev=%u:%u;fstype=%s;mount=%s", maj, min, m->fstype, m->mountpoint);
    else
        snprintf(out, sz, "dev=%u:%u", maj, min);
}

/* Devices that keep no state one opener could leave for another: reads
 * give zeros, end-of-file or random bytes whatever was written before, and
 * writes vanish (writes to the random devices are mixed into the pool and
 * cannot be read back).  Every opener gets its own resource (ID suffixed
 * "@PID"), so holding one does not make processes share anything. */
static bool stateless_device(const char *path)
{
    static const char *const devs[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                        "/dev/urandom" };
    for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++)
        if (!strcmp(path, devs[i]))
            return true;
    return false;
}

/* A file-like resource (FILE, MEMFD, SHM, DEVICE) by device + inode. */
static osm_id inode_resource(lx_ctx *c, const char *type, const char *space_prefix, unsigned maj,
                             unsigned min, uint64_t ino, const char *path, int pid, osm_id *space)
{
    char id[112], sid[64], sextra[2 * OSM_LX_PATH_MAX];
    size_t n = (size_t)snprintf(id, sizeof id, "%s_%u:%u_%llu", type, maj, min,
                                (unsigned long long)ino);
    if (stateless_device(path) && n < sizeof id)
        snprintf(id + n, sizeof id - n, "@%d", pid);
    snprintf(sid, sizeof sid, "%s_%u:%u", space_prefix, maj, min);
    fs_extra(c, maj, min, sextra, sizeof sextra);
    return resource(c, id, type, path, sid, sextra, space);
}

/* Which file-like resource a path names. */
static void path_type(const char *path, const char **type, const char **space_prefix)
{
    if (!strncmp(path, "/memfd:", 7)) {
        *type = "MEMFD";
        *space_prefix = "MEMFS";
    } else if (!strncmp(path, "/SYSV", 5)) {
        *type = "SHM";
        *space_prefix = "SHMFS";
    } else if (!strncmp(path, "/dev/", 5) && strncmp(path, "/dev/shm/", 9) &&
               strncmp(path, "/dev/mqueue/", 12)) {
        *type = "DEVICE";
        *space_prefix = "DEVFS";
    } else {
        *type = "FILE";
        *space_prefix = "FS";
    }
}

static uint8_t vma_perms(const osm_lx_vma *v)
{
    return (uint8_t)((v->r ? OSM_PERM_R : 0) | (v->w ? OSM_PERM_W : 0) | (v->x ? OSM_PERM_X : 0) |
                     (v->shared ? OSM_PERM_S : OSM_PERM_P));
}

static int commit_memory(lx_ctx *c, osm_lx_proc *p, osm_id ads)
{
    char id[64], extra[96];
    for (size_t i = 0; i < p->n_vmr; i++) {
        lx_vmr *m = &p->vmr[i];
        const osm_lx_vma *v = &m->v;
        snprintf(id, sizeof id, "VMR_%d_%llx", p->pid, (unsigned long long)v->start);
        snprintf(extra, sizeof extra, "0x%llx_%s_%llu_12", (unsigned long long)v->start,
                 osm_lx_vma_kind(v), (unsigned long long)((v->end - v->start) / 4096));
        osm_id r = osm_store_add_node(c->s, OSM_RESOURCE, id, "VMR", extra);
        if (r == OSM_NONE) {
            if (errno == EEXIST)
                continue;
            return -1;
        }
        m->node = r;
        if (lx_subset(c, r, ads) < 0)
            return -1;
        uint8_t perms = vma_perms(v);
        for (size_t t = 0; t < p->n_pd; t++)
            if (lx_hold_new(c, p->pd[t], r, perms) < 0)
                return -1;
        if (!v->inode || v->path[0] != '/')
            continue;
        const char *type, *pre;
        path_type(v->path, &type, &pre);
        osm_id fsp, f = inode_resource(c, type, pre, v->dev_major, v->dev_minor, v->inode,
                                       v->path, p->pid, &fsp);
        /* Writes to a private mapping never reach the file. */
        uint8_t mp = v->shared ? perms : (uint8_t)(perms & ~OSM_PERM_W);
        if (f == OSM_NONE || lx_map(c, r, ads, f, fsp, mp) < 0)
            return -1;
        /* Its file frames are the page cache of f (lx_phys_commit maps f
         * onto them); a device's frames are not what writing it changes. */
        if (strcmp(type, "DEVICE")) {
            m->file = f;
            m->file_space = fsp;
        }
        /* The mapping process holds the file it maps (as it would a frame),
         * so the kernel need not hold it (docs/linux.md, "the kernel"). */
        for (size_t t = 0; t < p->n_pd && (mp & OSM_PERM_RWXT); t++) {
            /* A HOLD made by a mapping carries its S/P flag; widening a
             * descriptor's HOLD adds only R/W/X, so a HOLD without S or P
             * says "through a descriptor" (describe's open files). */
            bool fd_hold = osm_store_find_edge(c->s, OSM_HOLD, p->pd[t], f, OSM_NONE) != OSM_NONE;
            if (lx_hold(c, p->pd[t], f, fd_hold ? (uint8_t)(mp & OSM_PERM_RWXT) : mp) < 0)
                return -1;
        }
    }
    return 0;
}

/* The ID of the resource an fd refers to, and its space. */
static void fd_ids(const osm_lx_proc *p, const lx_fd *f, char *id, size_t isz, char *sid,
                   size_t ssz)
{
    const char *type = lx_fd_types[f->kind];
    switch (f->kind) {
    case LX_FD_FILE:
    case LX_FD_MEMFD:
    case LX_FD_DEVICE: {
        const char *t, *pre;
        path_type(f->what, &t, &pre);
        if (f->kind == LX_FD_MEMFD)
            pre = "MEMFS";
        int n = snprintf(id, isz, "%s_%u:%u_%llu", type, f->major, f->minor,
                         (unsigned long long)f->ino);
        if (f->kind == LX_FD_DEVICE && stateless_device(f->what) && n > 0 && (size_t)n < isz)
            snprintf(id + n, isz - (size_t)n, "@%d", p->pid);
        snprintf(sid, ssz, "%s_%u:%u", pre, f->major, f->minor);
        return;
    }
    case LX_FD_SOCKET:
        snprintf(id, isz, "SOCKET_%llu", (unsigned long long)f->ino);
        snprintf(sid, ssz, "SOCKETS_net_%llu", (unsigned long long)p->ns[LX_NS_NET]);
        return;
    case LX_FD_PIPE:
        snprintf(id, isz, "PIPE_%llu", (unsigned long long)f->ino);
        snprintf(sid, ssz, "PIPEFS");
        return;
    default:
        if (f->anon_id)
            snprintf(id, isz, "%s_id%llu", type, (unsigned long long)(f->anon_id - 1));
        else
            snprintf(id, isz, "%s_%d_%d", type, p->pid, f->fd);
        snprintf(sid, ssz, "ANONFS_%s", type);
        return;
    }
}

typedef struct fd_ref {
    char id[112], sid[64];
    const lx_fd *f;
    uint8_t perms;
} fd_ref;

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const fd_ref *)a)->id, ((const fd_ref *)b)->id);
}

static int commit_fds(lx_ctx *c, osm_lx_proc *p)
{
    if (!p->n_fd)
        return 0;
    fd_ref *v = malloc(p->n_fd * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < p->n_fd; i++) {
        fd_ids(p, &p->fd[i], v[i].id, sizeof v[i].id, v[i].sid, sizeof v[i].sid);
        v[i].f = &p->fd[i];
        v[i].perms = p->fd[i].perms;
    }
    qsort(v, p->n_fd, sizeof *v, cmp_ref);
    int rc = 0;
    char sextra[2 * OSM_LX_PATH_MAX];
    for (size_t i = 0; i < p->n_fd && rc == 0; i++) {
        uint8_t perms = v[i].perms;
        while (i + 1 < p->n_fd && !strcmp(v[i].id, v[i + 1].id))
            perms |= v[++i].perms;   /* several fds on one object: one hold */
        const lx_fd *f = v[i].f;
        sextra[0] = '\0';
        if (f->kind == LX_FD_FILE || f->kind == LX_FD_DEVICE || f->kind == LX_FD_MEMFD)
            fs_extra(c, f->major, f->minor, sextra, sizeof sextra);
        else if (f->kind == LX_FD_SOCKET)
            snprintf(sextra, sizeof sextra, "netns=%llu", (unsigned long long)p->ns[LX_NS_NET]);
        osm_id r = resource(c, v[i].id, lx_fd_types[f->kind], f->what, v[i].sid, sextra, NULL);
        if (r == OSM_NONE) {
            rc = -1;
            break;
        }
        for (size_t t = 0; t < p->n_pd && rc == 0; t++)
            rc = lx_hold_new(c, p->pd[t], r, perms);
    }
    free(v);
    return rc;
}

static int commit_namespaces(lx_ctx *c, const osm_lx_proc *p)
{
    char id[64], type[16], extra[64];
    for (int k = 0; k < LX_NS_COUNT; k++) {
        if (!p->ns[k])
            continue;
        snprintf(id, sizeof id, "NS_%s_%llu", lx_ns_names[k], (unsigned long long)p->ns[k]);
        snprintf(type, sizeof type, "NS_%s", lx_ns_names[k]);
        for (char *t = type; *t; t++)
            *t = (char)(*t >= 'a' && *t <= 'z' ? *t - 32 : *t);
        snprintf(extra, sizeof extra, "inode=%llu", (unsigned long long)p->ns[k]);
        osm_id sp = lx_node(c, OSM_SPACE, id, type, extra);
        if (sp == OSM_NONE || lx_member(c, p, sp) < 0)
            return -1;
    }
    return 0;
}

static const char *seccomp_name(int mode)
{
    static const char *const names[] = { "off", "strict", "filter" };
    return mode >= 0 && mode <= 2 ? names[mode] : "unknown";
}

/* ";key=path" at out+len, with '%' and ';' written %25 and %3B so that the
 * EXTRA's ';' still separates keys; nothing when path is NULL.  Returns the
 * new length (clipped to sz - 1). */
static size_t append_path(char *out, size_t sz, size_t len, const char *key, const char *path)
{
    if (!path || len + 1 >= sz)
        return len;
    len += (size_t)snprintf(out + len, sz - len, ";%s=", key);
    for (const char *c = path; *c && len + 4 < sz; c++) {
        if (*c == '%' || *c == ';')
            len += (size_t)snprintf(out + len, sz - len, "%%%02X", (unsigned char)*c);
        else
            out[len++] = *c;
    }
    out[len < sz ? len : sz - 1] = '\0';
    return len < sz ? len : sz - 1;
}

/* The PD's EXTRA: credentials, capability sets (hex and by name) and
 * seccomp, as key=value pairs separated by ';'.  Keys added later go at
 * the end (readers of older dumps find the first ones where they were):
 * cap_amb, then root and cwd when readable (paths escaped, append_path). */
static void pd_extra(const osm_lx_proc *p, int tid, char *out, size_t sz)
{
    const osm_lx_status *st = &p->st;
    char names[1024];
    osm_lx_cap_names(st->cap_eff, names, sizeof names);
    int n = snprintf(out, sz,
             "pid=%d;tid=%d;ppid=%d;uid=%u,%u,%u,%u;gid=%u,%u,%u,%u;cap_eff=%016llx;"
             "cap_prm=%016llx;cap_bnd=%016llx;seccomp=%s;no_new_privs=%d;userns=%llu;"
             "pidns_depth=%d;caps=%s;cap_amb=%016llx",
             p->pid, tid, st->ppid, st->uid[0], st->uid[1], st->uid[2], st->uid[3], st->gid[0],
             st->gid[1], st->gid[2], st->gid[3], (unsigned long long)st->cap_eff,
             (unsigned long long)st->cap_prm, (unsigned long long)st->cap_bnd,
             seccomp_name(st->seccomp), st->no_new_privs,
             (unsigned long long)p->ns[LX_NS_USER], st->nspid_depth, names,
             (unsigned long long)st->cap_amb);
    size_t len = n < 0 ? 0 : (size_t)n < sz ? (size_t)n : sz - 1;
    len = append_path(out, sz, len, "root", p->root);
    len = append_path(out, sz, len, "cwd", p->cwd);
    /* What seccomp leaves it over others (T, R, W) and its dumpability. */
    static const char *const may[] = { "no", "yes", "unknown" };
    const lx_reach *r = &p->reach;
    if (len < sz)
        len += (size_t)snprintf(out + len, sz - len, ";dumpable=%s;may=T:%s,R:%s,W:%s",
                                p->dumpable < 0 ? "unknown" : p->dumpable ? "yes" : "no",
                                may[r->signal], may[r->read], may[r->write]);
    if (len < sz && (r->signal == LX_MAY_UNKNOWN || r->read == LX_MAY_UNKNOWN ||
                     r->write == LX_MAY_UNKNOWN))
        snprintf(out + len, sz - len, ";may_why=%s", r->why);
}

static int commit_pds(lx_ctx *c, osm_lx_proc *p)
{
    size_t n = c->o->threads && p->n_thr ? p->n_thr : 1;
    p->pd = malloc(n * sizeof *p->pd);
    if (!p->pd)
        return -1;
    char id[48], extra[2048 + 2 * 3 * PATH_MAX];   /* paths may triple when escaped */
    for (size_t t = 0; t < n; t++) {
        bool thr = c->o->threads && p->n_thr;
        int tid = thr ? p->thr[t].tid : p->pid;
        if (thr)
            snprintf(id, sizeof id, "PD_%d.%d", p->pid, tid);
        else
            snprintf(id, sizeof id, "PD_%d", p->pid);
        pd_extra(p, tid, extra, sizeof extra);
        osm_id pd = osm_store_add_node(c->s, OSM_PD, id, thr ? p->thr[t].comm : p->st.name, extra);
        if (pd == OSM_NONE)
            return -1;
        p->pd[p->n_pd++] = pd;
    }
    return 0;
}

int lx_commit(lx_ctx *c, osm_lx_proc *p)
{
    if (commit_pds(c, p) < 0)
        return -1;
    char id[32], extra[32];
    snprintf(id, sizeof id, "ADS_%d", p->pid);
    snprintf(extra, sizeof extra, "pid=%d", p->pid);
    /* Held by the kernel only (lx_kernel_holds): the process draws from it
     * through its VMRs; holding it would make the process the server of
     * whoever else draws from it (the kernel, its other threads). */
    osm_id ads = lx_node(c, OSM_SPACE, id, "ADS", extra);
    if (ads == OSM_NONE)
        return -1;
    /* Descriptors before mappings: an fd's HOLD is new (lx_hold_new), a
     * mapping of the same file then widens it. */
    if (commit_fds(c, p) < 0 || commit_memory(c, p, ads) < 0 || commit_namespaces(c, p) < 0 ||
        lx_commit_cgroups(c, p) < 0)
        return -1;
    return 0;
}
