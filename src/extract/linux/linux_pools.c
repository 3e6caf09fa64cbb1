/*
 * The kernel's exhaustible pools as resource spaces (after "Demons in the
 * Shared Kernel", CCS'21: namespaces do not isolate all of the kernel's
 * state, and a process that can fill a pool others draw from can deny them
 * service).
 *
 * Each pool is a RESOURCE_SPACE of type POOL_<NAME> held by the kernel, with
 * its limit and current use in EXTRA where /proc tells them.  A process
 * draws from a pool instance (lx_member: it holds a resource of it):
 *   - a global pool (pid table, open-file table, memory) directly when
 *     nothing bounds its share;
 *   - for the pid table and memory, when a pids or memory cgroup limit
 *     bounds it below what is free globally, the cgroup's own instance
 *     (POOL_pid@CG_pids:/x, which MAPs to the global pool it is carved
 *     from): processes in two bounded cgroups, or in one bounded cgroup and
 *     outside it, then draw from no common instance;
 *   - per-namespace or per-user pools (SysV IPC, mqueues, mounts, ports,
 *     inotify, keys, user namespaces) as the instance of its namespace or
 *     user, which the kernel accounts separately.
 * So SharedResourceSpaces says who can exhaust a pool together with x, and
 * the reason names the pool.  The relation is symmetric, as the model's is:
 * that unbounded processes can still exhaust a global pool under a bounded
 * cgroup is said by the instance's EXTRA, not by an edge.  docs/linux.md
 * has the table and the why.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_internal.h"

/* How the kernel accounts a pool. */
typedef enum lx_pool_scope {
    LX_POOL_GLOBAL,                 /* one for the whole kernel */
    LX_POOL_CGROUP,                 /* global, but a cgroup limit may bound a share of it */
    LX_POOL_UID,                    /* per user (kuid) */
    LX_POOL_USERNS_UID,             /* per user in each user namespace (ucounts) */
    LX_POOL_IPCNS, LX_POOL_MNTNS, LX_POOL_NETNS,
} lx_pool_scope;

typedef struct lx_pool_def {
    const char *name, *type;
    lx_pool_scope scope;
    const char *cg_controller;      /* v1 hierarchy that bounds it ("pids", "memory") */
    const char *cg_v1_file, *cg_v2_file;
    const char *what;               /* EXTRA "what=": said by describe */
} lx_pool_def;

enum { POOL_PID, POOL_FILE, POOL_MEM, POOL_INOTIFY, POOL_KEYS, POOL_USERNS, POOL_SYSVIPC,
       POOL_MQUEUE, POOL_MOUNT, POOL_PORT, POOL_CONNTRACK, POOL_COUNT };

static const lx_pool_def pool_defs[POOL_COUNT] = {
    [POOL_PID] = { "pid", "POOL_PID", LX_POOL_CGROUP, "pids", "pids.max", "pids.max",
                   "pid table (kernel.pid_max, kernel.threads-max)" },
    [POOL_FILE] = { "file", "POOL_FILE", LX_POOL_GLOBAL, NULL, NULL, NULL,
                    "open-file table (fs.file-max, RLIMIT_NOFILE bounds one process only)" },
    [POOL_MEM] = { "mem", "POOL_MEM", LX_POOL_CGROUP, "memory", "memory.limit_in_bytes",
                   "memory.max", "physical memory (MemTotal)" },
    [POOL_INOTIFY] = { "inotify", "POOL_INOTIFY", LX_POOL_USERNS_UID, NULL, NULL, NULL,
                       "inotify instances (fs.inotify.max_user_instances, per user)" },
    [POOL_KEYS] = { "keys", "POOL_KEYS", LX_POOL_UID, NULL, NULL, NULL,
                    "kernel keys (kernel.keys.maxkeys, per user)" },
    [POOL_USERNS] = { "userns", "POOL_USERNS", LX_POOL_USERNS_UID, NULL, NULL, NULL,
                      "user namespaces (user.max_user_namespaces, per user)" },
    [POOL_SYSVIPC] = { "sysvipc", "POOL_SYSVIPC", LX_POOL_IPCNS, NULL, NULL, NULL,
                       "SysV shared memory segments (kernel.shmmni, per IPC namespace)" },
    [POOL_MQUEUE] = { "mqueue", "POOL_MQUEUE", LX_POOL_IPCNS, NULL, NULL, NULL,
                      "POSIX message queues (fs.mqueue.queues_max, per IPC namespace)" },
    [POOL_MOUNT] = { "mount", "POOL_MOUNT", LX_POOL_MNTNS, NULL, NULL, NULL,
                     "mounts (fs.mount-max, per mount namespace)" },
    [POOL_PORT] = { "port", "POOL_PORT", LX_POOL_NETNS, NULL, NULL, NULL,
                    "ephemeral ports (net.ipv4.ip_local_port_range, per network namespace)" },
    [POOL_CONNTRACK] = { "conntrack", "POOL_CONNTRACK", LX_POOL_GLOBAL, NULL, NULL, NULL,
                         "connection tracking table (net.netfilter.nf_conntrack_max)" },
};

/* Limits and use read once per extraction (-1: not known). */
typedef struct lx_pool_state {
    int64_t limit[POOL_COUNT], used[POOL_COUNT];
    osm_id global[POOL_COUNT];
} lx_pool_state;

/* The first number of /proc/<path> (the Nth with `skip`), or -1. */
static int64_t read_num(lx_ctx *c, const char *path, int skip)
{
    if (lx_read_file(c->procfd, path, LX_K_SMALL, &c->buf) < 0)
        return -1;
    char *p = c->buf.p, *end;
    for (int i = 0;; i++) {
        long long v = strtoll(p, &end, 10);
        if (end == p)
            return -1;
        if (i == skip)
            return v;
        p = end;
    }
}

/* A "Key:   N kB" line of /proc/meminfo in bytes, or -1. */
static int64_t meminfo(lx_ctx *c, const char *key)
{
    if (lx_read_file(c->procfd, "meminfo", LX_K_SMALL, &c->buf) < 0)
        return -1;
    const char *k = strstr(c->buf.p, key);
    return k ? strtoll(k + strlen(key), NULL, 10) * 1024 : -1;
}

/* The number of tasks (threads) now: the 4th field of loadavg, "r/N". */
static int64_t tasks_now(lx_ctx *c)
{
    if (lx_read_file(c->procfd, "loadavg", LX_K_SMALL, &c->buf) < 0)
        return -1;
    const char *s = strchr(c->buf.p, '/');
    return s ? strtoll(s + 1, NULL, 10) : -1;
}

static void read_limits(lx_ctx *c, lx_pool_state *ps)
{
    for (int i = 0; i < POOL_COUNT; i++)
        ps->limit[i] = ps->used[i] = -1;
    int64_t pid_max = read_num(c, "sys/kernel/pid_max", 0);
    int64_t threads = read_num(c, "sys/kernel/threads-max", 0);
    ps->limit[POOL_PID] = pid_max >= 0 && threads >= 0 && threads < pid_max ? threads : pid_max;
    ps->used[POOL_PID] = tasks_now(c);
    ps->limit[POOL_FILE] = read_num(c, "sys/fs/file-nr", 2);
    ps->used[POOL_FILE] = read_num(c, "sys/fs/file-nr", 0);
    ps->limit[POOL_MEM] = meminfo(c, "MemTotal:");
    int64_t avail = meminfo(c, "MemAvailable:");
    if (ps->limit[POOL_MEM] >= 0 && avail >= 0)
        ps->used[POOL_MEM] = ps->limit[POOL_MEM] - avail;
    ps->limit[POOL_INOTIFY] = read_num(c, "sys/fs/inotify/max_user_instances", 0);
    ps->limit[POOL_KEYS] = read_num(c, "sys/kernel/keys/maxkeys", 0);
    ps->limit[POOL_USERNS] = read_num(c, "sys/user/max_user_namespaces", 0);
    ps->limit[POOL_SYSVIPC] = read_num(c, "sys/kernel/shmmni", 0);
    ps->limit[POOL_MQUEUE] = read_num(c, "sys/fs/mqueue/queues_max", 0);
    ps->limit[POOL_MOUNT] = read_num(c, "sys/fs/mount-max", 0);
    int64_t lo = read_num(c, "sys/net/ipv4/ip_local_port_range", 0);
    int64_t hi = read_num(c, "sys/net/ipv4/ip_local_port_range", 1);
    if (lo >= 0 && hi >= lo)
        ps->limit[POOL_PORT] = hi - lo + 1;
    ps->limit[POOL_CONNTRACK] = read_num(c, "sys/net/netfilter/nf_conntrack_max", 0);
    ps->used[POOL_CONNTRACK] = read_num(c, "sys/net/netfilter/nf_conntrack_count", 0);
}

/* "what=...;limit=N;used=N;scope=..." (unknown numbers left out). */
static void pool_extra(const lx_pool_def *d, int64_t limit, int64_t used, const char *scope,
                       const char *note, char *out, size_t sz)
{
    size_t n = (size_t)snprintf(out, sz, "what=%s", d->what);
    if (limit >= 0 && n < sz)
        n += (size_t)snprintf(out + n, sz - n, ";limit=%" PRId64, limit);
    if (used >= 0 && n < sz)
        n += (size_t)snprintf(out + n, sz - n, ";used=%" PRId64, used);
    if (n < sz)
        n += (size_t)snprintf(out + n, sz - n, ";scope=%s", scope);
    if (note && note[0] && n < sz)
        snprintf(out + n, sz - n, ";%s", note);
}

static osm_id pool_node(lx_ctx *c, const char *id, const lx_pool_def *d, const char *extra)
{
    return lx_node(c, OSM_SPACE, id, d->type, extra);
}

/* The value of key `file` ("pids.max") in a cgroup space's EXTRA; -1 when
 * absent or "max" (unlimited), or for v1 memory the "no limit" value. */
static int64_t cg_limit(const char *extra, const char *file)
{
    char key[48];
    snprintf(key, sizeof key, ";%s=", file);
    const char *k = strstr(extra, key);
    if (!k)
        return -1;
    k += strlen(key);
    if (*k < '0' || *k > '9')
        return -1;
    long long v = strtoll(k, NULL, 10);
    return v >= (1ll << 62) ? -1 : v;   /* v1's "unlimited" is PAGE_COUNTER_MAX pages */
}

/* The tightest cgroup limit on p for pool d, and the cgroup space that
 * sets it (*where); -1 when none. */
static int64_t bounding_limit(lx_ctx *c, const osm_lx_proc *p, const lx_pool_def *d,
                              osm_id *where)
{
    int64_t best = -1;
    *where = OSM_NONE;
    for (size_t i = 0; i < p->n_cg; i++) {
        const osm_lx_cgroup *g = &p->cg[i];
        bool v2 = g->hierarchy == 0 && !g->controllers[0];
        bool v1 = strstr(g->controllers, d->cg_controller) != NULL;
        if (!v1 && !v2)
            continue;
        char path[OSM_LX_PATH_MAX], id[OSM_LX_PATH_MAX + 160];
        snprintf(path, sizeof path, "%s", g->path);
        for (;;) {
            size_t pl = strlen(path);
            while (pl > 1 && path[pl - 1] == '/')
                path[--pl] = '\0';
            snprintf(id, sizeof id, "CG_%s:%s", v2 ? "unified" : g->controllers, path);
            osm_id sp = osm_store_find(c->s, id);
            int64_t l = sp == OSM_NONE ? -1
                        : cg_limit(osm_node_extra(c->s, sp), v2 ? d->cg_v2_file : d->cg_v1_file);
            if (l >= 0 && (best < 0 || l < best)) {
                best = l;
                *where = sp;
            }
            char *slash = strrchr(path, '/');
            if (!slash || pl <= 1)
                break;
            if (slash == path)
                slash[1] = '\0';
            else
                *slash = '\0';
        }
    }
    return best;
}

/* Hold the global pool, or the cgroup's instance when a cgroup limit bounds
 * p's share below what is free.  When the limit does not bind (it is no
 * smaller than what is free globally) p holds the global pool as well, and
 * the instance says so. */
static int hold_cgroup_pool(lx_ctx *c, lx_pool_state *ps, const osm_lx_proc *p, int k)
{
    const lx_pool_def *d = &pool_defs[k];
    osm_id cg;
    int64_t lim = bounding_limit(c, p, d, &cg);
    if (lim < 0)
        return lx_member(c, p, ps->global[k]);
    int64_t free_now = ps->limit[k] >= 0 && ps->used[k] >= 0 ? ps->limit[k] - ps->used[k] : -1;
    bool binds = free_now < 0 || lim < free_now;
    char id[OSM_LX_PATH_MAX + 200], scope[OSM_LX_PATH_MAX + 180], note[96], extra[1024];
    const char *cgid = osm_node_id(c->s, cg);
    snprintf(id, sizeof id, "POOL_%s@%s", d->name, cgid);
    snprintf(scope, sizeof scope, "cgroup:%s", cgid + 3);
    if (binds)
        snprintf(note, sizeof note, "binds=cgroup");
    else
        snprintf(note, sizeof note, "binds=global (limit %" PRId64 " >= %" PRId64 " free)", lim,
                 free_now);
    pool_extra(d, lim, -1, scope, note, extra, sizeof extra);
    osm_id sp = osm_store_find(c->s, id);
    if (sp == OSM_NONE) {
        if ((sp = pool_node(c, id, d, extra)) == OSM_NONE ||
            osm_store_add_edge(c->s, OSM_MAP, sp, ps->global[k], 0, OSM_NONE, NULL) == OSM_NONE)
            return -1;
    }
    if (lx_member(c, p, sp) < 0)
        return -1;
    return binds ? 0 : lx_member(c, p, ps->global[k]);
}

/* Hold the instance of a per-namespace or per-user pool. */
static int hold_scoped_pool(lx_ctx *c, lx_pool_state *ps, const osm_lx_proc *p, int k)
{
    const lx_pool_def *d = &pool_defs[k];
    char id[128], scope[96], extra[512];
    unsigned euid = p->st.uid[1];
    unsigned long long uns = (unsigned long long)p->ns[LX_NS_USER];
    switch (d->scope) {
    case LX_POOL_UID:
        snprintf(scope, sizeof scope, "uid:%u", euid);
        break;
    case LX_POOL_USERNS_UID:
        snprintf(scope, sizeof scope, "userns:%llu:uid:%u", uns, euid);
        break;
    case LX_POOL_IPCNS:
        snprintf(scope, sizeof scope, "ipcns:%llu", (unsigned long long)p->ns[LX_NS_IPC]);
        break;
    case LX_POOL_MNTNS:
        snprintf(scope, sizeof scope, "mntns:%llu", (unsigned long long)p->ns[LX_NS_MNT]);
        break;
    default:
        snprintf(scope, sizeof scope, "netns:%llu", (unsigned long long)p->ns[LX_NS_NET]);
        break;
    }
    snprintf(id, sizeof id, "POOL_%s@%s", d->name, scope);
    osm_id sp = osm_store_find(c->s, id);
    if (sp == OSM_NONE) {
        /* Limits are the extractor's view (its own namespaces' sysctls). */
        pool_extra(d, ps->limit[k], -1, scope, NULL, extra, sizeof extra);
        if ((sp = pool_node(c, id, d, extra)) == OSM_NONE)
            return -1;
    }
    return lx_member(c, p, sp);
}

/* Every pool p draws from.  A process in seccomp strict mode can create
 * nothing (no fork, open, mmap): it draws only on memory, through faults
 * of its stack. */
static int hold_pools(lx_ctx *c, lx_pool_state *ps, const osm_lx_proc *p)
{
    for (int k = 0; k < POOL_COUNT; k++) {
        const lx_pool_def *d = &pool_defs[k];
        if (p->st.seccomp == 1 && k != POOL_MEM)
            continue;
        if (k == POOL_CONNTRACK && ps->limit[k] < 0)
            continue;           /* no conntrack module: no table */
        int rc;
        if (d->scope == LX_POOL_GLOBAL)
            rc = lx_member(c, p, ps->global[k]);
        else if (d->scope == LX_POOL_CGROUP)
            rc = hold_cgroup_pool(c, ps, p, k);
        else
            rc = hold_scoped_pool(c, ps, p, k);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int lx_pools_commit(lx_ctx *c)
{
    lx_pool_state ps;
    read_limits(c, &ps);
    char id[64], extra[512];
    for (int k = 0; k < POOL_COUNT; k++) {
        const lx_pool_def *d = &pool_defs[k];
        ps.global[k] = OSM_NONE;
        if (d->scope != LX_POOL_GLOBAL && d->scope != LX_POOL_CGROUP)
            continue;
        if (k == POOL_CONNTRACK && ps.limit[k] < 0)
            continue;
        snprintf(id, sizeof id, "POOL_%s", d->name);
        pool_extra(d, ps.limit[k], ps.used[k], "global", NULL, extra, sizeof extra);
        if ((ps.global[k] = pool_node(c, id, d, extra)) == OSM_NONE)
            return -1;
    }
    for (size_t i = 0; i < c->n_procs; i++) {
        const osm_lx_proc *p = &c->procs[i];
        if (!p->n_pd)
            continue;
        if (hold_pools(c, &ps, p) < 0)
            return -1;
    }
    return 0;
}
