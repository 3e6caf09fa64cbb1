/*
 * Resource servers, root-task side (srv_proto.h): doors and connections,
 * server-made resource spaces and resources, maps, grants to connected
 * clients, deletion, and what goes when a server ends.
 *
 * A server never changes the model itself: every creation, map, grant and
 * deletion is a call to the root task, which applies the MODEL.md §1
 * transition (acting as the root, like every other component) before it
 * answers.  So the model is exact at every moment and a dump never waits
 * on a server.  The data path (client <-> server requests, bulk data) does
 * not pass through the root task: a connection is a socket pair made by the
 * root task, one end to each side, and an MO both map.
 *
 * Objects: RSPACE (a server's space; u.owner.pd = the server), RES (a
 * resource in such a space), CONN (a connection; its model node is an EP
 * resource in the root's endpoint space held by both sides).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmosis/query.h>

#include "../platform/platform.h"
#include "root.h"
#include "../proto/srv_proto.h"

#define BODY(m, type) ((type *)(void *)(m)->u.raw)

typedef struct cel_door {
    uint32_t ep;        /* EP object number */
    uint32_t server;    /* PD object number */
    int fd;             /* the root task's end of the door socket */
} cel_door;

struct cel_srv {
    cel_door *doors;
    size_t n_doors, cap_doors;
};

static struct cel_srv *srv_state(cel_root *r)
{
    if (!r->srv)
        r->srv = calloc(1, sizeof *r->srv);
    return r->srv;
}

void cel_srv_fini(cel_root *r)
{
    if (!r->srv)
        return;
    for (size_t i = 0; i < r->srv->n_doors; i++)
        close(r->srv->doors[i].fd);
    free(r->srv->doors);
    free(r->srv);
    r->srv = NULL;
}

static cel_door *door_of_ep(cel_root *r, uint32_t ep)
{
    struct cel_srv *s = r->srv;
    for (size_t i = 0; s && i < s->n_doors; i++)
        if (s->doors[i].ep == ep)
            return &s->doors[i];
    return NULL;
}

static void door_remove(cel_root *r, size_t i)
{
    struct cel_srv *s = r->srv;
    close(s->doors[i].fd);
    s->doors[i] = s->doors[--s->n_doors];
}

/* ---- doors and connections ----------------------------------------------------- */

/* DOOR: pd publishes an EP it holds (R) as its door; the reply carries the
 * server's end of the door socket. */
static int srv_door(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out)
{
    cel_obj *ep = cel_lookup(r, pd, BODY(m, cel_b_door)->ep, CEL_T_EP, OSM_PERM_R);
    struct cel_srv *s = srv_state(r);
    if (!ep || !s)
        return ep ? -ENOMEM : -EPERM;
    if (door_of_ep(r, ep->num))
        return -EBUSY;
    if (s->n_doors == s->cap_doors) {
        size_t cap = s->cap_doors ? s->cap_doors * 2 : 8;
        cel_door *v = realloc(s->doors, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        s->doors = v;
        s->cap_doors = cap;
    }
    int sv[2];
    int rc = cel_plat_socketpair(sv);
    if (rc)
        return rc;
    fcntl(sv[0], F_SETFL, O_NONBLOCK);  /* a full door refuses; the root never waits */
    s->doors[s->n_doors++] = (cel_door){ ep->num, pd->num, sv[0] };
    memset(&m->u, 0, sizeof m->u);
    *fd_out = sv[1];
    return 0;
}

/* Drop one PD's hold on a connection; the model node goes with the last. */
static void conn_drop(cel_root *r, cel_pd *pd, cel_obj *c)
{
    cel_pd_take(r, pd, c);
    if (c->holders == 0) {
        if (c->node != OSM_NONE)
            cel_model_delete(r, c->node);
        cel_obj_free(r, c);
    }
}

/* CONNECT: a socket pair, one end to the client (in the reply), the other
 * to the server through its door, and a CONN both hold. */
static int srv_connect(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out)
{
    cel_b_connect *c = BODY(m, cel_b_connect);
    cel_obj *ep = cel_lookup(r, pd, c->ep, CEL_T_EP, OSM_PERM_W);
    cel_door *d = ep ? door_of_ep(r, ep->num) : NULL;
    cel_pd *server = d ? cel_pd_of(r, d->server) : NULL;
    if (!ep)
        return -EPERM;
    if (!server || server->ended)
        return -ECONNREFUSED;
    if (server == pd)
        return -EINVAL;
    cel_obj *o = cel_obj_new(r, (cel_type)CEL_T_CONN, r->ep_space->num);
    if (!o)
        return -ENOMEM;
    o->u.conn.client = pd->num;
    o->u.conn.server = server->num;
    o->node = cel_model_resource(r, r->ep_space, "EP", "connection");
    uint64_t mine = 0, theirs = 0;
    int rc = o->node == OSM_NONE ? -EPERM : 0;
    rc = rc ? rc : cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W, &mine);
    rc = rc ? rc : cel_pd_give(r, server, o, OSM_PERM_R | OSM_PERM_W, &theirs);
    int sv[2] = { -1, -1 };
    rc = rc ? rc : cel_plat_socketpair(sv);
    if (!rc) {
        cel_door_msg dm;
        memset(&dm, 0, sizeof dm);
        dm.magic = CEL_MAGIC;
        dm.conn = theirs;
        memcpy(dm.word, c->word, sizeof dm.word);
        snprintf(dm.client, sizeof dm.client, "%s", pd->id);
        snprintf(dm.text, sizeof dm.text, "%s", c->text);
        rc = cel_plat_try_send(d->fd, &dm, sizeof dm, sv[1]);  /* a server not reading: -EAGAIN */
        close(sv[1]);
    }
    if (rc) {
        if (sv[0] >= 0)
            close(sv[0]);
        if (cel_holds_find_obj(&server->holds, o->num))
            cel_pd_take(r, server, o);
        if (cel_holds_find_obj(&pd->holds, o->num))
            conn_drop(r, pd, o);
        else
            conn_drop(r, server, o);   /* holders 0: frees it */
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = mine;
    *fd_out = sv[0];
    return 0;
}

/* ---- spaces and resources ------------------------------------------------------- */

/* Types the root task serves itself: a server may not make spaces of them. */
static bool core_type(const char *t)
{
    static const char *const core[] = { "ADS", "VMR", "MO", "VCPU", "PCPU", "EP", "PD" };
    for (size_t i = 0; i < sizeof core / sizeof *core; i++)
        if (strcmp(t, core[i]) == 0)
            return true;
    return false;
}

/* The model space behind a held badge (a server space, a resource of one,
 * or an MO), for space maps; OSM_NONE when none. */
static osm_id space_behind(cel_root *r, cel_pd *pd, uint64_t badge)
{
    unsigned t = cel_badge_type(badge);
    if (t != CEL_T_RSPACE && t != CEL_T_RES && t != CEL_T_MO)
        return OSM_NONE;
    cel_obj *o = cel_lookup(r, pd, badge, (cel_type)t, 0);
    if (!o)
        return OSM_NONE;
    return t == CEL_T_MO ? r->mo_space->node : r->spaces[o->space].node;
}

static int srv_space_create(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_space_create *c = BODY(m, cel_b_space_create);
    if (core_type(c->type))
        return -EINVAL;
    osm_id target = OSM_NONE;
    if (c->maps_to && (target = space_behind(r, pd, c->maps_to)) == OSM_NONE)
        return -EPERM;
    cel_space *sp = cel_space_new(r, c->type);
    if (!sp)
        return -EPERM;
    cel_obj *o = cel_obj_new(r, (cel_type)CEL_T_RSPACE, sp->num);
    if (!o) {
        cel_space_free(r, sp);
        return -ENOMEM;
    }
    o->node = sp->node;
    o->u.owner.pd = pd->num;
    sp->obj = o->num;
    uint64_t badge = 0;
    int rc = target != OSM_NONE ? cel_model_map_space(r, sp->node, target) : 0;
    rc = rc ? rc : cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W, &badge);
    if (rc) {
        if (target != OSM_NONE &&
            osm_store_find_edge(r->s, OSM_MAP, sp->node, target, OSM_NONE) != OSM_NONE)
            cel_model_unmap_space(r, sp->node, target);
        cel_space_free(r, sp);
        cel_obj_free(r, o);
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = badge;
    return 0;
}

static int srv_res_create(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_res_create *c = BODY(m, cel_b_res_create);
    cel_obj *so = cel_lookup(r, pd, c->space, (cel_type)CEL_T_RSPACE, OSM_PERM_W);
    if (!so || so->u.owner.pd != pd->num)
        return -EPERM;
    cel_space *sp = &r->spaces[so->space];
    cel_obj *o = cel_obj_new(r, (cel_type)CEL_T_RES, sp->num);
    if (!o)
        return -ENOMEM;
    o->node = cel_model_resource(r, sp, osm_node_data_name(r->s, sp->node),
                                 c->extra[0] ? c->extra : NULL);
    uint64_t badge = 0;
    int rc = o->node == OSM_NONE ? -EPERM : cel_pd_give(r, pd, o, OSM_PERM_R | OSM_PERM_W, &badge);
    if (rc) {
        if (o->node != OSM_NONE)
            cel_model_delete(r, o->node);
        cel_obj_free(r, o);
        return rc;
    }
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = badge;
    return 0;
}

/* A held server resource or MO (the target of a map or grant). */
static cel_obj *held_res(cel_root *r, cel_pd *pd, uint64_t badge, unsigned need)
{
    unsigned t = cel_badge_type(badge);
    if (t != CEL_T_RES && t != CEL_T_MO && t != CEL_T_RSPACE) {
        cel_deny(r, pd, "badge", "not a server resource");
        return NULL;
    }
    return cel_lookup(r, pd, badge, (cel_type)t, need);
}

static int srv_res_map(cel_root *r, cel_pd *pd, cel_msg *m, bool map)
{
    cel_b_res_map *b = BODY(m, cel_b_res_map);
    cel_obj *from = cel_lookup(r, pd, b->from, (cel_type)CEL_T_RES, 0);
    cel_obj *to = from ? held_res(r, pd, b->to, 0) : NULL;
    if (!to || to->type == (cel_type)CEL_T_RSPACE)
        return -EPERM;
    return map ? cel_model_map(r, from->node, to->node, b->perms)
               : cel_model_unmap(r, from->node, to->node);
}

/* The other side of a connection pd holds. */
static cel_pd *conn_peer(cel_root *r, cel_pd *pd, uint64_t conn)
{
    cel_obj *c = cel_lookup(r, pd, conn, (cel_type)CEL_T_CONN, 0);
    if (!c)
        return NULL;
    cel_pd *peer = cel_pd_of(r, c->u.conn.client == pd->num ? c->u.conn.server : c->u.conn.client);
    return peer && !peer->ended ? peer : NULL;
}

static int srv_res_grant(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_b_res_grant *g = BODY(m, cel_b_res_grant);
    cel_obj *res = held_res(r, pd, g->res, g->perms);
    cel_pd *peer = res ? conn_peer(r, pd, g->conn) : NULL;
    if (!peer)
        return -EPERM;
    uint64_t theirs = 0;
    int rc = cel_pd_give(r, peer, res, g->perms, &theirs);
    if (rc)
        return rc;
    memset(&m->u, 0, sizeof m->u);
    m->u.badge.badge = theirs;
    return 0;
}

/* Revoke a resource the server granted over `conn`.  An MO must be taken
 * away for real first (revoke.c): that reply comes later. */
static int srv_res_revoke(cel_root *r, cel_pd *pd, cel_msg *m, bool *deferred)
{
    cel_b_res_grant *g = BODY(m, cel_b_res_grant);
    cel_obj *res = held_res(r, pd, g->res, 0);
    cel_pd *peer = res ? conn_peer(r, pd, g->conn) : NULL;
    if (!peer)
        return -EPERM;
    if (!cel_holds_find_obj(&peer->holds, res->num))
        return -ENOENT;
    if (res->type == CEL_T_MO) {
        int rc = cel_revoke_start(r, pd, &m->h, peer, res);
        *deferred = rc == 0;
        return rc;
    }
    int rc = cel_pd_take(r, peer, res);
    memset(&m->u, 0, sizeof m->u);
    m->u.revoke.outcome = CEL_REVOKE_NOT_MAPPED;
    return rc;
}

/* The PD record whose model node is n, or NULL. */
static cel_pd *pd_of_node(cel_root *r, osm_id n)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        if (o && o->type == CEL_T_PD && o->node == n)
            return o->u.pd;
    }
    return NULL;
}

/* Remove every MAP edge into or out of node n (a resource or space). */
static void unmap_all(cel_root *r, osm_id n, bool spaces)
{
    osm_id e;
    for (;;) {
        osm_edge ed = { 0 };
        for (e = osm_store_first_out(r->s, n); e != OSM_NONE; e = osm_store_next_out(r->s, e))
            if (osm_store_edge(r->s, e, &ed) && ed.kind == OSM_MAP)
                break;
        if (e == OSM_NONE)
            for (e = osm_store_first_in(r->s, n); e != OSM_NONE; e = osm_store_next_in(r->s, e))
                if (osm_store_edge(r->s, e, &ed) && ed.kind == OSM_MAP)
                    break;
        if (e == OSM_NONE)
            return;
        int rc = spaces ? cel_model_unmap_space(r, ed.from, ed.to) : cel_model_unmap(r, ed.from, ed.to);
        if (rc)
            return;     /* refused (logged): do not loop */
    }
}

/* Take o away from every PD that holds it (registry and model). */
static void take_from_all(cel_root *r, cel_obj *o)
{
    while (o->holders) {
        cel_pd *holder = NULL;
        for (osm_id e = osm_store_first_in(r->s, o->node); e != OSM_NONE && !holder;
             e = osm_store_next_in(r->s, e)) {
            osm_edge ed;
            if (osm_store_edge(r->s, e, &ed) && ed.kind == OSM_HOLD && ed.from != r->pd0) {
                cel_pd *p = pd_of_node(r, ed.from);
                if (p && cel_holds_find_obj(&p->holds, o->num))
                    holder = p;
            }
        }
        if (!holder || cel_pd_take(r, holder, o))
            return;     /* registry and model disagree: logged by the transition */
    }
}

/* Delete a server resource entirely: maps, holds, node. */
static void res_destroy(cel_root *r, cel_obj *o)
{
    unmap_all(r, o->node, false);
    take_from_all(r, o);
    if (o->holders == 0 && cel_model_delete(r, o->node) == 0)
        cel_obj_free(r, o);
}

static int srv_res_delete(cel_root *r, cel_pd *pd, cel_msg *m)
{
    cel_obj *o = cel_lookup(r, pd, m->u.badge.badge, (cel_type)CEL_T_RES, 0);
    if (!o)
        return -EPERM;
    cel_obj *so = cel_obj_get(r, r->spaces[o->space].obj);
    if (!so || so->u.owner.pd != pd->num)
        return -EPERM;  /* only the space's server deletes */
    uint32_t num = o->num;
    res_destroy(r, o);      /* frees o unless a step was refused */
    return cel_obj_get(r, num) ? -EBUSY : 0;
}

/* Destroy a server space with every resource drawn from it. */
static void space_destroy(cel_root *r, cel_obj *so)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        if (o && o->type == (cel_type)CEL_T_RES && o->space == so->space)
            res_destroy(r, o);
    }
    unmap_all(r, so->node, true);
    take_from_all(r, so);
    cel_space *sp = &r->spaces[so->space];
    if (so->holders == 0 && cel_space_free(r, sp) == 0) {
        sp->obj = 0;
        cel_obj_free(r, so);
    }
}

int cel_srv_dispatch(cel_root *r, cel_pd *pd, cel_msg *m, int *fd_out, bool *deferred)
{
    switch (m->h.op) {
    case CEL_OP_DOOR: return srv_door(r, pd, m, fd_out);
    case CEL_OP_CONNECT: return srv_connect(r, pd, m, fd_out);
    case CEL_OP_SPACE_CREATE: return srv_space_create(r, pd, m);
    case CEL_OP_RES_CREATE: return srv_res_create(r, pd, m);
    case CEL_OP_RES_MAP: return srv_res_map(r, pd, m, true);
    case CEL_OP_RES_UNMAP: return srv_res_map(r, pd, m, false);
    case CEL_OP_RES_GRANT: return srv_res_grant(r, pd, m);
    case CEL_OP_RES_REVOKE: return srv_res_revoke(r, pd, m, deferred);
    case CEL_OP_RES_DELETE: return srv_res_delete(r, pd, m);
    case CEL_OP_AUDIT:  /* the verdict rides in the reply; the call itself succeeds */
        memset(&m->u, 0, sizeof m->u);
        m->u.done.ok = cel_audit(r, m->u.done.note, sizeof m->u.done.note) == 0;
        return 0;
    default:
        cel_deny(r, pd, "protocol", "unknown server operation");
        return -EINVAL;
    }
}

/* ---- ends and policies ------------------------------------------------------------ */

void cel_srv_pd_ended(cel_root *r, cel_pd *pd)
{
    struct cel_srv *s = r->srv;
    for (size_t i = 0; s && i < s->n_doors;)
        if (s->doors[i].server == pd->num)
            door_remove(r, i);
        else
            i++;
    size_t n;
    uint64_t *v = cel_holds_list(&pd->holds, &n);
    /* Spaces it serves first (they take their resources, and the maps and
     * holds of other PDs on them), then what it held as a client. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            cel_obj *o = cel_obj_get(r, cel_badge_obj(v[i]));
            if (!o || !cel_holds_find(&pd->holds, v[i]))
                continue;
            if (pass == 0 && o->type == (cel_type)CEL_T_RSPACE && o->u.owner.pd == pd->num)
                space_destroy(r, o);
            else if (pass == 1 && o->type == (cel_type)CEL_T_CONN)
                conn_drop(r, pd, o);
            else if (pass == 1 && (o->type == (cel_type)CEL_T_RES ||
                                   o->type == (cel_type)CEL_T_RSPACE))
                cel_pd_take(r, pd, o);
        }
    free(v);
}

void cel_srv_policy(cel_root *r, const osm_cleanup_result *res)
{
    for (size_t i = 0; i < res->n_spaces; i++)
        for (uint32_t k = 1; k < r->n_objs; k++) {
            cel_obj *o = r->objs[k];
            if (o && o->type == (cel_type)CEL_T_RSPACE && o->node == res->spaces[i]) {
                space_destroy(r, o);
                break;
            }
        }
}
