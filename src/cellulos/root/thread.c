/*
 * Thread PDs: a PD + VCPU that runs as a real Linux thread of its creator's
 * process and therefore holds the creator's ADS (the very same address
 * space, shown in the model as one ADS_SPACE held by both PDs).
 *
 * The creator asks THREAD_CREATE; the root task makes the PD, its VCPU and
 * the hold on the shared ADS, and passes back one end of a fresh call
 * socket.  libcellulos starts a pthread on a stack from its MO-backed heap;
 * the thread says HELLO on its socket with its tid (checked against
 * /proc/PID/task/TID: a thread of that process, confined), and from then on
 * its calls are the thread PD's.  It ends with THREAD_EXIT.
 *
 * What Linux makes of this, and the model says:
 *  - A thread shares everything with its process: memory, fd table, signal
 *    handlers.  Its connection is an fd any thread of the process can use,
 *    so the thread PD and its process can act for each other; the shared
 *    ADS in the model already puts each in the other's impact boundary.
 *  - A fault in any thread (SIGSEGV, ...) kills the whole process, and no
 *    thread can be killed alone.  So a thread PD is always linked both ways:
 *    when the process ends, every thread PD in it ends with the process'
 *    status (and its creator hears of it on the fault endpoint); PD_KILL of
 *    a thread PD kills its process.  Only THREAD_EXIT followed by closing
 *    its connection ends a thread PD alone; a connection closed without
 *    THREAD_EXIT is taken for a dying process (or a misbehaving one) and
 *    the process is killed.
 *  - Every thread reads and writes every mapping of its process: each PD
 *    sharing the ADS holds each VMR in it in the model (ads_share.c).
 *  - What a thread mapped stays mapped in the shared address space after it
 *    exits: its VMRs and MOs pass to the process PD, which owns the ADS.
 *  - Revoking an MO from a thread PD goes through the process' notify socket
 *    and checks the whole process: if any thread still maps it, the process
 *    is killed (the thread could still read it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "root.h"

#define RW (OSM_PERM_R | OSM_PERM_W)

/* Make the thread PD record, model node, VCPU and hold on the shared ADS;
 * the caller adds its connection.  NULL with *err on failure. */
static cel_pd *thread_new(cel_root *r, cel_pd *creator, cel_pd *proc, uint64_t fault_ep,
                          int *err)
{
    *err = -ENOMEM;
    char name[CEL_NAME_MAX];
    snprintf(name, sizeof name, "%.24s.thread", proc->name);
    cel_pd *t = cel_pd_record_new(r, name, creator, true, fault_ep);
    if (!t)
        return NULL;
    cel_obj *o = cel_obj_get(r, t->num);
    t->thread_of = proc->num;
    t->pid = proc->pid;
    proc->n_threads++;
    *err = -EPERM;
    cel_obj *ads = cel_obj_get(r, proc->ads);
    o->node = cel_model_pd(r, t->id, t->name);
    if (o->node != OSM_NONE && ads && cel_pd_give(r, t, ads, RW, NULL) == 0) {
        t->ads = ads->num;
        if (cel_ads_share_join(r, t) == 0 && cel_vcpu_new(r, t))
            return t;
    }
    cel_thread_ended(r, t);
    return NULL;
}

int cel_thread_create(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out)
{
    cel_pd *proc = pd->thread_of ? cel_pd_of(r, pd->thread_of) : pd;
    cel_b_thread *c = &m->u.thread;
    uint64_t fault_ep = c->fault_ep;
    if (!proc || proc->ended || (fault_ep && !cel_lookup(r, pd, fault_ep, CEL_T_EP, 0)))
        return -EPERM;
    cel_obj *pass[CEL_PASS_MAX];
    for (uint32_t i = 0; i < c->n_pass; i++) {
        pass[i] = cel_lookup(r, pd, c->pass[i].badge, cel_badge_type(c->pass[i].badge),
                             c->pass[i].perms);
        if (!pass[i] || pass[i]->type == CEL_T_PD)
            return -EPERM;
    }
    int sv[2], err = cel_plat_socketpair(sv);
    if (err)
        return err;
    cel_pd *t = thread_new(r, pd, proc, fault_ep, &err);
    if (t) {
        t->sock = sv[0];
        t->notify = proc->notify >= 0 ? fcntl(proc->notify, F_DUPFD_CLOEXEC, 0) : -1;  /* revocation */
        err = cel_plat_nonblock(t->sock);
        err = err ? err : cel_epoll_add(r, t->sock, CEL_TAG_CALL, t->num);
        for (uint32_t i = 0; !err && i < c->n_pass; i++)
            if (!(err = cel_pd_give(r, t, pass[i], c->pass[i].perms, &t->pass[i])))
                t->n_pass++;
        if (!err)
            err = cel_pd_give(r, pd, cel_obj_get(r, t->num), RW | OSM_PERM_T, &m->u.thread.pd);
        if (err) {
            cel_thread_ended(r, t);
            close(sv[1]);
            return err;
        }
        if (r->verbose)
            fprintf(r->log, "cellulos: started %s (%s), a thread of %s\n", t->id, t->name,
                    proc->id);
        proc->thread_grants++;      /* its clone may now run (root.c serve_seccomp) */
        uint64_t badge = m->u.thread.pd;
        memset(&m->u, 0, sizeof m->u);
        m->u.thread.pd = badge;
        *fd_out = sv[1];
        return 0;
    }
    close(sv[0]);
    close(sv[1]);
    return err;
}

int cel_thread_hello(cel_root *r, cel_pd *t, int listener, cel_msg *m)
{
    pid_t tid = (pid_t)m->u.hello.pid;
    if (listener >= 0 || tid == t->pid || !cel_plat_thread_confined(t->pid, tid)) {
        if (listener >= 0)
            close(listener);
        cel_deny(r, t, "hello", "not a confined thread of its process: killed");
        cel_pd_kill(r, t);
        return -EPERM;
    }
    t->tid = tid;
    cel_pd_hello_reply(t, m);
    return 0;
}

int cel_thread_exit(cel_root *r, cel_pd *pd, cel_msg *m)
{
    (void)r;
    if (!pd->thread_of)
        return -EINVAL;     /* a process ends by exiting */
    /* The PD ends when the connection closes right after (cel_pd_kill sees
     * `exited`): ending it here would free it under the caller's feet. */
    pd->status = m->u.thread.status;
    pd->exited = true;
    return 0;
}

/* Hand every VMR and MO t holds to proc: the mappings outlive the thread. */
static void hand_over(cel_root *r, cel_pd *t, cel_pd *proc)
{
    size_t n;
    uint64_t *v = cel_holds_list(&t->holds, &n);
    for (int pass = 0; pass < 2; pass++) {      /* MOs before the VMRs over them */
        for (size_t i = 0; i < n; i++) {
            cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
            if (!o || o->type != (pass ? CEL_T_VMR : CEL_T_MO))
                continue;
            if (cel_pd_give(r, proc, o, cel_badge_perms(v[i]), NULL) == 0) {
                cel_pd_take(r, t, o);
                if (o->type == CEL_T_VMR)
                    o->u.vmr.pd = proc->num;
            }
        }
    }
    free(v);
}

void cel_thread_ended(cel_root *r, cel_pd *t)
{
    if (t->ended)
        return;
    cel_pd *proc = cel_pd_of(r, t->thread_of);
    cel_ads_share_leave(r, t, proc && !proc->ended ? proc : NULL);
    if (proc && !proc->ended)
        hand_over(r, t, proc);
    cel_obj *ads = cel_obj_get(r, t->ads);
    if (ads && cel_holds_find_obj(&t->holds, ads->num))
        cel_pd_take(r, t, ads);
    t->ads = 0;     /* not this PD's to destroy */
    if (proc)
        proc->n_threads--;
    if (r->verbose && proc && !proc->ended)
        fprintf(r->log, "cellulos: %s (%s) thread exit %d\n", t->id, t->name, t->status);
    cel_pd_ended(r, t);
}

void cel_thread_end_all(cel_root *r, cel_pd *proc)
{
    for (uint32_t i = 1; i < r->n_objs && proc->n_threads; i++) {
        cel_obj *o = r->objs[i];
        if (o && o->type == CEL_T_PD && o->u.pd->thread_of == proc->num && !o->u.pd->ended) {
            o->u.pd->status = proc->status;
            cel_thread_ended(r, o->u.pd);
        }
    }
}

cel_pd *cel_thread_by_tid(cel_root *r, cel_pd *proc, pid_t tid)
{
    for (uint32_t i = 1; i < r->n_objs && proc->n_threads && tid != proc->pid; i++) {
        cel_obj *o = r->objs[i];
        if (o && o->type == CEL_T_PD && o->u.pd->thread_of == proc->num && o->u.pd->tid == tid)
            return o->u.pd;
    }
    return proc;
}
