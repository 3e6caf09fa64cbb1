/*
 * The resource-server protocol: the root-task operations a resource server
 * and its clients use (numbered from CEL_OP_SRV_FIRST, after the core ops
 * of proto.h), and the message bodies they carry.
 *
 * A server publishes a *door* (an endpoint it holds): the root task gives it
 * a socket on which every new connection arrives, with the connection's own
 * socket attached (SCM_RIGHTS).  Requests and replies then flow directly
 * between client and server on that connection socket; bulk data goes
 * through an MO both have mapped.  The model learns of every space,
 * resource, map, grant and deletion from the calls below, as it happens.
 */
#ifndef CEL_SRV_PROTO_H
#define CEL_SRV_PROTO_H

#include "proto.h"

enum {
    CEL_OP_SRV_FIRST = 150,
    CEL_OP_DOOR = 150,          /* server: publish an EP as its door; reply carries the door socket */
    CEL_OP_CONNECT,             /* client: connect to a door; reply carries the connection socket */
    CEL_OP_SPACE_CREATE,        /* server: new resource space of a type, optionally mapped */
    CEL_OP_RES_CREATE,          /* server: new resource in one of its spaces */
    CEL_OP_RES_MAP,             /* server: resource -> resource MAP (both held) */
    CEL_OP_RES_UNMAP,
    CEL_OP_RES_GRANT,           /* server: give a held resource to a connected client */
    CEL_OP_RES_REVOKE,          /* server: take it back */
    CEL_OP_RES_DELETE,          /* server: delete a resource of its space (unmaps, revokes) */
    CEL_OP_AUDIT,               /* any PD: the root task checks that model and OS agree */
    CEL_OP_SRV_END
};

/* Badge types of server objects (beyond badge.h's core types). */
enum { CEL_T_RSPACE = 0x20, CEL_T_RES = 0x21, CEL_T_CONN = 0x22 };

#define CEL_SRV_TYPE_MAX 16     /* resource type names: [A-Z][A-Z0-9_]* */

typedef struct cel_b_door { uint64_t ep; } cel_b_door;
typedef struct cel_b_connect {
    uint64_t ep;                /* the server's door, held with W */
    uint64_t word[2];
    char text[CEL_TEXT_MAX];    /* free text for the server (e.g. a namespace) */
} cel_b_connect;
typedef struct cel_b_space_create {
    char type[CEL_SRV_TYPE_MAX];
    uint64_t maps_to;           /* badge of a held space, resource or MO whose space
                                 * the new space maps to; 0 = none */
} cel_b_space_create;
typedef struct cel_b_res_create {
    uint64_t space;
    char extra[CEL_TEXT_MAX];
} cel_b_res_create;
typedef struct cel_b_res_map { uint64_t from, to; uint32_t perms, reserved; } cel_b_res_map;
typedef struct cel_b_res_grant { uint64_t res, conn; uint32_t perms, reserved; } cel_b_res_grant;

/* What the root task sends on a door socket for each new connection (the
 * connection socket rides along). */
typedef struct cel_door_msg {
    uint32_t magic;             /* CEL_MAGIC */
    uint32_t reserved;
    uint64_t conn;              /* the connection's badge in the server's registry */
    uint64_t word[2];
    char client[CEL_NAME_MAX];  /* the client's model ID */
    char text[CEL_TEXT_MAX];
} cel_door_msg;

/* Shape checks of a server-op request (called by cel_msg_check); NULL when
 * fine, else the reason. */
const char *cel_srv_check_request(const cel_msg *m);
const char *cel_srv_op_name(unsigned op);

#endif
