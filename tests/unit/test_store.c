/*
 * The model store: nodes and edges added and removed, adjacency lists,
 * free-slot reuse, ID lookup across removals (hash tombstones), clone, the
 * string-arena compaction, and the CSR snapshot against the store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/store_internal.h"

/* Collect out- (or in-) neighbours' edge indices of n into v; returns count. */
static size_t adj(const osm_store *s, osm_id n, bool out, osm_id *v, size_t cap)
{
    size_t k = 0;
    for (osm_id e = out ? osm_store_first_out(s, n) : osm_store_first_in(s, n); e != OSM_NONE;
         e = out ? osm_store_next_out(s, e) : osm_store_next_in(s, e)) {
        assert_true(k < cap);
        v[k++] = e;
    }
    return k;
}

static osm_store *small_state(osm_id *pd, osm_id *sp, osm_id r[4])
{
    osm_store *s = osm_store_new();
    assert_non_null(s);
    *pd = osm_store_add_node(s, OSM_PD, "P", "ROOT_TASK", NULL);
    *sp = osm_store_add_node(s, OSM_SPACE, "S", "MO", NULL);
    char id[16];
    for (int i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "R%d", i);
        r[i] = osm_store_add_node(s, OSM_RESOURCE, id, "MO", "0x0_1_12");
        assert_int_not_equal(r[i], OSM_NONE);
        assert_int_not_equal(osm_store_add_edge(s, OSM_SUBSET, r[i], *sp, 0, OSM_NONE, NULL),
                             OSM_NONE);
        assert_int_not_equal(osm_store_add_edge(s, OSM_HOLD, *pd, r[i], OSM_PERM_R, OSM_NONE,
                                                "x"), OSM_NONE);
    }
    return s;
}

static void test_add_and_lookup(void **state)
{
    (void)state;
    osm_id pd, sp, r[4];
    osm_store *s = small_state(&pd, &sp, r);
    assert_int_equal(osm_store_node_count(s), 6);
    assert_int_equal(osm_store_node_count_kind(s, OSM_RESOURCE), 4);
    assert_int_equal(osm_store_edge_count(s), 8);
    assert_int_equal(osm_store_edge_count_kind(s, OSM_HOLD), 4);
    assert_int_equal(osm_store_find(s, "R2"), r[2]);
    assert_int_equal(osm_store_find(s, "R9"), OSM_NONE);
    assert_int_equal(osm_store_find_n(s, "R2xyz", 2), r[2]);
    assert_int_equal(osm_store_root(s), pd);
    assert_string_equal(osm_node_data_name(s, pd), "ROOT_TASK");
    assert_string_equal(osm_node_extra(s, r[1]), "0x0_1_12");
    assert_string_equal(osm_node_extra(s, pd), "");
    /* Duplicate IDs are refused. */
    assert_int_equal(osm_store_add_node(s, OSM_PD, "R1", "x", NULL), OSM_NONE);
    /* Edges to dead or absent nodes are refused. */
    assert_int_equal(osm_store_add_edge(s, OSM_HOLD, pd, 999, 0, OSM_NONE, NULL), OSM_NONE);
    /* Adjacency: newest first. */
    osm_id v[16];
    assert_int_equal(adj(s, pd, true, v, 16), 4);
    osm_edge e;
    assert_true(osm_store_edge(s, v[0], &e));
    assert_int_equal(e.to, r[3]);
    assert_int_equal(adj(s, sp, false, v, 16), 4);
    assert_int_equal(osm_store_space_of(s, r[0]), sp);
    osm_store_free(s);
}

static void test_remove_edges_adjacency(void **state)
{
    (void)state;
    osm_id pd, sp, r[4];
    osm_store *s = small_state(&pd, &sp, r);
    osm_id h[4];
    for (int i = 0; i < 4; i++)
        h[i] = osm_store_hold_edge(s, pd, r[i]);
    /* Remove the middle, the head and the tail of pd's out-list. */
    assert_int_equal(osm_store_remove_edge(s, h[1]), 0);
    assert_int_equal(osm_store_remove_edge(s, h[3]), 0);
    assert_int_equal(osm_store_remove_edge(s, h[1]), -1);      /* already dead */
    osm_id v[16];
    assert_int_equal(adj(s, pd, true, v, 16), 2);
    assert_int_equal(v[0], h[2]);
    assert_int_equal(v[1], h[0]);
    assert_int_equal(adj(s, r[1], false, v, 16), 0);
    assert_int_equal(osm_store_edge_count(s), 6);
    assert_int_equal(osm_store_edge_count_kind(s, OSM_HOLD), 2);
    assert_int_equal(osm_store_hold_edge(s, pd, r[1]), OSM_NONE);
    /* Freed slots are reused, and the lists stay consistent. */
    osm_id n1 = osm_store_add_edge(s, OSM_MAP, r[0], r[1], 0, OSM_NONE, NULL);
    osm_id n2 = osm_store_add_edge(s, OSM_MAP, r[2], r[3], 0, OSM_NONE, NULL);
    assert_true((n1 == h[1] && n2 == h[3]) || (n1 == h[3] && n2 == h[1]));
    assert_int_equal(osm_store_edge_bound(s), 8);
    assert_int_equal(adj(s, r[0], true, v, 16), 2);
    assert_int_equal(v[0], n1);
    assert_int_equal(adj(s, r[1], false, v, 16), 1);
    assert_int_equal(adj(s, pd, true, v, 16), 2);
    osm_store_free(s);
}

static void test_remove_node_and_tombstones(void **state)
{
    (void)state;
    osm_id pd, sp, r[4];
    osm_store *s = small_state(&pd, &sp, r);
    assert_int_equal(osm_store_remove_node(s, r[1]), 0);
    assert_int_equal(osm_store_remove_node(s, r[1]), -1);
    assert_false(osm_node_live(s, r[1]));
    assert_int_equal(osm_node_kind(s, r[1]), OSM_DEAD);
    assert_int_equal(osm_store_find(s, "R1"), OSM_NONE);
    /* Lookups that probe past the tombstone still work. */
    for (int i = 0; i < 4; i++)
        if (i != 1)
            assert_int_equal(osm_store_find(s, (const char[]){ 'R', (char)('0' + i), 0 }), r[i]);
    assert_int_equal(osm_store_edge_count(s), 6);
    osm_id v[16];
    assert_int_equal(adj(s, pd, true, v, 16), 3);
    assert_int_equal(adj(s, sp, false, v, 16), 3);
    /* Iteration skips the dead slot; the slot is reused with a new ID. */
    size_t k = 0;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n))
        k++;
    assert_int_equal(k, 5);
    osm_id q = osm_store_add_node(s, OSM_RESOURCE, "Q", "MO", NULL);
    assert_int_equal(q, r[1]);
    assert_int_equal(osm_store_find(s, "Q"), q);
    assert_int_equal(osm_store_find(s, "R1"), OSM_NONE);
    assert_int_equal(osm_store_first_out(s, q), OSM_NONE);
    /* The same ID may come back after removal. */
    assert_int_equal(osm_store_remove_node(s, q), 0);
    osm_id back = osm_store_add_node(s, OSM_RESOURCE, "R1", "MO", NULL);
    assert_int_not_equal(back, OSM_NONE);
    assert_int_equal(osm_store_find(s, "R1"), back);
    /* Removing the root forgets it. */
    assert_int_equal(osm_store_remove_node(s, pd), 0);
    assert_int_equal(osm_store_root(s), OSM_NONE);
    assert_int_equal(osm_store_edge_count(s), 3);
    osm_store_free(s);
}

/* Many adds and removes of distinct IDs: the hash index fills with
 * tombstones and must rehash without losing live keys. */
static void test_churn(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    char id[32];
    osm_id keep = osm_store_add_node(s, OSM_PD, "keeper", "app", NULL);
    for (int round = 0; round < 20000; round++) {
        snprintf(id, sizeof id, "tmp_%d", round);
        osm_id n = osm_store_add_node(s, OSM_RESOURCE, id, "MO", NULL);
        assert_int_not_equal(n, OSM_NONE);
        assert_int_not_equal(osm_store_add_edge(s, OSM_HOLD, keep, n, 0, OSM_NONE, NULL),
                             OSM_NONE);
        if (round % 3 != 0)
            assert_int_equal(osm_store_remove_node(s, n), 0);
    }
    assert_int_equal(osm_store_node_count(s), 1 + 6667);
    assert_int_equal(osm_store_edge_count(s), 6667);
    assert_true(osm_store_node_bound(s) < 7000);       /* slots were reused */
    for (int round = 0; round < 20000; round++) {
        snprintf(id, sizeof id, "tmp_%d", round);
        osm_id n = osm_store_find(s, id);
        assert_true(round % 3 == 0 ? n != OSM_NONE : n == OSM_NONE);
        if (n != OSM_NONE)
            assert_string_equal(osm_node_id(s, n), id);
    }
    assert_true(s->ids.used < s->ids.cap);
    osm_store_free(s);
}

static void test_clone(void **state)
{
    (void)state;
    osm_id pd, sp, r[4];
    osm_store *s = small_state(&pd, &sp, r);
    osm_store_remove_node(s, r[2]);
    osm_store *c = osm_store_clone(s);
    assert_non_null(c);
    assert_int_equal(osm_store_node_count(c), 5);
    assert_int_equal(osm_store_edge_count(c), osm_store_edge_count(s));
    assert_int_equal(osm_store_find(c, "R3"), r[3]);
    assert_int_equal(osm_store_find(c, "R2"), OSM_NONE);
    assert_int_equal(osm_store_type_lookup(c, "MO"), osm_store_type_lookup(s, "MO"));
    /* The copy is independent. */
    assert_int_equal(osm_store_remove_node(c, r[3]), 0);
    osm_id n = osm_store_add_node(c, OSM_RESOURCE, "NEW", "FRESHTYPE", "e");
    assert_int_not_equal(n, OSM_NONE);
    assert_int_equal(osm_store_find(s, "R3"), r[3]);
    assert_int_equal(osm_store_find(s, "NEW"), OSM_NONE);
    assert_int_equal(osm_store_type_lookup(s, "FRESHTYPE"), OSM_NONE);
    assert_string_equal(osm_node_extra(s, r[3]), "0x0_1_12");
    /* The free list came along: both reuse the same slot. */
    osm_id a = osm_store_add_node(s, OSM_PD, "A", "x", NULL);
    assert_int_equal(a, r[2]);
    osm_store_free(s);
    osm_store_free(c);
}

/* Strings of removed nodes and edges are reclaimed once they dominate the
 * arena, and every live string survives the move. */
static void test_string_compaction(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    char id[32], extra[200];
    memset(extra, 'x', sizeof extra - 1);
    extra[sizeof extra - 1] = '\0';
    osm_id hub = osm_store_add_node(s, OSM_PD, "hub", "app", "hub extra");
    enum { N = 12000 };
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "node_%d", i);
        osm_id n = osm_store_add_node(s, OSM_RESOURCE, id, "MO", extra);
        assert_int_not_equal(n, OSM_NONE);
        assert_int_not_equal(osm_store_add_edge(s, OSM_HOLD, hub, n, 0, OSM_NONE, extra),
                             OSM_NONE);
    }
    size_t before = s->strings.len;
    assert_true(before > 2 * N * sizeof extra);
    for (int i = 0; i < N; i++) {
        if (i % 100 == 0)
            continue;
        snprintf(id, sizeof id, "node_%d", i);
        assert_int_equal(osm_store_remove_node(s, osm_store_find(s, id)), 0);
    }
    assert_true(s->strings.len < before / 4);
    assert_true(s->strings.dead * 2 < s->strings.len + (1u << 20));
    assert_string_equal(osm_node_extra(s, hub), "hub extra");
    for (int i = 0; i < N; i += 100) {
        snprintf(id, sizeof id, "node_%d", i);
        osm_id n = osm_store_find(s, id);
        assert_int_not_equal(n, OSM_NONE);
        assert_string_equal(osm_node_id(s, n), id);
        assert_string_equal(osm_node_extra(s, n), extra);
        osm_id e = osm_store_first_in(s, n);
        assert_int_not_equal(e, OSM_NONE);
        assert_string_equal(osm_edge_extra(s, e), extra);
    }
    osm_store_free(s);
}

/* Copying a string of the store into the store while the arena grows. */
static void test_self_copy(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    char extra[3000];
    memset(extra, 'y', sizeof extra - 1);
    extra[sizeof extra - 1] = '\0';
    osm_id a = osm_store_add_node(s, OSM_RESOURCE, "a", "MO", extra);
    for (int i = 0; i < 64; i++) {
        char id[16];
        snprintf(id, sizeof id, "b%d", i);
        osm_id b = osm_store_add_node(s, OSM_RESOURCE, id, "MO", NULL);
        assert_int_equal(osm_node_set_extra(s, b, osm_node_extra(s, a)), 0);
        assert_string_equal(osm_node_extra(s, b), extra);
        osm_id e = osm_store_add_edge(s, OSM_MAP, a, b, 0, OSM_NONE, osm_node_extra(s, b));
        assert_string_equal(osm_edge_extra(s, e), extra);
    }
    osm_store_free(s);
}

static void test_intern(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    osm_id t = osm_store_intern(s, "SOCKETxx", 6);
    assert_int_equal(osm_store_intern(s, "SOCKET", 6), t);
    assert_string_equal(osm_store_type_name(s, t), "SOCKET");
    assert_int_equal(osm_store_type_class(s, t), OSM_TYPE_UNKNOWN);
    assert_int_equal(osm_store_type_class(s, osm_store_type_lookup(s, "VMR")), OSM_TYPE_VIRTUAL);
    assert_int_equal(osm_store_type_class(s, osm_store_type_lookup(s, "MO")), OSM_TYPE_PHYSICAL);
    osm_store_set_type_class(s, t, OSM_TYPE_VIRTUAL);
    assert_int_equal(osm_store_type_class(s, t), OSM_TYPE_VIRTUAL);
    osm_id e = osm_store_intern(s, "", 0);
    assert_int_not_equal(e, OSM_NONE);
    assert_int_not_equal(e, t);
    assert_string_equal(osm_store_type_name(s, e), "");
    size_t n = osm_store_type_count(s);
    char name[16];
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof name, "T%d", i);
        assert_int_equal(osm_store_intern(s, name, strlen(name)), n + (size_t)i);
    }
    assert_int_equal(osm_store_type_lookup(s, "T321"), n + 321);
    osm_store_free(s);
}

/* The snapshot's CSR holds exactly the store's live edges, both ways. */
static void test_snapshot_matches_store(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    char id[16];
    enum { N = 300 };
    osm_id n[N];
    osm_id mo = osm_store_type_lookup(s, "MO");
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "n%d", i);
        n[i] = osm_store_add_node_n(s, (osm_kind)(i % 3), id, strlen(id), mo,
                                    i % 3 == 1 ? "0x0_7_12" : NULL, 8);
    }
    unsigned seed = 7;
    for (int i = 0; i < 3000; i++) {
        seed = seed * 1103515245u + 12345u;
        osm_id a = n[(seed >> 8) % N], b = n[(seed >> 18) % N];
        osm_id t = i % 5 == 3 ? mo : OSM_NONE;
        osm_store_add_edge(s, (osm_edge_kind)(i % 5), a, b, (uint8_t)(i & 0x3f), t, NULL);
    }
    for (int i = 0; i < N; i += 7)
        osm_store_remove_node(s, n[i]);
    for (osm_id e = 0; e < osm_store_edge_bound(s); e += 5)
        osm_store_remove_edge(s, e);
    osm_snapshot *g = osm_snapshot_build(s);
    assert_non_null(g);
    assert_int_equal(g->n_nodes, osm_store_node_bound(s));
    assert_int_equal(g->n_edges, osm_store_edge_count(s));
    assert_int_equal(g->out_off[g->n_nodes], g->n_edges);
    assert_int_equal(g->in_off[g->n_nodes], g->n_edges);
    for (osm_id v = 0; v < g->n_nodes; v++) {
        assert_int_equal(g->kind[v], osm_node_kind(s, v));
        if (osm_node_live(s, v))
            assert_int_equal(g->weight[v], g->kind[v] == OSM_RESOURCE ? 7 : 1);
        /* Every out-entry is a live store edge v -> x with the same info,
         * and the counts agree. */
        size_t deg = 0;
        for (osm_id e = osm_store_first_out(s, v); e != OSM_NONE; e = osm_store_next_out(s, e))
            deg++;
        assert_int_equal(g->out_off[v + 1] - g->out_off[v], deg);
        for (uint32_t k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
            osm_adj a = g->out[k];
            bool found = false;
            for (osm_id e = osm_store_first_out(s, v); e != OSM_NONE && !found;
                 e = osm_store_next_out(s, e)) {
                osm_edge ed;
                osm_store_edge(s, e, &ed);
                found = ed.to == a.node && ed.kind == OSM_ADJ_KIND(a.info) &&
                        ed.perms == OSM_ADJ_PERMS(a.info) &&
                        (ed.type == OSM_NONE ? OSM_ADJ_TYPE(a.info) == OSM_SNAP_NOTYPE
                                             : ed.type == OSM_ADJ_TYPE(a.info));
            }
            assert_true(found);
        }
        size_t indeg = 0;
        for (osm_id e = osm_store_first_in(s, v); e != OSM_NONE; e = osm_store_next_in(s, e))
            indeg++;
        assert_int_equal(g->in_off[v + 1] - g->in_off[v], indeg);
        for (uint32_t k = g->in_off[v]; k < g->in_off[v + 1]; k++)
            assert_int_not_equal(osm_store_find_edge(s, (osm_edge_kind)OSM_ADJ_KIND(g->in[k].info),
                                                     g->in[k].node, v, OSM_NONE), OSM_NONE);
    }
    osm_snapshot_free(g);
    osm_store_free(s);
}

static void test_reserve_and_memory(void **state)
{
    (void)state;
    osm_store *s = osm_store_new();
    size_t m0 = osm_store_memory(s);
    assert_int_equal(osm_store_reserve(s, 1000, 10000), 0);
    assert_true(osm_store_memory(s) >= m0 + 10000 * sizeof(osm_edge_rec));
    assert_int_equal(osm_store_node_count(s), 0);
    osm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_lookup),
        cmocka_unit_test(test_remove_edges_adjacency),
        cmocka_unit_test(test_remove_node_and_tombstones),
        cmocka_unit_test(test_churn),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_string_compaction),
        cmocka_unit_test(test_self_copy),
        cmocka_unit_test(test_intern),
        cmocka_unit_test(test_snapshot_matches_store),
        cmocka_unit_test(test_reserve_and_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
