/*
 * libcellulos for resource servers and their clients (srv_proto.h).
 *
 * A server: cel_serve() publishes its door (an endpoint it holds) and
 * loops, accepting sessions and answering requests; it reports every
 * resource it makes, maps, grants and deletes with the cel_space_* /
 * cel_res_* calls, which return only once the root task has changed the
 * model.  A client: cel_session_open() connects to a door and maps the
 * session's shared buffer; cel_rpc() sends one request and waits for the
 * reply.  Requests are small fixed messages on the connection socket; bulk
 * data goes through the buffer, an MO the server made and granted to the
 * client, so the model shows who shares it.
 *
 * Every call returns 0 (or a count where stated) or a negative errno.
 */
#ifndef CEL_SERVER_H
#define CEL_SERVER_H

#include "cellulos.h"
#include "../proto/srv_proto.h"

/* ---- model reports (root task calls) -------------------------------------- */
int cel_door_open(cel_badge ep, int *door_fd);
int cel_connect(cel_badge door, const char *text, uint64_t w0, uint64_t w1, int *fd,
                cel_badge *conn);
/* A new space of `type` (not a core type), mapped to the space behind
 * maps_to (a held server space, server resource or MO; 0 = unmapped). */
int cel_space_create(const char *type, cel_badge maps_to, cel_badge *space);
/* A new resource of one of this server's spaces; extra = EXTRA text (no
 * commas or quotes) or NULL. */
int cel_res_create(cel_badge space, const char *extra, cel_badge *res);
int cel_res_map(cel_badge from, cel_badge to, unsigned perms);
int cel_res_unmap(cel_badge from, cel_badge to);
/* Give a held resource (server resource, space or MO) to the other side of
 * a connection; *theirs = the badge it holds it by (may be NULL). */
int cel_res_grant(cel_badge res, cel_badge conn, unsigned perms, cel_badge *theirs);
int cel_res_revoke(cel_badge res, cel_badge conn);
/* Delete a resource of one of this server's spaces: its maps go, every
 * holder loses it. */
int cel_res_delete(cel_badge res);

/* Ask the root task to check that the model and the OS agree (audit.c);
 * 0, or -EIO with the first problem in why. */
int cel_audit(char *why, size_t len);

/* ---- requests ------------------------------------------------------------------ */
#define CEL_RPC_STR 96
typedef struct cel_rpc {
    uint32_t op;
    int32_t status;             /* reply: 0 / count or -errno */
    uint64_t a[4];
    char s[CEL_RPC_STR];        /* a name (NUL-terminated) */
} cel_rpc;

enum { CEL_RPC_HELLO = 1, CEL_RPC_USER = 16 };  /* server ops start at CEL_RPC_USER */

/* A session: a connection and its shared buffer. */
typedef struct cel_session {
    int fd;
    cel_badge conn;
    unsigned char *buf;
    size_t bytes;
    cel_badge mo, vmr;          /* the buffer in this PD */
    cel_badge peer_mo;          /* server side: the client's badge of the buffer */
    char peer[CEL_NAME_MAX];    /* server side: the client's model ID */
    char text[CEL_TEXT_MAX];    /* server side: what the client said at connect */
    void *user;                 /* server side: the server's per-session state */
    uint32_t id;                /* server side: 1.. in connection order */
} cel_session;

/* Connect to a door and map the session buffer. */
int cel_session_open(cel_badge door, const char *text, cel_session *s);
void cel_session_close(cel_session *s);
/* One request/reply; returns the reply's status (or -EPIPE when the server
 * is gone).  m is overwritten by the reply. */
int cel_rpc_call(cel_session *s, cel_rpc *m);

/* ---- the server loop ---------------------------------------------------------- */
typedef struct cel_server_ops {
    size_t buf_pages;                           /* session buffer size */
    int (*open)(void *ctx, cel_session *s);     /* new session; < 0 refuses it */
    void (*request)(void *ctx, cel_session *s, cel_rpc *m);   /* fill m as the reply */
    void (*close)(void *ctx, cel_session *s);   /* the client is gone */
} cel_server_ops;

/* Publish `door` and serve until `stop` is set (checked between events).
 * Returns 0, or -errno when the door cannot be opened. */
int cel_serve(cel_badge door, const cel_server_ops *ops, void *ctx, volatile int *stop);

#endif
