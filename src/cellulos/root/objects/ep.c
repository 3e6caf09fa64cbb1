/*
 * The EP component: endpoints are message queues between PDs, relayed by
 * the root task (store and forward, CEL_EP_QUEUE deep, one blocked
 * receiver).  The root task also posts fault/exit notices on them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../root.h"

int cel_ep_alloc(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_obj *o = cel_obj_new(r, CEL_T_EP, r->ep_space->num);
    if (!o)
        return -ENOMEM;
    o->u.ep = calloc(1, sizeof *o->u.ep);
    o->node = o->u.ep ? cel_model_resource(r, r->ep_space, "EP", NULL) : OSM_NONE;
    uint64_t badge = 0;
    int rc = o->node == OSM_NONE ? -EPERM : cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W, &badge);
    if (rc) {
        cel_ep_release(r, o);
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = badge;
    return 0;
}

/* Whether the PD blocked on ep (if any) can still take a message. */
static bool waiter_alive(cel_root *r, const cel_ep *ep)
{
    cel_pd *pd = ep->waiter ? cel_pd_of(r, ep->waiter) : NULL;
    return pd && !pd->ended;
}

void cel_ep_post(cel_root *r, cel_obj *o, const cel_b_ep_msg *msg)
{
    cel_ep *ep = o->u.ep;
    if (waiter_alive(r, ep)) {
        cel_msg body;
        memset(&body, 0, sizeof body);
        body.u.ep = *msg;
        uint32_t w = ep->waiter;
        ep->waiter = 0;
        cel_reply_late(r, w, ep->waiter_seq, CEL_OP_EP_RECV, 0, &body);
        return;
    }
    if (ep->len == CEL_EP_QUEUE)
        return;     /* a full queue drops root notices; senders get -EAGAIN */
    ep->q[(ep->head + ep->len++) % CEL_EP_QUEUE] = *msg;
}

int cel_ep_send(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_obj *o = cel_lookup(r, pd, m->u.ep.ep, CEL_T_EP, OSM_PERM_W);
    if (!o)
        return -EPERM;
    if (o->u.ep->len == CEL_EP_QUEUE && !waiter_alive(r, o->u.ep))
        return -EAGAIN;
    cel_ep_post(r, o, &m->u.ep);
    return 0;
}

int cel_ep_recv(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred)
{
    cel_obj *o = cel_lookup(r, pd, m->u.ep.ep, CEL_T_EP, OSM_PERM_R);
    if (!o)
        return -EPERM;
    cel_ep *ep = o->u.ep;
    if (ep->len) {
        m->u.ep = ep->q[ep->head];
        ep->head = (ep->head + 1) % CEL_EP_QUEUE;
        ep->len--;
        return 0;
    }
    if (waiter_alive(r, ep))
        return -EBUSY;
    ep->waiter = pd->num;
    ep->waiter_seq = m->h.seq;
    *deferred = true;
    return 0;
}

void cel_ep_release(cel_root *r, cel_obj *o)
{
    if (o->holders)
        return;
    if (o->node != OSM_NONE && cel_model_delete(r, o->node))
        return;
    free(o->u.ep);
    cel_obj_free(r, o);
}
