/*
 * The PD component: creating PDs from a configuration, HELLO (the PD proves
 * it is confined and hands over its seccomp listener), waiting, killing, and
 * the end of a PD: teardown of everything it held, linked children, fault
 * endpoint, waiter, cleanup policy.
 *
 * A PD is created process-like: PD + ADS + VCPU, spawned from a cel-*
 * binary that lives next to the root task.  The creator (a PD or the root
 * task itself) controls it: it holds the PD's badge with RWT.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../platform/platform.h"
#include "root.h"

cel_pd *cel_pd_of(cel_root *r, uint32_t num)
{
    cel_obj *o = cel_obj_get(r, num);
    return o && o->type == CEL_T_PD ? o->u.pd : NULL;
}

int cel_pd_give(cel_root *r, cel_pd *pd, cel_obj *o, unsigned perms, uint64_t *badge)
{
    uint64_t b = cel_badge_make(o->type, perms, o->space, o->num);
    bool had = cel_holds_find_obj(&pd->holds, o->num) != 0;
    cel_obj *self = cel_obj_get(r, pd->num);
    /* Control of a PD is the root task's in the model (create_pd gives
     * HOLD(RWT) ROOT_TASK -> PD; grant takes no PD targets): the creator's
     * control lives in its registry only. */
    if (o->type != CEL_T_PD && (!had || !cel_holds_find(&pd->holds, b))) {
        int rc = cel_model_grant(r, self->node, o->node, perms);
        if (rc)
            return rc;
    }
    if (cel_holds_add(&pd->holds, b) < 0)
        return -ENOMEM;
    if (!had)
        o->holders++;
    if (badge)
        *badge = b;
    return 0;
}

int cel_pd_take(cel_root *r, cel_pd *pd, cel_obj *o)
{
    uint64_t b = cel_holds_find_obj(&pd->holds, o->num);
    if (!b)
        return -ENOENT;
    do
        cel_holds_remove(&pd->holds, b);
    while ((b = cel_holds_find_obj(&pd->holds, o->num)));
    o->holders--;
    if (o->node == OSM_NONE || o->type == CEL_T_PD)   /* see cel_pd_give */
        return 0;
    return cel_model_revoke(r, cel_obj_get(r, pd->num)->node, o->node);
}

/* Close and forget one of the PD's descriptors. */
static void drop_fd(cel_root *r, int *fd)
{
    if (*fd < 0)
        return;
    epoll_ctl(r->epfd, EPOLL_CTL_DEL, *fd, NULL);
    close(*fd);
    *fd = -1;
}

/* A program name the root task will start: "cel-" and [a-z0-9-]. */
static bool program_ok(const char *p)
{
    if (strncmp(p, "cel-", 4) || strlen(p) >= CEL_NAME_MAX)
        return false;
    for (const char *c = p + 4; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return false;
    return p[4] != '\0';
}

/* Sockets, process, epoll registration. */
static int start_process(cel_root *r, cel_pd *pd, const char *program, const char *arg)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", r->bindir, program);
    if (access(path, X_OK))
        return -ENOENT;
    int call[2], notify[2];
    int rc = cel_plat_socketpair(call);
    if (rc)
        return rc;
    if ((rc = cel_plat_socketpair(notify))) {
        close(call[0]), close(call[1]);
        return rc;
    }
    char *argv[] = { path, (char *)(arg && *arg ? arg : NULL), NULL };
    rc = cel_plat_spawn(path, argv, call[1], notify[1], &pd->pid, &pd->pidfd);
    close(call[1]);
    close(notify[1]);
    pd->sock = call[0];
    pd->notify = notify[0];
    if (rc || (rc = cel_plat_nonblock(pd->sock)) || (rc = cel_plat_nonblock(pd->notify)))
        return rc;      /* the root task never waits on a PD's socket */
    rc = cel_epoll_add(r, pd->sock, CEL_TAG_CALL, pd->num);
    return rc ? rc : cel_epoll_add(r, pd->pidfd, CEL_TAG_EXIT, pd->num);
}

cel_pd *cel_pd_record_new(cel_root *r, const char *name, cel_pd *creator, bool linked,
                          uint64_t fault_ep)
{
    cel_obj *o = cel_obj_new(r, CEL_T_PD, 0);
    cel_pd *pd = o ? calloc(1, sizeof *pd) : NULL;
    if (!pd) {
        if (o)
            cel_obj_free(r, o);
        return NULL;
    }
    o->u.pd = pd;
    pd->num = o->num;
    pd->pidfd = pd->sock = pd->notify = pd->listener = -1;
    pd->linked = linked;
    pd->creator = creator ? creator->num : 0;
    pd->fault_ep = fault_ep;
    snprintf(pd->id, sizeof pd->id, "PD_%u", ++r->next_pd_id);
    snprintf(pd->name, sizeof pd->name, "%s", name);
    r->live_pds++;
    return pd;
}

cel_pd *cel_pd_new(cel_root *r, const char *name, cel_pd *creator, bool linked, uint64_t fault_ep,
                   int *err)
{
    *err = -ENOMEM;
    cel_pd *pd = cel_pd_record_new(r, name, creator, linked, fault_ep);
    if (!pd)
        return NULL;
    cel_obj *o = cel_obj_get(r, pd->num);
    *err = -EPERM;
    o->node = cel_model_pd(r, pd->id, pd->name);
    if (o->node == OSM_NONE || !cel_ads_new(r, pd) || !cel_vcpu_new(r, pd) ||
        (creator && cel_pd_give(r, creator, o, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, NULL))) {
        cel_pd_ended(r, pd);
        return NULL;
    }
    *err = 0;
    return pd;
}

cel_pd *cel_pd_spawn(cel_root *r, const char *program, const char *arg, cel_pd *creator,
                     bool linked, uint64_t fault_ep, int *err)
{
    *err = -EINVAL;
    if (!program_ok(program))
        return NULL;
    char name[CEL_NAME_MAX];
    snprintf(name, sizeof name, "%s%s%.16s", program + 4, arg && *arg ? "." : "",
             arg ? arg : "");
    cel_pd *pd = cel_pd_new(r, name, creator, linked, fault_ep, err);
    if (!pd)
        return NULL;
    *err = start_process(r, pd, program, arg);
    if (*err)
        goto fail;
    if (r->verbose)
        fprintf(r->log, "cellulos: started %s (%s) pid %d\n", pd->id, pd->name, (int)pd->pid);
    return pd;
fail:
    if (pd->pidfd >= 0) {   /* started but not registered: reap it here */
        int st;
        cel_plat_kill(pd->pidfd);
        while (cel_plat_reap(pd->pidfd, &st) == -EAGAIN)
            usleep(1000);
        drop_fd(r, &pd->pidfd);
    }
    cel_pd_ended(r, pd);
    return NULL;
}

int cel_pd_hello(cel_root *r, cel_pd *pd, int listener, cel_msg *m)
{
    if (pd->thread_of)
        return cel_thread_hello(r, pd, listener, m);
    if (listener < 0 || m->u.hello.pid != (uint32_t)pd->pid || !cel_plat_confined(pd->pid)) {
        if (listener >= 0)
            close(listener);
        cel_deny(r, pd, "hello", "not confined: killed");
        cel_pd_kill(r, pd);
        return -EPERM;
    }
    pd->listener = listener;
    if (cel_epoll_add(r, listener, CEL_TAG_SECCOMP, pd->num))
        return -ENOMEM;
    cel_pd_hello_reply(pd, m);
    return 0;
}

void cel_pd_hello_reply(cel_pd *pd, cel_msg *m)
{
    pd->hello = true;
    cel_b_hello_r *h = &m->u.hello_r;
    memset(&m->u, 0, sizeof m->u);
    h->self = cel_badge_make(CEL_T_PD, 0, 0, pd->num);
    h->ads = cel_holds_find_obj(&pd->holds, pd->ads);
    h->vcpu = cel_holds_find_obj(&pd->holds, pd->vcpu);
    h->n_pass = pd->n_pass;
    memcpy(h->pass, pd->pass, sizeof h->pass);
    snprintf(h->pd_id, sizeof h->pd_id, "%s", pd->id);
}

int cel_pd_create(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_pd_create *c = &m->u.pd_create;
    cel_obj *pass[CEL_PASS_MAX];
    for (uint32_t i = 0; i < c->n_pass; i++) {
        pass[i] = cel_lookup(r, pd, c->pass[i].badge, cel_badge_type(c->pass[i].badge),
                             c->pass[i].perms);
        if (!pass[i] || pass[i]->type == CEL_T_PD)
            return -EPERM;
    }
    if (c->fault_ep && !cel_lookup(r, pd, c->fault_ep, CEL_T_EP, 0))
        return -EPERM;
    int err;
    cel_pd *child = cel_pd_spawn(r, c->program, c->arg, pd, c->flags & CEL_PD_LINKED,
                                 c->fault_ep, &err);
    if (!child)
        return err;
    for (uint32_t i = 0; i < c->n_pass; i++) {
        if ((err = cel_pd_give(r, child, pass[i], c->pass[i].perms, &child->pass[i]))) {
            cel_pd_kill(r, child);
            return err;
        }
        child->n_pass++;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = cel_holds_find_obj(&pd->holds, child->num);
    return 0;
}

/* A waited-for or orphaned ended PD: forget it. */
void cel_pd_free(cel_root *r, cel_pd *pd)
{
    cel_obj *o = cel_obj_get(r, pd->num);
    cel_holds_free(&pd->holds);
    free(pd);
    cel_obj_free(r, o);
}

int cel_pd_wait(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred)
{
    uint64_t b = m->u.wait.pd;
    cel_obj *o = cel_lookup(r, pd, b, CEL_T_PD, 0);
    if (!o)
        return -EPERM;
    cel_pd *child = o->u.pd;
    if (child->ended) {
        m->u.wait.status = child->status;
        cel_holds_remove(&pd->holds, b);
        o->holders--;
        cel_pd_free(r, child);
        return 0;
    }
    if (child->waiter)
        return -EBUSY;
    child->waiter = pd->num;
    child->waiter_seq = m->h.seq;
    *deferred = true;
    return 0;
}

int cel_pd_killcall(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_obj *o = cel_lookup(r, pd, m->u.badge.badge, CEL_T_PD, OSM_PERM_T);
    if (!o)
        return -EPERM;
    cel_pd_kill(r, o->u.pd);
    return 0;
}

void cel_pd_kill(cel_root *r, cel_pd *pd)
{
    if (pd->ended)
        return;
    if (pd->thread_of && pd->exited) {     /* its connection closed after THREAD_EXIT */
        cel_thread_ended(r, pd);
        return;
    }
    cel_pd *proc = pd->thread_of ? cel_pd_of(r, pd->thread_of) : NULL;
    if (proc)       /* Linux cannot stop one thread: its process dies */
        cel_pd_kill(r, proc);
    if (pd->pidfd >= 0)
        cel_plat_kill(pd->pidfd);
    if (pd->sock >= 0)
        epoll_ctl(r->epfd, EPOLL_CTL_DEL, pd->sock, NULL);
}

/* Drop every hold of an ended PD: mappings first (they rely on the MOs),
 * then the rest; linked children die with it, others pass to the root. */
static void release_holds(cel_root *r, cel_pd *pd)
{
    size_t n;
    uint64_t *v = cel_holds_list(&pd->holds, &n);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
            if (!o || !cel_holds_find(&pd->holds, v[i]))
                continue;
            if (pass == 0 && o->type == CEL_T_VMR) {
                cel_vmr_destroy(r, o);
            } else if (pass == 1 && o->type == CEL_T_MO) {
                cel_pd_take(r, pd, o);
                cel_mo_release(r, o);
            } else if (pass == 1 && o->type == CEL_T_EP) {
                cel_pd_take(r, pd, o);
                cel_ep_release(r, o);
            } else if (pass == 1 && o->type == CEL_T_PD) {
                cel_pd *child = o->u.pd;
                cel_pd_take(r, pd, o);
                child->creator = 0;
                child->fault_ep = 0;    /* the endpoint was the creator's */
                if (child->ended)
                    cel_pd_free(r, child);
                else if (child->linked)
                    cel_pd_kill(r, child);
            }
        }
    }
    free(v);
}

/* Tell the creator's fault endpoint that pd ended. */
static void notify_fault(cel_root *r, cel_pd *pd)
{
    cel_pd *creator = cel_pd_of(r, pd->creator);
    if (!pd->fault_ep || !creator || !cel_holds_find(&creator->holds, pd->fault_ep))
        return;
    cel_obj *ep = cel_obj_get(r, cel_badge_obj(pd->fault_ep));
    if (!ep || ep->type != CEL_T_EP)
        return;
    cel_b_ep_msg msg;
    memset(&msg, 0, sizeof msg);
    msg.word[0] = cel_holds_find_obj(&creator->holds, pd->num);
    msg.word[1] = (uint64_t)(int64_t)pd->status;
    msg.word[2] = pd->policy_kills;     /* more notices will follow */
    snprintf(msg.text, sizeof msg.text, "%s %s %d", pd->status < 0 ? "fault" : "exit",
             pd->id, pd->status < 0 ? -pd->status : pd->status);
    cel_ep_post(r, ep, &msg);
}

void cel_pd_ended(cel_root *r, cel_pd *pd)
{
    if (pd->ended)
        return;     /* torn down already */
    int st = pd->status;     /* a thread PD's was set by thread.c */
    if (pd->pidfd >= 0 && cel_plat_reap(pd->pidfd, &st) == -EAGAIN)
        return;     /* spurious */
    pd->ended = pd->reaped = true;
    pd->status = st;
    cel_deny_flush(r, pd);      /* what the rate limit held back */
    if (pd->hung_up && st == -SIGKILL && !pd->thread_of)    /* ours: it was not exiting */
        cel_deny(r, pd, "connection",
                 "closed its call socket or sent an empty message while running: stopped");
    cel_revoke_victim_ended(r, pd);     /* before its sockets go */
    cel_outq_free(r, pd);
    drop_fd(r, &pd->sock);
    drop_fd(r, &pd->notify);
    drop_fd(r, &pd->listener);
    drop_fd(r, &pd->pidfd);
    r->live_pds--;
    if (r->verbose)
        fprintf(r->log, "cellulos: %s (%s) ended with status %d\n", pd->id, pd->name, st);
    if (pd->n_threads)
        cel_thread_end_all(r, pd);  /* they were threads of this process */
    cel_policy_apply(r, pd);    /* on the state before the teardown */
    cel_srv_pd_ended(r, pd);    /* spaces it served, server resources it held */
    release_holds(r, pd);
    if (pd->vcpu)
        cel_vcpu_destroy(r, cel_obj_get(r, pd->vcpu));
    if (pd->ads)
        cel_ads_destroy(r, cel_obj_get(r, pd->ads));
    cel_obj *self = cel_obj_get(r, pd->num);
    if (self->node != OSM_NONE && cel_model_destroy_pd(r, self->node) == 0)
        self->node = OSM_NONE;
    notify_fault(r, pd);
    if (pd->waiter) {
        cel_msg body;
        memset(&body, 0, sizeof body);
        body.u.wait.status = pd->status;
        cel_pd *w = cel_pd_of(r, pd->waiter);
        uint64_t b = w ? cel_holds_find_obj(&w->holds, pd->num) : 0;
        body.u.wait.pd = b;
        cel_reply_late(r, pd->waiter, pd->waiter_seq, CEL_OP_PD_WAIT, 0, &body);
        if (b) {    /* the wait consumed the badge */
            cel_holds_remove(&w->holds, b);
            self->holders--;
        }
        pd->waiter = 0;
    }
    if (self->holders == 0)
        cel_pd_free(r, pd);
}
