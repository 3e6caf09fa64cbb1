/*
 * The comparison engine (src/query/compare.c): PD lookup by ID or name,
 * the pools a PD draws from (held, then MAP closure) and who shares them,
 * and that one column agrees with the separate queries it gathers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <osmosis/osmosis.h>

/* PD_1 (store) holds a pid pool scoped to its cgroup, which MAPs to the
 * global pid table PD_2 (client) and PD_3 (spy) draw from; PD_3 also holds
 * the scoped pool's sibling; a FILE pool nobody else holds. */
static osm_store *pools_state(void)
{
    osm_store *s = osm_store_new();
    osm_id p0 = osm_store_add_node(s, OSM_PD, "PD_0", "ROOT_TASK", NULL);
    osm_id p1 = osm_store_add_node(s, OSM_PD, "PD_1", "store", NULL);
    osm_id p2 = osm_store_add_node(s, OSM_PD, "PD_2", "client", NULL);
    osm_id p3 = osm_store_add_node(s, OSM_PD, "PD_3", "client", NULL);
    osm_id g = osm_store_add_node(s, OSM_SPACE, "POOL_PID", "POOL_PID", "scope=global");
    osm_id c = osm_store_add_node(s, OSM_SPACE, "POOL_pid@cg", "POOL_PID", "scope=cgroup:/x");
    osm_id f = osm_store_add_node(s, OSM_SPACE, "POOL_FILE", "POOL_FILE", "scope=global");
    osm_id cgs = osm_store_add_node(s, OSM_SPACE, "CG_x", "CGROUP", NULL);
    osm_store_add_edge(s, OSM_HOLD, p0, g, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p1, c, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p1, f, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p1, cgs, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p3, cgs, 0, OSM_NONE, NULL);    /* not a pool */
    osm_store_add_edge(s, OSM_MAP, c, g, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p2, g, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p3, g, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, p0, p1, OSM_PERM_RWXT, OSM_NONE, NULL);
    return s;
}

static void test_lookup(void **st)
{
    (void)st;
    osm_store *s = pools_state();
    osm_id pd, *cands;
    size_t n;
    assert_int_equal(osm_pd_lookup(s, "PD_1", &pd, &cands, &n), 0);
    assert_string_equal(osm_node_id(s, pd), "PD_1");
    assert_int_equal(osm_pd_lookup(s, "store", &pd, &cands, &n), 0);
    assert_string_equal(osm_node_id(s, pd), "PD_1");
    assert_int_equal(osm_pd_lookup(s, "client", &pd, &cands, &n), 2);
    assert_int_equal(n, 2);
    assert_string_equal(osm_node_id(s, cands[0]), "PD_2");
    assert_string_equal(osm_node_id(s, cands[1]), "PD_3");
    free(cands);
    assert_int_equal(osm_pd_lookup(s, "nobody", &pd, &cands, &n), 1);
    assert_int_equal(osm_pd_lookup(s, "POOL_PID", &pd, &cands, &n), 1);   /* not a PD */
    osm_store_free(s);
}

static void test_pools(void **st)
{
    (void)st;
    osm_store *s = pools_state();
    osm_query *q = osm_query_new(s);
    osm_cmp c;
    assert_int_equal(osm_compare_pd(q, osm_store_find(s, "PD_1"), OSM_NONE, &c), 0);
    assert_true(c.has_pools);
    /* held: the scoped pid pool and the file pool; by MAP: the global table */
    assert_int_equal(c.n_pools, 3);
    assert_string_equal(osm_node_id(s, c.pools[0]), "POOL_FILE");
    assert_string_equal(osm_node_id(s, c.pools[1]), "POOL_PID");
    assert_string_equal(osm_node_id(s, c.pools[2]), "POOL_pid@cg");
    /* every holder of the global table shares it; the cgroup (no POOL_) does not count */
    assert_int_equal(osm_cmp_pool_sharers(&c), 3);
    assert_int_equal(c.n_pool_shares, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(osm_node_id(s, c.pool_shares[i].pool), "POOL_PID");
    assert_string_equal(osm_node_id(s, c.pool_shares[0].pd), "PD_0");
    assert_string_equal(osm_node_id(s, c.pool_shares[2].pd), "PD_3");
    /* no pair: no RSI, FR infinite */
    assert_int_equal(c.n_rsi, 0);
    assert_int_equal(c.fr, OSM_FR_INF);
    osm_cmp_free(&c);
    /* the client draws from the global table only: the scoped pool is not its */
    assert_int_equal(osm_compare_pd(q, osm_store_find(s, "PD_2"), OSM_NONE, &c), 0);
    assert_int_equal(c.n_pools, 1);
    assert_int_equal(osm_cmp_pool_sharers(&c), 2);     /* PD_0 and PD_3, not PD_1 */
    osm_cmp_free(&c);
    assert_int_equal(osm_compare_pd(q, osm_store_find(s, "POOL_PID"), OSM_NONE, &c), -1);
    osm_query_free(q);
    osm_store_free(s);
}

/* One column equals the separate queries on a real dump. */
static void test_agrees_with_queries(void **st)
{
    (void)st;
    const char *shared = getenv("SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/cellulos/GPIKV001.output", shared ? shared : "../shared");
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 5);
    osm_csv_opts co = { 0 };
    if (osm_csv_read_file(s, path, &co, &d, NULL) != 0) {
        osm_diags_free(&d);
        osm_store_free(s);
        skip();
    }
    osm_diags_free(&d);
    osm_cellulos_add_control(s);
    osm_query *q = osm_query_new(s);
    osm_id x = osm_store_find(s, "PD_4"), y = osm_store_find(s, "PD_3");
    osm_cmp c;
    assert_int_equal(osm_compare_pd(q, x, y, &c), 0);
    assert_false(c.has_pools);
    for (int p = 0; p < 3; p++) {
        osm_qopts o = { .property = (osm_property)p };
        osm_members m = { 0 };
        assert_int_equal(osm_tcb(q, x, &o, &m), 0);
        assert_int_equal(m.n, c.tcb[p].n);
        for (size_t i = 0; i < m.n; i++)
            assert_int_equal(m.v[i].pd, c.tcb[p].v[i].pd);
        osm_members_free(&m);
    }
    uint32_t fr;
    assert_int_equal(osm_fr(q, x, y, &fr), 0);
    assert_int_equal(fr, c.fr);
    assert_true(c.n_rsi > 0);
    osm_cmp_free(&c);
    osm_query_free(q);
    osm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_agrees_with_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
