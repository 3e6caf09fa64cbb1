/*
 * libcellulos: resource-server calls, sessions and the server loop
 * (server.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "../platform/platform.h"

#define BODY(m, type) ((type *)(void *)(m)->u.raw)

/* ---- model reports ------------------------------------------------------------ */

/* A root call whose reply is one badge. */
static int badge_reply(cel_msg *m, int *fd, cel_badge *out)
{
    int rc = cel_call(m, fd);
    if (!rc && out)
        *out = m->u.badge.badge;
    return rc;
}

int cel_door_open(cel_badge ep, int *door_fd)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_DOOR, 0);
    BODY(&m, cel_b_door)->ep = ep;
    int rc = cel_call(&m, door_fd);
    if (!rc && *door_fd < 0)
        rc = -EPROTO;
    return rc;
}

int cel_connect(cel_badge door, const char *text, uint64_t w0, uint64_t w1, int *fd,
                cel_badge *conn)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_CONNECT, 0);
    cel_b_connect *c = BODY(&m, cel_b_connect);
    if (text && strlen(text) >= sizeof c->text)
        return -EINVAL;
    c->ep = door;
    c->word[0] = w0;
    c->word[1] = w1;
    snprintf(c->text, sizeof c->text, "%s", text ? text : "");
    int rc = badge_reply(&m, fd, conn);
    if (!rc && *fd < 0)
        rc = -EPROTO;
    return rc;
}

int cel_space_create(const char *type, cel_badge maps_to, cel_badge *space)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_SPACE_CREATE, 0);
    cel_b_space_create *c = BODY(&m, cel_b_space_create);
    if (strlen(type) >= sizeof c->type)
        return -EINVAL;
    strcpy(c->type, type);
    c->maps_to = maps_to;
    return badge_reply(&m, NULL, space);
}

int cel_res_create(cel_badge space, const char *extra, cel_badge *res)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_RES_CREATE, 0);
    cel_b_res_create *c = BODY(&m, cel_b_res_create);
    if (extra && strlen(extra) >= sizeof c->extra)
        return -EINVAL;
    c->space = space;
    snprintf(c->extra, sizeof c->extra, "%s", extra ? extra : "");
    return badge_reply(&m, NULL, res);
}

static int res_map_call(unsigned op, cel_badge from, cel_badge to, unsigned perms)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)op, 0);
    cel_b_res_map *b = BODY(&m, cel_b_res_map);
    b->from = from;
    b->to = to;
    b->perms = perms;
    return cel_call(&m, NULL);
}

int cel_res_map(cel_badge from, cel_badge to, unsigned perms)
{
    return res_map_call(CEL_OP_RES_MAP, from, to, perms);
}

int cel_res_unmap(cel_badge from, cel_badge to)
{
    return res_map_call(CEL_OP_RES_UNMAP, from, to, 0);
}

int cel_res_grant(cel_badge res, cel_badge conn, unsigned perms, cel_badge *theirs)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_RES_GRANT, 0);
    cel_b_res_grant *g = BODY(&m, cel_b_res_grant);
    g->res = res;
    g->conn = conn;
    g->perms = perms;
    return badge_reply(&m, NULL, theirs);
}

int cel_res_revoke(cel_badge res, cel_badge conn)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_RES_REVOKE, 0);
    cel_b_res_grant *g = BODY(&m, cel_b_res_grant);
    g->res = res;
    g->conn = conn;
    return cel_call(&m, NULL);
}

int cel_res_delete(cel_badge res)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_RES_DELETE, 0);
    m.u.badge.badge = res;
    return cel_call(&m, NULL);
}

int cel_audit(char *why, size_t len)
{
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_AUDIT, 0);
    int rc = cel_call(&m, NULL);
    if (!rc && !m.u.done.ok)
        rc = -EIO;
    if (why && len) {
        m.u.done.note[sizeof m.u.done.note - 1] = '\0';
        snprintf(why, len, "%s", rc == -EIO ? m.u.done.note : "");
    }
    return rc;
}

/* ---- requests ------------------------------------------------------------------- */

static int rpc_send(int fd, const cel_rpc *m)
{
    return cel_plat_send(fd, m, sizeof *m, -1);
}

/* Receive exactly one cel_rpc; -EPIPE at end of stream, -EPROTO when malformed. */
static int rpc_recv(int fd, cel_rpc *m)
{
    size_t got = 0;
    bool trunc = false;
    int rc = cel_plat_recv(fd, m, sizeof *m, &got, &trunc, NULL);
    if (rc)
        return rc;
    if (got != sizeof *m || trunc)
        return -EPROTO;
    m->s[sizeof m->s - 1] = '\0';
    return 0;
}

int cel_rpc_call(cel_session *s, cel_rpc *m)
{
    int rc = rpc_send(s->fd, m);
    rc = rc ? rc : rpc_recv(s->fd, m);
    return rc ? rc : m->status;
}

int cel_session_open(cel_badge door, const char *text, cel_session *s)
{
    memset(s, 0, sizeof *s);
    /* A server started just before its client may not have opened its
     * door yet: wait for it (up to 10 s). */
    int rc;
    for (int tries = 0; (rc = cel_connect(door, text, 0, 0, &s->fd, &s->conn)) == -ECONNREFUSED &&
                        tries < 5000; tries++)
        nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
    if (rc)
        return rc;
    cel_rpc m = { .op = CEL_RPC_HELLO };
    rc = cel_rpc_call(s, &m);
    if (!rc) {
        s->mo = m.a[0];
        rc = cel_mo_attach(s->mo, CEL_PERM_R | CEL_PERM_W, (void **)&s->buf, &s->bytes, &s->vmr);
    }
    if (rc) {
        close(s->fd);
        s->fd = -1;
    }
    return rc;
}

void cel_session_close(cel_session *s)
{
    if (s->buf)
        cel_vmr_detach(s->vmr, s->buf, s->bytes);
    if (s->fd >= 0)
        close(s->fd);
    s->buf = NULL;
    s->fd = -1;
}

/* ---- the server loop ------------------------------------------------------------ */

#define MAX_SESSIONS 64

/* A new connection from the door: make and grant its buffer, then let the
 * server have a say. */
static cel_session *accept_session(int door, const cel_server_ops *ops, void *ctx, uint32_t id)
{
    cel_door_msg dm;
    size_t got = 0;
    bool trunc = false;
    int fd = -1;
    if (cel_plat_recv(door, &dm, sizeof dm, &got, &trunc, &fd))
        return NULL;
    cel_session *s = calloc(1, sizeof *s);
    if (got != sizeof dm || trunc || dm.magic != CEL_MAGIC || fd < 0 || !s) {
        if (fd >= 0)
            close(fd);
        free(s);
        return NULL;
    }
    s->fd = fd;
    s->conn = dm.conn;
    s->id = id;
    memcpy(s->peer, dm.client, sizeof s->peer - 1);
    memcpy(s->text, dm.text, sizeof s->text - 1);
    int rc = cel_mo_alloc(ops->buf_pages, &s->mo);
    rc = rc ? rc : cel_mo_attach(s->mo, CEL_PERM_R | CEL_PERM_W, (void **)&s->buf, &s->bytes, &s->vmr);
    rc = rc ? rc : cel_res_grant(s->mo, s->conn, CEL_PERM_R | CEL_PERM_W, &s->peer_mo);
    rc = rc ? rc : ops->open(ctx, s);
    if (rc) {
        if (s->buf)
            cel_vmr_detach(s->vmr, s->buf, s->bytes);
        if (s->mo)
            cel_mo_free(s->mo);
        close(fd);
        free(s);
        return NULL;
    }
    return s;
}

static void drop_session(const cel_server_ops *ops, void *ctx, cel_session *s)
{
    ops->close(ctx, s);
    cel_vmr_detach(s->vmr, s->buf, s->bytes);
    cel_mo_free(s->mo);
    close(s->fd);
    free(s);
}

/* Serve one request of session s; false when the session ended. */
static bool serve_one(const cel_server_ops *ops, void *ctx, cel_session *s)
{
    cel_rpc m;
    int rc = rpc_recv(s->fd, &m);
    if (rc == -EINTR || rc == -EAGAIN)
        return true;
    if (rc)
        return false;
    if (m.op == CEL_RPC_HELLO) {
        memset(&m, 0, sizeof m);
        m.a[0] = s->peer_mo;
        m.a[1] = s->bytes;
    } else {
        ops->request(ctx, s, &m);
    }
    return rpc_send(s->fd, &m) == 0;
}

int cel_serve(cel_badge door, const cel_server_ops *ops, void *ctx, volatile int *stop)
{
    int dfd = -1;
    int rc = cel_door_open(door, &dfd);
    if (rc)
        return rc;
    cel_session *ss[MAX_SESSIONS];
    struct pollfd p[MAX_SESSIONS + 1];
    size_t n = 0;
    uint32_t next_id = 1;
    while (!stop || !*stop) {
        p[0] = (struct pollfd){ .fd = dfd, .events = POLLIN };
        for (size_t i = 0; i < n; i++)
            p[i + 1] = (struct pollfd){ .fd = ss[i]->fd, .events = POLLIN };
        if (poll(p, n + 1, -1) < 0)
            continue;   /* EINTR (SIGIO from the root task) */
        for (size_t i = n; i-- > 0;) {
            if (!p[i + 1].revents || serve_one(ops, ctx, ss[i]))
                continue;
            drop_session(ops, ctx, ss[i]);
            ss[i] = ss[--n];
        }
        if (p[0].revents & POLLIN && n < MAX_SESSIONS) {
            cel_session *s = accept_session(dfd, ops, ctx, next_id);
            if (s) {
                ss[n++] = s;
                next_id++;
            }
        } else if (p[0].revents & (POLLHUP | POLLERR)) {
            break;
        }
    }
    while (n)
        drop_session(ops, ctx, ss[--n]);
    close(dfd);
    return 0;
}
