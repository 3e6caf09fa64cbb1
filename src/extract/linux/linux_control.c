/*
 * Who controls whom (HOLD between PDs), what processes may ask the kernel
 * for (REQUEST), and the kernel's own holds.
 *
 * p holds q with T when Linux would let p signal q (kill(2): p's real or
 * effective uid is q's real or saved uid, or p has CAP_KILL in q's user
 * namespace) and with RWT when p could also ptrace q (ptrace(2) access
 * mode REALCREDS: same uid and gid sets and q's permitted capabilities a
 * subset of p's, or CAP_SYS_PTRACE in q's user namespace; restricted by
 * YAMA's ptrace_scope).  Both need q to be visible in p's PID namespace.
 * Namespace ancestry is approximated: a namespace covers another when it
 * is the same one or the initial one (PID 1's); nested non-initial
 * hierarchies are not walked (docs/linux.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "linux_internal.h"

static bool has_cap(const osm_lx_status *st, int cap)
{
    return (st->cap_eff >> cap) & 1;
}

/* Does p's user namespace hold capabilities over q's? */
static bool userns_covers(const lx_ctx *c, const osm_lx_proc *p, const osm_lx_proc *q)
{
    uint64_t pu = p->ns[LX_NS_USER], qu = q->ns[LX_NS_USER];
    return pu == qu || (pu && pu == c->init_ns[LX_NS_USER]);
}

/* Is q visible in p's PID namespace? */
static bool pid_visible(const lx_ctx *c, const osm_lx_proc *p, const osm_lx_proc *q)
{
    uint64_t pp = p->ns[LX_NS_PID], qp = q->ns[LX_NS_PID];
    if (pp && qp)
        return pp == qp || pp == c->init_ns[LX_NS_PID];
    return p->st.nspid_depth <= 1 || p->st.nspid_depth < q->st.nspid_depth;
}

static bool can_signal(const lx_ctx *c, const osm_lx_proc *p, const osm_lx_proc *q)
{
    const unsigned *pu = p->st.uid, *qu = q->st.uid;
    bool uid = pu[0] == qu[0] || pu[0] == qu[2] || pu[1] == qu[0] || pu[1] == qu[2];
    return uid || (has_cap(&p->st, CAP_KILL) && userns_covers(c, p, q));
}

static const osm_lx_proc *find_proc(const lx_ctx *c, int pid)
{
    size_t lo = 0, hi = c->n_procs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->procs[mid].pid == pid)
            return &c->procs[mid];
        if (c->procs[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool is_ancestor(const lx_ctx *c, const osm_lx_proc *p, const osm_lx_proc *q)
{
    int pid = q->st.ppid;
    for (int depth = 0; pid > 0 && depth < 256; depth++) {
        if (pid == p->pid)
            return true;
        const osm_lx_proc *up = find_proc(c, pid);
        if (!up)
            return false;
        pid = up->st.ppid;
    }
    return false;
}

/* May p ptrace q as far as credentials, dumpability and YAMA go (the
 * kernel's ptrace_may_access with PTRACE_MODE_ATTACH_REALCREDS)?  *unsure
 * is set when the answer rests on q's dumpability, which is not known. */
static bool can_ptrace(const lx_ctx *c, const osm_lx_proc *p, const osm_lx_proc *q, bool *unsure)
{
    if (c->yama >= 3)
        return false;
    bool cap = has_cap(&p->st, CAP_SYS_PTRACE) && userns_covers(c, p, q);
    if (c->yama == 2 && !cap)
        return false;
    const unsigned *pu = p->st.uid, *qu = q->st.uid, *pg = p->st.gid, *qg = q->st.gid;
    bool creds = pu[0] == qu[0] && pu[0] == qu[1] && pu[0] == qu[2] && pg[0] == qg[0] &&
                 pg[0] == qg[1] && pg[0] == qg[2] &&
                 p->ns[LX_NS_USER] == q->ns[LX_NS_USER] &&
                 (q->st.cap_prm & ~p->st.cap_prm) == 0;
    if (!cap && !creds)
        return false;
    if (!(c->yama == 0 || cap || is_ancestor(c, p, q)))
        return false;
    /* A non-dumpable process (setuid, PR_SET_DUMPABLE 0) is open only to
     * CAP_SYS_PTRACE over its user namespace. */
    if (!cap && q->dumpable == 0)
        return false;
    if (!cap && q->dumpable < 0)
        *unsure = true;
    return true;
}

/* Append a reason to an edge's "uncertain=" list (once). */
static void add_reason(char *buf, size_t sz, const char *why)
{
    size_t n = strlen(buf);
    if (strstr(buf, why))
        return;
    snprintf(buf + n, sz - n, "%s%s", n ? "," : "uncertain=", why);
}

/* The control p has over q (R, W, T) as Linux decides it: credentials and
 * capabilities, then what seccomp leaves p.  A permission that rests on
 * something unknown is kept, with the reason in `why` (the edge's EXTRA),
 * so nothing unknown is asserted as certain. */
static uint8_t control_of(const lx_ctx *c, const osm_lx_proc *p, const osm_lx_proc *q,
                          char *why, size_t wsz)
{
    why[0] = '\0';
    if (!pid_visible(c, p, q))
        return 0;
    bool unsure = false;
    bool trace = can_ptrace(c, p, q, &unsure);
    const lx_reach *r = &p->reach;
    uint8_t perms = 0;
    if (trace) {
        if (r->read != LX_MAY_NO)
            perms |= OSM_PERM_R;
        if (r->write != LX_MAY_NO)
            perms |= OSM_PERM_W;
        if (r->read == LX_MAY_UNKNOWN || r->write == LX_MAY_UNKNOWN)
            add_reason(why, wsz, r->why);
        if (perms && unsure)
            add_reason(why, wsz, "dumpability of the target unknown");
        if (perms && q->maps_denied)
            add_reason(why, wsz, "the kernel refused the extractor access to the target");
    }
    if ((can_signal(c, p, q) || perms) && r->signal != LX_MAY_NO) {
        perms |= OSM_PERM_T;
        if (r->signal == LX_MAY_UNKNOWN)
            add_reason(why, wsz, r->why);
    }
    return perms;
}

static int control_pairs(lx_ctx *c)
{
    char why[192];
    for (size_t i = 0; i < c->n_procs; i++) {
        const osm_lx_proc *p = &c->procs[i];
        for (size_t j = 0; j < c->n_procs; j++) {
            const osm_lx_proc *q = &c->procs[j];
            uint8_t perms;
            why[0] = '\0';
            if (i == j)
                perms = OSM_PERM_R | OSM_PERM_W | OSM_PERM_T;   /* threads of one process */
            else
                perms = control_of(c, p, q, why, sizeof why);
            if (!perms)
                continue;
            for (size_t a = 0; a < p->n_pd; a++)
                for (size_t b = 0; b < q->n_pd; b++)
                    if (p->pd[a] != q->pd[b] &&
                        osm_store_add_edge(c->s, OSM_HOLD, p->pd[a], q->pd[b], perms, OSM_NONE,
                                           why[0] ? why : NULL) == OSM_NONE)
                        return -1;
        }
    }
    return 0;
}

/* Capabilities over the kernel itself: loading modules or raw I/O is full
 * control (RWT), rebooting is T; only in the initial user namespace, and
 * only where seccomp leaves the system calls that use them. */
static uint8_t kernel_perms(const lx_ctx *c, const osm_lx_proc *p, char *why, size_t wsz)
{
    why[0] = '\0';
    if (p->ns[LX_NS_USER] != c->init_ns[LX_NS_USER])
        return 0;
    const lx_reach *r = &p->reach;
    bool mod = has_cap(&p->st, CAP_SYS_MODULE) && r->module != LX_MAY_NO;
    bool raw = has_cap(&p->st, CAP_SYS_RAWIO) && r->rawio != LX_MAY_NO;
    bool boot = has_cap(&p->st, CAP_SYS_BOOT) && r->boot != LX_MAY_NO;
    if ((mod && r->module == LX_MAY_UNKNOWN) || (raw && r->rawio == LX_MAY_UNKNOWN) ||
        (boot && r->boot == LX_MAY_UNKNOWN))
        add_reason(why, wsz, r->why);
    if (mod || raw)
        return OSM_PERM_R | OSM_PERM_W | OSM_PERM_T;
    return boot ? OSM_PERM_T : 0;
}

static bool requestable(const char *type)
{
    return strncmp(type, "NS_", 3) && strncmp(type, "POOL_", 5) && strcmp(type, "CGROUP") &&
           strcmp(type, "ADS");
}

/* The resource types the kernel hands out here (a space of each exists). */
static size_t request_types(lx_ctx *c, osm_id *types, size_t max)
{
    size_t n = 0;
    for (osm_id v = osm_store_next_node(c->s, OSM_NONE); v != OSM_NONE;
         v = osm_store_next_node(c->s, v)) {
        if (osm_node_kind(c->s, v) != OSM_SPACE || !requestable(osm_node_data_name(c->s, v)))
            continue;
        osm_id t = osm_node_data(c->s, v);
        size_t k = 0;
        while (k < n && types[k] != t)
            k++;
        if (k == n && n < max)
            types[n++] = t;
    }
    return n;
}

/* Pipes and sockets are what every process can ask the kernel for whether or
 * not it holds one at the moment (pipe2, socket in its network namespace), so
 * their spaces exist even when no descriptor names them; without this, the
 * REQUEST edges below would depend on which fds a process happened to have. */
static int offered_spaces(lx_ctx *c)
{
    char sid[64];
    if (lx_node(c, OSM_SPACE, "PIPEFS", "PIPE", NULL) == OSM_NONE)
        return -1;
    for (size_t i = 0; i < c->n_procs; i++) {
        const osm_lx_proc *p = &c->procs[i];
        if (p->st.seccomp == 1 || !p->ns[LX_NS_NET])
            continue;
        snprintf(sid, sizeof sid, "SOCKETS_net_%llu", (unsigned long long)p->ns[LX_NS_NET]);
        char extra[48];
        snprintf(extra, sizeof extra, "netns=%llu", (unsigned long long)p->ns[LX_NS_NET]);
        if (lx_node(c, OSM_SPACE, sid, "SOCKET", extra) == OSM_NONE)
            return -1;
    }
    return 0;
}

int lx_control_commit(lx_ctx *c)
{
    if (offered_spaces(c) < 0)
        return -1;
    for (size_t i = 0; i < c->n_procs; i++)
        for (size_t t = 0; t < c->procs[i].n_pd; t++)
            if (lx_hold_new(c, c->kernel, c->procs[i].pd[t],
                            OSM_PERM_R | OSM_PERM_W | OSM_PERM_T) < 0)
                return -1;
    if (control_pairs(c) < 0)
        return -1;
    osm_id types[64];
    size_t nt = request_types(c, types, 64);
    for (size_t i = 0; i < c->n_procs; i++) {
        const osm_lx_proc *p = &c->procs[i];
        char why[160];
        uint8_t kp = kernel_perms(c, p, why, sizeof why);
        for (size_t t = 0; t < p->n_pd; t++) {
            if (kp && osm_store_add_edge(c->s, OSM_HOLD, p->pd[t], c->kernel, kp, OSM_NONE,
                                         why[0] ? why : NULL) == OSM_NONE)
                return -1;
            if (p->st.seccomp == 1)
                continue;       /* strict: read, write, _exit, sigreturn only */
            for (size_t k = 0; k < nt; k++)
                if (osm_store_add_edge(c->s, OSM_REQUEST, p->pd[t], c->kernel, 0, types[k],
                                       NULL) == OSM_NONE)
                    return -1;
        }
    }
    return 0;
}

int lx_kernel_holds(lx_ctx *c)
{
    for (osm_id v = osm_store_next_node(c->s, OSM_NONE); v != OSM_NONE;
         v = osm_store_next_node(c->s, v)) {
        osm_kind k = osm_node_kind(c->s, v);
        if (k == OSM_PD)
            continue;
        bool held = false;
        if (k == OSM_RESOURCE) {
            for (osm_id e = osm_store_first_in(c->s, v); e != OSM_NONE && !held;
                 e = osm_store_next_in(c->s, e)) {
                osm_edge ed;
                osm_store_edge(c->s, e, &ed);
                held = ed.kind == OSM_HOLD;
            }
        }
        if (!held && lx_hold_new(c, c->kernel, v, 0) < 0)
            return -1;
    }
    return 0;
}
