/*
 * Transitions (MODEL.md §1): every step's accept path and refuse paths,
 * with debug mode on so that every accepted step is also checked against
 * all seven rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <osmosis/osmosis.h>

typedef struct world {
    osm_store *s;
    osm_id root, ads, mo_sp, file_sp, block_sp, server, client;
    osm_error err;
} world;

#define OK(call) assert_int_equal((call), OSM_OK)
#define REFUSED(w, call, needle)                                  \
    do {                                                          \
        assert_int_equal((call), OSM_EREFUSED);                   \
        assert_non_null(strstr((w)->err.msg, needle));            \
    } while (0)

/* A small system built only from transitions: a root task with an ADS, a
 * physical memory space, a FILE server backed by a BLOCK space, a client. */
static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    w->s = osm_store_new();
    osm_store_set_debug_invariants(w->s, true);
    OK(osm_tr_create_pd(w->s, OSM_NONE, "ROOT", "ROOT_TASK", NULL, 0, &w->root, &w->err));
    OK(osm_tr_create_space(w->s, w->root, "ADS_1", "ADS", NULL, &w->ads, &w->err));
    OK(osm_tr_create_space(w->s, w->root, "MO_SPACE", "MO", NULL, &w->mo_sp, &w->err));
    OK(osm_tr_map_space(w->s, w->ads, w->mo_sp, &w->err));
    const char *srv_req[] = { "MO", "ADS" };
    OK(osm_tr_create_pd(w->s, w->root, "FS", "fs_server", srv_req, 2, &w->server, &w->err));
    OK(osm_tr_create_space(w->s, w->server, "FILE_SPACE", "FILE", NULL, &w->file_sp, &w->err));
    OK(osm_tr_create_space(w->s, w->server, "BLOCK_SPACE", "BLOCK", NULL, &w->block_sp, &w->err));
    OK(osm_tr_map_space(w->s, w->file_sp, w->block_sp, &w->err));
    const char *cl_req[] = { "FILE" };
    OK(osm_tr_create_pd(w->s, w->server, "CLIENT", "client", cl_req, 1, &w->client, &w->err));
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    osm_store_free(w->s);
    free(w);
    return 0;
}

static void assert_clean(const osm_store *s)
{
    osm_diags d;
    osm_diags_init(&d, 10);
    size_t n = osm_check(s, true, &d);
    if (n)
        fail_msg("unexpected violation: %s", d.v[0].msg);
    osm_diags_free(&d);
}

static void test_create_pd(void **state)
{
    world *w = *state;
    assert_clean(w->s);
    /* The creator controls what it creates. */
    osm_id h = osm_store_find_edge(w->s, OSM_HOLD, w->server, w->client, OSM_NONE);
    assert_int_not_equal(h, OSM_NONE);
    osm_edge e;
    osm_store_edge(w->s, h, &e);
    assert_true(e.perms & OSM_PERM_T);
    osm_id x;
    REFUSED(w, osm_tr_create_pd(w->s, w->root, "CLIENT", "dup", NULL, 0, &x, &w->err), "exists");
    const char *bad[] = { "SOCKET" };
    REFUSED(w, osm_tr_create_pd(w->s, w->root, "P2", "p", bad, 1, &x, &w->err), "holds no SOCKET");
    REFUSED(w, osm_tr_create_pd(w->s, OSM_NONE, "ROOT2", "ROOT_TASK", NULL, 0, &x, &w->err),
            "root exists");
    REFUSED(w, osm_tr_create_pd(w->s, w->ads, "P3", "p", NULL, 0, &x, &w->err), "not a live PD");
    assert_int_equal(osm_store_find(w->s, "P2"), OSM_NONE);
}

static void test_create_resource_and_grant(void **state)
{
    world *w = *state;
    osm_id f, x;
    OK(osm_tr_create_resource(w->s, w->server, "FILE_1", w->file_sp, NULL, &f, &w->err));
    assert_string_equal(osm_node_data_name(w->s, f), "FILE");
    /* The client asked the server for FILE: the grant goes through. */
    OK(osm_tr_grant(w->s, w->server, w->client, f, OSM_PERM_R | OSM_PERM_W, &w->err));
    /* Granting again widens, never duplicates. */
    OK(osm_tr_grant(w->s, w->server, w->client, f, OSM_PERM_X, &w->err));
    osm_edge e;
    osm_store_edge(w->s, osm_store_find_edge(w->s, OSM_HOLD, w->client, f, OSM_NONE), &e);
    assert_int_equal(e.perms, OSM_PERM_R | OSM_PERM_W | OSM_PERM_X);
    /* Refusals. */
    REFUSED(w, osm_tr_create_resource(w->s, w->client, "FILE_2", w->file_sp, NULL, &x, &w->err),
            "does not hold space");
    REFUSED(w, osm_tr_create_resource(w->s, w->server, "FILE_1", w->file_sp, NULL, &x, &w->err),
            "exists");
    osm_id vmr;
    OK(osm_tr_create_resource(w->s, w->root, "VMR_1", w->ads, NULL, &vmr, &w->err));
    assert_string_equal(osm_node_data_name(w->s, vmr), "VMR");
    /* The server never asked the client for anything. */
    REFUSED(w, osm_tr_grant(w->s, w->client, w->server, f, OSM_PERM_R, &w->err), "no REQUEST");
    /* The client never asked the server for VMRs, and the server lacks one. */
    REFUSED(w, osm_tr_grant(w->s, w->server, w->client, vmr, 0, &w->err), "does not hold it");
    /* The root may grant without a request edge. */
    OK(osm_tr_grant(w->s, w->root, w->client, vmr, OSM_PERM_R, &w->err));
    /* Nobody can grant more than they hold. */
    REFUSED(w, osm_tr_grant(w->s, w->client, w->server, vmr, OSM_PERM_W, &w->err), "fewer permissions");
    assert_clean(w->s);
}

static void test_revoke_and_delete(void **state)
{
    world *w = *state;
    osm_id f;
    OK(osm_tr_create_resource(w->s, w->server, "FILE_1", w->file_sp, NULL, &f, &w->err));
    REFUSED(w, osm_tr_revoke(w->s, w->server, w->client, f, &w->err), "does not hold it");
    OK(osm_tr_grant(w->s, w->server, w->client, f, OSM_PERM_R, &w->err));
    REFUSED(w, osm_tr_delete_resource(w->s, w->server, f, &w->err), "still held by CLIENT");
    REFUSED(w, osm_tr_revoke(w->s, w->client, w->client, f, &w->err), "does not hold the space");
    OK(osm_tr_revoke(w->s, w->server, w->client, f, &w->err));
    assert_int_equal(osm_store_find_edge(w->s, OSM_HOLD, w->client, f, OSM_NONE), OSM_NONE);
    /* The server is the last holder: revoking would orphan the file. */
    REFUSED(w, osm_tr_revoke(w->s, w->server, w->server, f, &w->err), "does not hold the space");
    REFUSED(w, osm_tr_delete_resource(w->s, w->client, f, &w->err), "does not hold its space");
    OK(osm_tr_delete_resource(w->s, w->server, f, &w->err));
    assert_int_equal(osm_store_find(w->s, "FILE_1"), OSM_NONE);
    assert_clean(w->s);
}

static void test_map_and_unmap(void **state)
{
    world *w = *state;
    osm_id f, b, vmr, mo, x;
    OK(osm_tr_create_resource(w->s, w->server, "FILE_1", w->file_sp, NULL, &f, &w->err));
    OK(osm_tr_create_resource(w->s, w->server, "BLOCK_1", w->block_sp, NULL, &b, &w->err));
    OK(osm_tr_create_resource(w->s, w->root, "VMR_1", w->ads, NULL, &vmr, &w->err));
    OK(osm_tr_create_resource(w->s, w->root, "MO_1", w->mo_sp, "0x1000_4_12", &mo, &w->err));
    OK(osm_tr_map(w->s, f, b, 0, &w->err));
    OK(osm_tr_map(w->s, vmr, mo, OSM_PERM_R, &w->err));
    REFUSED(w, osm_tr_map(w->s, f, b, 0, &w->err), "already mapped");
    /* A FILE cannot map to an MO: FILE_SPACE does not map to MO_SPACE. */
    REFUSED(w, osm_tr_map(w->s, f, mo, 0, &w->err), "does not map to space");
    /* Physical onto virtual (rule 6) and cycles (rule 7) are refused. */
    osm_id sp2;
    OK(osm_tr_create_space(w->s, w->root, "ADS_2", "ADS", NULL, &sp2, &w->err));
    REFUSED(w, osm_tr_map_space(w->s, w->mo_sp, sp2, &w->err), "physical onto virtual");
    REFUSED(w, osm_tr_map_space(w->s, w->ads, sp2, &w->err), "already maps to");
    osm_id s3, s4;
    OK(osm_tr_create_space(w->s, w->root, "X_1", "XSPACE", NULL, &s3, &w->err));
    OK(osm_tr_create_space(w->s, w->root, "X_2", "XSPACE", NULL, &s4, &w->err));
    OK(osm_tr_map_space(w->s, s3, s4, &w->err));
    REFUSED(w, osm_tr_map_space(w->s, s4, s3, &w->err), "cycle");
    /* A space map cannot go while a resource map relies on it. */
    REFUSED(w, osm_tr_unmap_space(w->s, w->file_sp, w->block_sp, &w->err), "still maps");
    REFUSED(w, osm_tr_delete_resource(w->s, w->server, b, &w->err), "still mapped");
    OK(osm_tr_unmap(w->s, f, b, &w->err));
    REFUSED(w, osm_tr_unmap(w->s, f, b, &w->err), "not mapped");
    OK(osm_tr_unmap_space(w->s, w->file_sp, w->block_sp, &w->err));
    REFUSED(w, osm_tr_unmap_space(w->s, w->file_sp, w->block_sp, &w->err), "not mapped");
    (void)x;
    assert_clean(w->s);
}

static void test_spaces(void **state)
{
    world *w = *state;
    osm_id sp, r, x;
    OK(osm_tr_create_space(w->s, w->server, "NS_1", "FILE", "namespace", &sp, &w->err));
    REFUSED(w, osm_tr_create_space(w->s, w->server, "NS_1", "FILE", NULL, &x, &w->err), "exists");
    REFUSED(w, osm_tr_create_space(w->s, w->server, "NS_2", "", NULL, &x, &w->err), "needs a type");
    OK(osm_tr_create_resource(w->s, w->server, "F_1", sp, NULL, &r, &w->err));
    REFUSED(w, osm_tr_destroy_space(w->s, w->server, sp, &w->err), "drawn from it");
    OK(osm_tr_grant(w->s, w->server, w->client, sp, OSM_PERM_R, &w->err));
    OK(osm_tr_delete_resource(w->s, w->server, r, &w->err));
    REFUSED(w, osm_tr_destroy_space(w->s, w->server, sp, &w->err), "still held by CLIENT");
    REFUSED(w, osm_tr_destroy_space(w->s, w->client, w->file_sp, &w->err), "does not hold it");
    OK(osm_tr_revoke(w->s, w->server, w->client, sp, &w->err));
    OK(osm_tr_destroy_space(w->s, w->server, sp, &w->err));
    REFUSED(w, osm_tr_destroy_space(w->s, w->server, w->file_sp, &w->err), "still mapped");
    assert_clean(w->s);
}

static void test_destroy_pd(void **state)
{
    world *w = *state;
    osm_id f, b;
    OK(osm_tr_create_resource(w->s, w->server, "FILE_1", w->file_sp, NULL, &f, &w->err));
    OK(osm_tr_create_resource(w->s, w->server, "BLOCK_1", w->block_sp, NULL, &b, &w->err));
    OK(osm_tr_map(w->s, f, b, 0, &w->err));
    OK(osm_tr_grant(w->s, w->server, w->client, f, OSM_PERM_R, &w->err));
    REFUSED(w, osm_tr_destroy_pd(w->s, w->client, w->server, &w->err), "does not control");
    REFUSED(w, osm_tr_destroy_pd(w->s, w->server, w->root, &w->err), "never destroyed");
    /* The root controls everything; the server's spaces and the resources
     * drawn from them go with it, and the client loses its hold. */
    OK(osm_tr_destroy_pd(w->s, w->root, w->server, &w->err));
    assert_int_equal(osm_store_find(w->s, "FS"), OSM_NONE);
    assert_int_equal(osm_store_find(w->s, "FILE_SPACE"), OSM_NONE);
    assert_int_equal(osm_store_find(w->s, "FILE_1"), OSM_NONE);
    assert_int_equal(osm_store_find(w->s, "BLOCK_1"), OSM_NONE);
    assert_int_not_equal(osm_store_find(w->s, "CLIENT"), OSM_NONE);
    assert_int_equal(osm_store_edge_count_kind(w->s, OSM_REQUEST), 0); /* all went with FS */
    REFUSED(w, osm_tr_destroy_pd(w->s, w->root, w->server, &w->err), "not a live PD");
    assert_clean(w->s);
}

/* Debug mode catches a state that a direct store edit broke. */
static void test_debug_mode_reports_violation(void **state)
{
    world *w = *state;
    osm_id orphan = osm_store_add_node(w->s, OSM_RESOURCE, "ORPHAN", "FILE", NULL);
    assert_int_not_equal(orphan, OSM_NONE);
    osm_id f;
    assert_int_equal(osm_tr_create_resource(w->s, w->server, "FILE_9", w->file_sp, NULL, &f, &w->err),
                     OSM_EINVARIANT);
    assert_non_null(strstr(w->err.msg, "ORPHAN"));
    osm_store_set_debug_invariants(w->s, false);
    osm_store_remove_node(w->s, f);
    assert_int_equal(osm_tr_create_resource(w->s, w->server, "FILE_9", w->file_sp, NULL, &f, &w->err),
                     OSM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_pd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_resource_and_grant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_and_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_pd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_mode_reports_violation, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
