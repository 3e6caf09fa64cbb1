/*
 * Mount tables (one per mount namespace, read on first use) to turn a
 * descriptor's mnt_id into its filesystem's device, and cgroup spaces with
 * their limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux_internal.h"

struct lx_mount_table {
    uint64_t mntns;
    size_t first_slot;          /* the earliest process (scan order) that asked */
    osm_lx_mount *m;            /* sorted by mnt_id */
    size_t n, cap;
};

static int add_mount(const osm_lx_mount *m, void *arg)
{
    lx_mount_table *t = arg;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 32;
        osm_lx_mount *v = realloc(t->m, nc * sizeof *v);
        if (!v)
            return 1;
        t->m = v;
        t->cap = nc;
    }
    t->m[t->n++] = *m;
    return 0;
}

static int cmp_mnt(const void *a, const void *b)
{
    const osm_lx_mount *x = a, *y = b;
    return (x->mnt_id > y->mnt_id) - (x->mnt_id < y->mnt_id);
}

static void table_free(lx_mount_table *t)
{
    if (t)
        free(t->m);
    free(t);
}

/* Read dirfd/path as a mount table for mntns; NULL when unreadable. */
static lx_mount_table *load_table(const lx_ctx *c, lx_scratch *w, int pid, int dirfd,
                                  const char *path, uint64_t mntns)
{
    if (lx_read_file(dirfd, path, LX_K_MOUNTINFO, &w->buf2) < 0) {
        if (w->buf2.why[0])
            lx_note_refused(&w->rep, c->o->proc, pid, path, w->buf2.why);
        return NULL;
    }
    lx_mount_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->mntns = mntns;
    w->rep.bad_lines += osm_lx_parse_mountinfo(w->buf2.p, w->buf2.len, add_mount, t);
    qsort(t->m, t->n, sizeof *t->m, cmp_mnt);
    return t;
}

/* The cached table of mount namespace ns, noting that `slot` asked for it
 * (caller holds mounts_lock). */
static lx_mount_table *cached(lx_ctx *c, uint64_t ns, size_t slot)
{
    for (size_t i = 0; ns && i < c->n_mounts; i++)
        if (c->mounts[i]->mntns == ns) {
            if (slot < c->mounts[i]->first_slot)
                c->mounts[i]->first_slot = slot;
            return c->mounts[i];
        }
    return NULL;
}

/* Keep t (caller holds mounts_lock); false on ENOMEM. */
static bool keep(lx_ctx *c, lx_mount_table *t)
{
    lx_mount_table **v = realloc(c->mounts, (c->n_mounts + 1) * sizeof *v);
    if (!v)
        return false;
    c->mounts = v;
    v[c->n_mounts++] = t;
    return true;
}

/* The table is read outside the lock (the read is the slow part); when two
 * threads read the same namespace at once, the first kept wins and the
 * other copy is dropped.  Tables never change once kept. */
const lx_mount_table *lx_mounts_for(lx_ctx *c, lx_scratch *w, size_t slot,
                                    const osm_lx_proc *p, int pidfd)
{
    uint64_t ns = p->ns[LX_NS_MNT];
    pthread_mutex_lock(&c->mounts_lock);
    lx_mount_table *t = cached(c, ns, slot);
    pthread_mutex_unlock(&c->mounts_lock);
    if (t)
        return t;
    lx_mount_table *fresh = load_table(c, w, p->pid, pidfd, "mountinfo", ns);
    if (!fresh)
        return NULL;
    fresh->first_slot = slot;
    pthread_mutex_lock(&c->mounts_lock);
    t = cached(c, ns, slot);
    if (!t && keep(c, fresh)) {
        t = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&c->mounts_lock);
    table_free(fresh);
    return t;
}

void lx_mounts_settle_host(lx_ctx *c, size_t slot)
{
    if (c->host)
        return;
    pthread_mutex_lock(&c->mounts_lock);
    const lx_mount_table *best = NULL;
    for (size_t i = 0; i < c->n_mounts; i++)
        if (c->mounts[i]->first_slot <= slot &&
            (!best || c->mounts[i]->first_slot < best->first_slot))
            best = c->mounts[i];
    c->host = best;
    pthread_mutex_unlock(&c->mounts_lock);
}

bool lx_mount_dev(const lx_mount_table *t, int mnt_id, unsigned *major, unsigned *minor)
{
    osm_lx_mount key = { .mnt_id = mnt_id };
    const osm_lx_mount *m = bsearch(&key, t->m, t->n, sizeof *t->m, cmp_mnt);
    if (!m)
        return false;
    *major = m->major;
    *minor = m->minor;
    return true;
}

const osm_lx_mount *lx_mount_by_dev(const lx_mount_table *t, unsigned major, unsigned minor)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (t->m[i].major == major && t->m[i].minor == minor)
            return &t->m[i];
    return NULL;
}

void lx_mounts_free(lx_ctx *c)
{
    for (size_t i = 0; i < c->n_mounts; i++)
        table_free(c->mounts[i]);
    free(c->mounts);
    c->mounts = NULL;
    c->n_mounts = 0;
    c->host = NULL;
}

/* Does a cgroup v1 mount's super options name exactly these controllers? */
static bool opts_have(const char *opts, const char *controllers)
{
    char want[128];
    snprintf(want, sizeof want, "%s", controllers);
    for (char *save = NULL, *w = strtok_r(want, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        size_t wl = strlen(w);
        const char *o = opts;
        bool found = false;
        while (!found && (o = strstr(o, w))) {
            found = (o == opts || o[-1] == ',') && (o[wl] == ',' || o[wl] == '\0');
            o += wl;
        }
        if (!found)
            return false;
    }
    return true;
}

const char *lx_cgroup_mountpoint(lx_ctx *c, const char *controllers)
{
    if (!c->o->live || !c->host)
        return NULL;
    const lx_mount_table *t = lx_mounts_host(c);
    for (size_t i = 0; i < t->n; i++) {
        const osm_lx_mount *m = &t->m[i];
        if (!controllers[0] ? !strcmp(m->fstype, "cgroup2")
                            : !strcmp(m->fstype, "cgroup") && opts_have(m->super_opts, controllers))
            return m->mountpoint;
    }
    return NULL;
}

/* Limit files worth carrying (v2 and v1); missing ones are skipped. */
static const char *const limit_files[] = {
    "memory.max", "memory.high", "memory.swap.max", "pids.max", "cpu.max", "cpu.weight",
    "io.max", "cpuset.cpus", "cgroup.max.depth", "cgroup.max.descendants",
    "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "cpu.cfs_quota_us",
    "cpu.cfs_period_us", "cpu.shares",
};

/* "hierarchy=...;path=...;memory.max=..." for one cgroup directory. */
static void cgroup_extra(lx_ctx *c, const char *hier, const char *controllers, const char *path,
                         char *out, size_t outsz)
{
    size_t n = (size_t)snprintf(out, outsz, "hierarchy=%s;path=%s", hier, path);
    const char *mp = lx_cgroup_mountpoint(c, controllers);
    if (!mp || n >= outsz)
        return;
    char dir[2 * OSM_LX_PATH_MAX + 2];
    snprintf(dir, sizeof dir, "%s%s", mp, path);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return;
    char val[128];
    for (size_t i = 0; i < sizeof limit_files / sizeof *limit_files && n < outsz; i++) {
        if (lx_read_file(dfd, limit_files[i], LX_K_SMALL, &c->buf2) < 0)
            continue;
        osm_lx_parse_limit(c->buf2.p, c->buf2.len, val, sizeof val);
        n += (size_t)snprintf(out + n, outsz - n, ";%s=%s", limit_files[i], val);
    }
    close(dfd);
}

/* The space for hier:path, creating it and its ancestors (each MAPs to its
 * parent).  OSM_NONE on ENOMEM. */
static osm_id cgroup_space(lx_ctx *c, const char *hier, const char *controllers, const char *path)
{
    char id[OSM_LX_PATH_MAX + 160];
    snprintf(id, sizeof id, "CG_%s:%s", hier, path);
    osm_id sp = osm_store_find(c->s, id);
    if (sp != OSM_NONE)
        return sp;
    char extra[2048];
    cgroup_extra(c, hier, controllers, path, extra, sizeof extra);
    sp = lx_node(c, OSM_SPACE, id, "CGROUP", extra);
    if (sp == OSM_NONE || !strcmp(path, "/"))
        return sp;
    char parent[OSM_LX_PATH_MAX];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    osm_id up = cgroup_space(c, hier, controllers, parent);
    if (up == OSM_NONE || osm_store_add_edge(c->s, OSM_MAP, sp, up, 0, OSM_NONE, NULL) == OSM_NONE)
        return OSM_NONE;
    return sp;
}

int lx_commit_cgroups(lx_ctx *c, const osm_lx_proc *p)
{
    for (size_t i = 0; i < p->n_cg; i++) {
        const osm_lx_cgroup *g = &p->cg[i];
        char hier[140];
        if (!g->controllers[0])
            snprintf(hier, sizeof hier, "%s", g->hierarchy == 0 ? "unified" : "none");
        else
            snprintf(hier, sizeof hier, "%s", g->controllers);
        /* trim a trailing "/" so that "/a/" and "/a" are one cgroup */
        char path[OSM_LX_PATH_MAX];
        snprintf(path, sizeof path, "%s", g->path);
        size_t pl = strlen(path);
        while (pl > 1 && path[pl - 1] == '/')
            path[--pl] = '\0';
        osm_id sp = cgroup_space(c, hier, g->controllers, path);
        if (sp == OSM_NONE || lx_member(c, p, sp) < 0)
            return -1;
    }
    return 0;
}

const lx_mount_table *lx_mounts_host(const lx_ctx *c)
{
    return c->host;
}
