/*
 * The resource-server framework, root-task side (src/cellulos/root/srv.c), driven
 * directly with PD records that have no process: spaces, resources, maps,
 * doors, connections, grants, deletion, the end of a server, and the
 * protocol's shape checks.  The model must satisfy every invariant after
 * every step (debug mode) and come back to its boot state.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cellulos/platform/platform.h"
#include "cellulos/root/root.h"
#include "cellulos/proto/srv_proto.h"

#define BODY(m, type) ((type *)(void *)(m)->u.raw)

static cel_pd *fake_pd(cel_root *r, const char *id)
{
    cel_obj *o = cel_obj_new(r, CEL_T_PD, 0);
    cel_pd *pd = calloc(1, sizeof *pd);
    assert_non_null(o);
    assert_non_null(pd);
    o->u.pd = pd;
    pd->num = o->num;
    pd->pidfd = pd->sock = pd->notify = pd->listener = -1;
    pd->hello = pd->reaped = true;
    snprintf(pd->id, sizeof pd->id, "%s", id);
    o->node = cel_model_pd(r, id, "test");
    assert_int_not_equal(o->node, OSM_NONE);
    return pd;
}

static int call(cel_root *r, cel_pd *pd, cel_msg *m, int *fd)
{
    char why[64];
    m->h.magic = CEL_MAGIC;
    if (cel_msg_check(m, sizeof *m, false, false, why, sizeof why))
        return -EBADMSG;
    *fd = -1;
    bool deferred = false;
    int rc = cel_srv_dispatch(r, pd, m, fd, &deferred);
    assert_false(deferred);     /* no MO revocation in these tests */
    return rc;
}

static uint64_t space_create(cel_root *r, cel_pd *pd, const char *type, uint64_t maps_to, int *rc)
{
    cel_msg m;
    int fd;
    cel_msg_init(&m, (cel_op)CEL_OP_SPACE_CREATE, 1);
    snprintf(BODY(&m, cel_b_space_create)->type, CEL_SRV_TYPE_MAX, "%s", type);
    BODY(&m, cel_b_space_create)->maps_to = maps_to;
    *rc = call(r, pd, &m, &fd);
    return m.u.badge.badge;
}

static uint64_t res_create(cel_root *r, cel_pd *pd, uint64_t space, const char *extra)
{
    cel_msg m;
    int fd;
    cel_msg_init(&m, (cel_op)CEL_OP_RES_CREATE, 1);
    BODY(&m, cel_b_res_create)->space = space;
    snprintf(BODY(&m, cel_b_res_create)->extra, CEL_TEXT_MAX, "%s", extra);
    assert_int_equal(call(r, pd, &m, &fd), 0);
    return m.u.badge.badge;
}

static int two_badges(cel_root *r, cel_pd *pd, unsigned op, uint64_t a, uint64_t b, uint64_t *out)
{
    cel_msg m;
    int fd;
    cel_msg_init(&m, (cel_op)op, 1);
    BODY(&m, cel_b_res_grant)->res = a;     /* same layout as res_map's from/to */
    BODY(&m, cel_b_res_grant)->conn = b;
    BODY(&m, cel_b_res_grant)->perms = op == CEL_OP_RES_GRANT ? CEL_PERM_R | CEL_PERM_W : 0;
    int rc = call(r, pd, &m, &fd);
    if (out)
        *out = m.u.badge.badge;
    return rc;
}

static bool has_edge(cel_root *r, osm_edge_kind k, const char *from, const char *to)
{
    osm_id a = osm_store_find(r->s, from), b = osm_store_find(r->s, to);
    return a != OSM_NONE && b != OSM_NONE && osm_store_find_edge(r->s, k, a, b, OSM_NONE) != OSM_NONE;
}

static void test_server_lifecycle(void **state)
{
    (void)state;
    cel_root r;
    assert_int_equal(cel_root_init(&r, "."), 0);
    r.log = fopen("/dev/null", "w");
    osm_store_set_debug_invariants(r.s, true);
    assert_int_equal(cel_model_boot(&r), 0);
    size_t boot_nodes = osm_store_node_count(r.s);
    cel_pd *srv = fake_pd(&r, "PD_1"), *cli = fake_pd(&r, "PD_2");
    int rc;

    /* spaces: core types are the root's; a BLOCK space, a FILE space on it */
    space_create(&r, srv, "MO", 0, &rc);
    assert_int_equal(rc, -EINVAL);
    space_create(&r, srv, "block", 0, &rc);
    assert_int_equal(rc, -EBADMSG);
    uint64_t blocks = space_create(&r, srv, "BLOCK", 0, &rc);
    assert_int_equal(rc, 0);
    uint64_t b1 = res_create(&r, srv, blocks, "1");
    uint64_t files = space_create(&r, srv, "FILE", b1, &rc);
    assert_int_equal(rc, 0);
    assert_true(has_edge(&r, OSM_MAP, "FILE_SPACE_7", "BLOCK_SPACE_6"));
    uint64_t f1 = res_create(&r, srv, files, "kv.db");
    assert_int_equal(two_badges(&r, srv, CEL_OP_RES_MAP, f1, b1, NULL), 0);
    assert_true(has_edge(&r, OSM_MAP, "FILE_7_1", "BLOCK_6_1"));
    assert_true(has_edge(&r, OSM_HOLD, "PD_1", "FILE_7_1"));
    assert_true(has_edge(&r, OSM_HOLD, "PD_0", "FILE_7_1"));

    /* a door and a connection; a grant through it */
    cel_msg m;
    int door = -1, conn_fd = -1;
    assert_int_equal(cel_ep_alloc(&r, srv, &m), 0);
    uint64_t ep = m.u.badge.badge;
    cel_msg_init(&m, (cel_op)CEL_OP_DOOR, 1);
    BODY(&m, cel_b_door)->ep = ep;
    assert_int_equal(call(&r, srv, &m, &door), 0);
    assert_true(door >= 0);
    cel_msg_init(&m, (cel_op)CEL_OP_CONNECT, 1);
    BODY(&m, cel_b_connect)->ep = ep;   /* not held by the client */
    assert_int_equal(call(&r, cli, &m, &conn_fd), -EPERM);
    cel_obj *epo = cel_obj_get(&r, cel_badge_obj(ep));
    assert_int_equal(cel_pd_give(&r, cli, epo, CEL_PERM_W, &ep), 0);
    cel_msg_init(&m, (cel_op)CEL_OP_CONNECT, 1);
    BODY(&m, cel_b_connect)->ep = ep;
    snprintf(BODY(&m, cel_b_connect)->text, CEL_TEXT_MAX, "ns-1");
    assert_int_equal(call(&r, cli, &m, &conn_fd), 0);
    assert_true(conn_fd >= 0);
    cel_door_msg dm;
    size_t got = 0;
    bool trunc = false;
    int srv_fd = -1;
    assert_int_equal(cel_plat_recv(door, &dm, sizeof dm, &got, &trunc, &srv_fd), 0);
    assert_int_equal(got, sizeof dm);
    assert_string_equal(dm.client, "PD_2");
    assert_string_equal(dm.text, "ns-1");
    assert_true(srv_fd >= 0);
    uint64_t theirs = 0;
    assert_int_equal(two_badges(&r, srv, CEL_OP_RES_GRANT, f1, dm.conn, &theirs), 0);
    assert_true(has_edge(&r, OSM_HOLD, "PD_2", "FILE_7_1"));
    /* the client holds the file but serves nothing: it cannot delete it */
    cel_msg_init(&m, (cel_op)CEL_OP_RES_DELETE, 1);
    m.u.badge.badge = theirs;
    int fd;
    assert_int_equal(call(&r, cli, &m, &fd), -EPERM);
    /* a forged badge is refused */
    assert_int_equal(two_badges(&r, cli, CEL_OP_RES_MAP, theirs, b1, NULL), -EPERM);

    /* deleting a block removes the file's map onto it */
    cel_msg_init(&m, (cel_op)CEL_OP_RES_DELETE, 1);
    m.u.badge.badge = b1;
    assert_int_equal(call(&r, srv, &m, &fd), 0);
    assert_int_equal(osm_store_find(r.s, "BLOCK_6_1"), OSM_NONE);
    assert_true(has_edge(&r, OSM_MAP, "FILE_SPACE_7", "BLOCK_SPACE_6"));

    /* the server ends: its spaces go with their resources and every hold */
    srv->ended = true;
    cel_srv_pd_ended(&r, srv);
    assert_int_equal(osm_store_find(r.s, "FILE_7_1"), OSM_NONE);
    assert_int_equal(osm_store_find(r.s, "FILE_SPACE_7"), OSM_NONE);
    assert_int_equal(osm_store_find(r.s, "BLOCK_SPACE_6"), OSM_NONE);
    assert_false(r.broken);
    osm_diags d;
    osm_diags_init(&d, 5);
    assert_int_equal(osm_check(r.s, true, &d), 0);
    osm_diags_free(&d);
    /* what is left: the two PDs, the endpoint and the connection */
    assert_int_equal(osm_store_node_count(r.s), boot_nodes + 4);
    close(door), close(conn_fd), close(srv_fd);
    fclose(r.log);
    cel_root_fini(&r);
}

static void test_proto_shapes(void **state)
{
    (void)state;
    cel_msg m;
    char why[64];
    cel_msg_init(&m, (cel_op)CEL_OP_RES_CREATE, 1);
    snprintf(BODY(&m, cel_b_res_create)->extra, CEL_TEXT_MAX, "a,b");  /* would break the CSV */
    assert_int_equal(cel_msg_check(&m, sizeof m, false, false, why, sizeof why), -1);
    assert_string_equal(why, "bad text");
    cel_msg_init(&m, (cel_op)CEL_OP_RES_GRANT, 1);
    BODY(&m, cel_b_res_grant)->perms = 0x10;
    assert_int_equal(cel_msg_check(&m, sizeof m, false, false, why, sizeof why), -1);
    cel_msg_init(&m, (cel_op)CEL_OP_SRV_END, 1);
    assert_int_equal(cel_msg_check(&m, sizeof m, false, false, why, sizeof why), -1);
    assert_string_equal(why, "unknown operation");
    cel_msg_init(&m, (cel_op)(CEL_OP_SRV_FIRST - 1), 1);
    assert_int_equal(cel_msg_check(&m, sizeof m, false, false, why, sizeof why), -1);
    cel_msg_init(&m, (cel_op)CEL_OP_AUDIT, 1);
    assert_int_equal(cel_msg_check(&m, sizeof m, false, false, why, sizeof why), 0);
    assert_string_equal(cel_op_name(CEL_OP_CONNECT), "CONNECT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_lifecycle),
        cmocka_unit_test(test_proto_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
