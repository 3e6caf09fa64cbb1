/*
 * Cuts, harden and the severity ranking against brute force: on random
 * states every single cut harden ranks must remove exactly what deleting it
 * from a copy of the store and re-running osm_tcb removes (and every cut it
 * leaves out must remove nothing); every minimum cut must remove its member
 * while no smaller set of elements does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <osmosis/osmosis.h>

static uint64_t rng;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }

static const char *const types[] = { "MO", "FILE", "POOL_PIDS" };
static const uint8_t perms[] = { 0, OSM_PERM_R, OSM_PERM_W, OSM_PERM_R | OSM_PERM_W,
                                 OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, OSM_PERM_T };

/* A small random state: PDs, typed spaces, resources, and random HOLD,
 * MAP, REQUEST and control edges (rules may break: queries must cope). */
static osm_store *random_state(void)
{
    osm_store *s = osm_store_new();
    char id[32];
    unsigned P = 2 + below(4), S = 1 + below(3), R = 1 + below(6);
    osm_id pd[8], sp[8], rs[8];
    unsigned st[8];
    for (unsigned i = 0; i < P; i++) {
        snprintf(id, sizeof id, "PD_%u", i);
        pd[i] = osm_store_add_node(s, OSM_PD, id, "app", NULL);
    }
    for (unsigned i = 0; i < S; i++) {
        st[i] = below(3);
        snprintf(id, sizeof id, "SP_%u", i);
        sp[i] = osm_store_add_node(s, OSM_SPACE, id, types[st[i]], NULL);
        osm_store_add_edge(s, OSM_HOLD, pd[below(P)], sp[i], perms[below(6)], OSM_NONE, NULL);
    }
    for (unsigned i = 0; i < R; i++) {
        unsigned k = below(S);
        snprintf(id, sizeof id, "R_%u", i);
        rs[i] = osm_store_add_node(s, OSM_RESOURCE, id, types[st[k]], NULL);
        osm_store_add_edge(s, OSM_SUBSET, rs[i], sp[k], 0, OSM_NONE, NULL);
    }
    for (unsigned e = 0, ne = 3 + below(12); e < ne; e++) {
        switch (below(6)) {
        case 0: case 1:
            osm_store_add_edge(s, OSM_HOLD, pd[below(P)], rs[below(R)], perms[below(6)], OSM_NONE, NULL);
            break;
        case 2:
            osm_store_add_edge(s, OSM_MAP, rs[below(R)], rs[below(R)], perms[below(4)], OSM_NONE, NULL);
            break;
        case 3:
            osm_store_add_edge(s, OSM_MAP, sp[below(S)], sp[below(S)], 0, OSM_NONE, NULL);
            break;
        case 4:
            osm_store_add_edge(s, OSM_REQUEST, pd[below(P)], pd[below(P)], 0,
                               osm_store_intern(s, "MO", 2), NULL);
            break;
        default:
            osm_store_add_edge(s, OSM_HOLD, pd[below(P)], pd[below(P)], perms[1 + below(5)],
                               OSM_NONE, NULL);
        }
    }
    return s;
}

/* Every single cut harden might name: each resource / space node, each
 * from>to connection, each PD->PD HOLD as a control cut. */
static size_t all_elements(const osm_store *s, osm_cut *v, size_t cap)
{
    size_t n = 0;
    for (osm_id x = osm_store_next_node(s, OSM_NONE); x != OSM_NONE; x = osm_store_next_node(s, x))
        if (osm_node_kind(s, x) != OSM_PD && n < cap)
            v[n++] = (osm_cut){ OSM_CUT_NODE, x, OSM_NONE };
    osm_edge e;
    for (osm_id i = osm_store_next_edge(s, OSM_NONE); i != OSM_NONE; i = osm_store_next_edge(s, i)) {
        osm_store_edge(s, i, &e);
        bool ctl = e.kind == OSM_HOLD && osm_node_kind(s, e.from) == OSM_PD &&
                   osm_node_kind(s, e.to) == OSM_PD;
        osm_cut c[2] = { { OSM_CUT_EDGE, e.from, e.to }, { OSM_CUT_CONTROL, e.from, e.to } };
        for (int k = 0; k < (ctl ? 2 : 1); k++) {
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++)
                dup = v[j].kind == c[k].kind && v[j].a == c[k].a && v[j].b == c[k].b;
            if (!dup && n < cap)
                v[n++] = c[k];
        }
    }
    return n;
}

/* The cut done for real on a copy of the store. */
static osm_store *remove_cut(const osm_store *s, const osm_cut *c)
{
    osm_store *t = osm_store_clone(s);
    if (c->kind == OSM_CUT_NODE) {
        osm_store_remove_node(t, c->a);
        return t;
    }
    osm_edge e;
    for (osm_id i = osm_store_next_edge(t, OSM_NONE); i != OSM_NONE;) {
        osm_id next = osm_store_next_edge(t, i);
        osm_store_edge(t, i, &e);
        if (e.from == c->a && e.to == c->b && (c->kind == OSM_CUT_EDGE || e.kind == OSM_HOLD))
            osm_store_remove_edge(t, i);
        i = next;
    }
    return t;
}

/* TCB_P(x) of a store as a bit set over node indices. */
static uint64_t tcb_bits(const osm_store *s, osm_id x, osm_property p)
{
    osm_query *q = osm_query_new(s);
    osm_qopts o = { .property = p };
    osm_members m;
    assert_int_equal(osm_tcb(q, x, &o, &m), 0);
    uint64_t b = 0;
    for (size_t i = 0; i < m.n; i++)
        b |= 1ull << m.v[i].pd;
    osm_members_free(&m);
    osm_query_free(q);
    return b;
}

static void test_harden_vs_brute_force(void **st)
{
    (void)st;
    osm_cut el[256];
    size_t removing = 0;
    for (uint64_t seed = 1; seed < 250; seed++) {
        rng = seed * 1000003u;
        osm_store *s = random_state();
        size_t ne = all_elements(s, el, 256);
        osm_query *q = osm_query_new(s);
        for (osm_id x = 0; x < 6 && osm_node_live(s, x) && osm_node_kind(s, x) == OSM_PD; x++)
            for (int p = 0; p < 3; p++) {
                osm_qopts o = { .property = (osm_property)p };
                osm_harden h;
                assert_int_equal(osm_harden_rank(q, x, &o, &h), 0);
                uint64_t base = tcb_bits(s, x, (osm_property)p);
                for (size_t i = 0; i < ne; i++) {
                    osm_store *t = remove_cut(s, &el[i]);
                    uint64_t gone = base & ~tcb_bits(t, x, (osm_property)p);
                    osm_store_free(t);
                    uint64_t got = 0;
                    bool listed = false;
                    for (size_t k = 0; k < h.n; k++)
                        if (h.v[k].cut.kind == el[i].kind && h.v[k].cut.a == el[i].a &&
                            h.v[k].cut.b == el[i].b) {
                            listed = true;
                            for (size_t j = 0; j < h.v[k].n_removed; j++)
                                got |= 1ull << h.v[k].removed[j];
                        }
                    bool pd_pair = osm_node_kind(s, el[i].a) == OSM_PD && el[i].b != OSM_NONE &&
                                   osm_node_kind(s, el[i].b) == OSM_PD;
                    if (listed || !(el[i].kind == OSM_CUT_EDGE && pd_pair)) {
                        if (got != gone)
                            fail_msg("seed %llu x %u prop %d cut %d:%u>%u: harden %llx, brute %llx",
                                     (unsigned long long)seed, x, p, el[i].kind, el[i].a, el[i].b,
                                     (unsigned long long)got, (unsigned long long)gone);
                    }
                    removing += gone != 0;
                }
                for (size_t k = 1; k < h.n; k++)
                    assert_true(h.v[k - 1].n_removed >= h.v[k].n_removed);
                osm_harden_free(&h);
            }
        osm_query_free(q);
        osm_store_free(s);
    }
    assert_true(removing > 100);    /* the states do exercise cuts */
}

/* Does applying every cut of v (bit i of mask) remove member from TCB? */
static bool removes(osm_query *q, osm_id x, osm_id m, const osm_qopts *o, const osm_cut *v,
                    const size_t *idx, size_t n)
{
    osm_cut_clear(q);
    for (size_t i = 0; i < n; i++)
        assert_true(osm_cut_apply(q, &v[idx[i]]) >= 0);
    osm_members r;
    assert_int_equal(osm_tcb(q, x, o, &r), 0);
    bool in = false;
    for (size_t i = 0; i < r.n; i++)
        in |= r.v[i].pd == m;
    osm_members_free(&r);
    osm_cut_clear(q);
    return !in;
}

static void test_min_cut_minimal(void **st)
{
    (void)st;
    osm_cut el[256];
    size_t checked = 0;
    for (uint64_t seed = 1; seed < 300; seed++) {
        rng = seed * 7919u;
        osm_store *s = random_state();
        size_t ne = all_elements(s, el, 256);
        osm_query *q = osm_query_new(s);
        for (osm_id x = 0; x < 3 && osm_node_kind(s, x) == OSM_PD; x++) {
            osm_qopts o = { .property = (osm_property)(seed % 3) };
            osm_members base;
            assert_int_equal(osm_tcb(q, x, &o, &base), 0);
            for (size_t b = 0; b < base.n && b < 2; b++) {
                osm_id m = base.v[b].pd;
                osm_cut *cuts;
                size_t n;
                bool exact;
                assert_int_equal(osm_min_cut(q, x, m, &o, &cuts, &n, &exact), 0);
                assert_true(exact);
                assert_true(n > 0);
                /* The cut done for real removes the member. */
                osm_store *t = osm_store_clone(s);
                for (size_t i = 0; i < n; i++) {
                    osm_store *u = remove_cut(t, &cuts[i]);
                    osm_store_free(t);
                    t = u;
                }
                assert_false(tcb_bits(t, x, o.property) >> m & 1);
                osm_store_free(t);
                /* No set of n - 1 elements does (sizes up to 2 checked). */
                size_t idx[2];
                if (n == 2)
                    for (idx[0] = 0; idx[0] < ne; idx[0]++)
                        assert_false(removes(q, x, m, &o, el, idx, 1));
                if (n == 3)
                    for (idx[0] = 0; idx[0] < ne; idx[0]++)
                        for (idx[1] = idx[0] + 1; idx[1] < ne; idx[1]++)
                            assert_false(removes(q, x, m, &o, el, idx, 2));
                checked += n >= 2 && n <= 3;
                free(cuts);
            }
            osm_members_free(&base);
        }
        osm_query_free(q);
        osm_store_free(s);
    }
    assert_true(checked > 20);
}

/* A hand-made state with one member per way in. */
static void test_ranking_ways(void **st)
{
    (void)st;
    osm_store *s = osm_store_new();
    const char *names[] = { "X", "CTL", "WR", "STOP", "SRV", "RD", "POOLER", "KID" };
    osm_id pd[8];
    for (int i = 0; i < 8; i++)
        pd[i] = osm_store_add_node(s, OSM_PD, names[i], "app", NULL);
    osm_id mo_sp = osm_store_add_node(s, OSM_SPACE, "MOS", "FILE", NULL);
    osm_id pool = osm_store_add_node(s, OSM_SPACE, "PIDS", "POOL_PIDS", NULL);
    osm_id f = osm_store_add_node(s, OSM_RESOURCE, "F", "FILE", NULL);
    osm_id g = osm_store_add_node(s, OSM_RESOURCE, "G", "FILE", NULL);
    osm_id pid = osm_store_add_node(s, OSM_RESOURCE, "PID1", "POOL_PIDS", NULL);
    osm_store_add_edge(s, OSM_SUBSET, f, mo_sp, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_SUBSET, g, mo_sp, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_SUBSET, pid, pool, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[0], f, OSM_PERM_R, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[0], pid, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[1], pd[0], OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[2], f, OSM_PERM_W, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[3], pd[0], OSM_PERM_T, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[4], mo_sp, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[6], pool, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[5], f, OSM_PERM_R, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, pd[0], pd[7], OSM_PERM_T, OSM_NONE, NULL);
    osm_query *q = osm_query_new(s);
    osm_qopts o = { .why = true };
    osm_ranking r;
    assert_int_equal(osm_tcb_ranked(q, pd[0], &o, &r), 0);
    /* SRV holds MOS, the space F is drawn from; RD reads F (and shares MOS:
     * the stronger way wins); POOLER holds the POOL_ space of PID1; KID is
     * controlled by X, which is not in X's TCB (control-by is not a TCB
     * component). */
    static const osm_way want[] = { OSM_WAY_CONTROL, OSM_WAY_WRITE, OSM_WAY_PARTIAL_CONTROL,
                                    OSM_WAY_SERVER, OSM_WAY_READ, OSM_WAY_POOL };
    assert_int_equal(r.n, 6);
    for (size_t i = 0; i < r.n; i++) {
        assert_int_equal(r.v[i].way, want[i]);
        assert_int_equal(r.v[i].pd, pd[i + 1]);
        assert_true(r.v[i].why_len >= 2);
        assert_int_equal(r.steps[r.v[i].why_off].node, pd[0]);
    }
    osm_ranking_free(&r);
    assert_string_equal(osm_way_name(OSM_WAY_PARTIAL_CONTROL), "partial-control");
    assert_int_equal(osm_way_parse("pool"), OSM_WAY_POOL);
    assert_int_equal(osm_way_parse("nope"), -1);
    osm_query_free(q);
    osm_store_free(s);
}

static void test_cut_specs(void **st)
{
    (void)st;
    osm_store *s = osm_store_new();
    osm_id a = osm_store_add_node(s, OSM_PD, "PD_2", "a", NULL);
    osm_id b = osm_store_add_node(s, OSM_PD, "PD_14", "b", NULL);
    osm_id r = osm_store_add_node(s, OSM_RESOURCE, "R", "FILE", NULL);
    osm_store_add_edge(s, OSM_HOLD, a, b, OSM_PERM_T, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, a, r, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, b, r, 0, OSM_NONE, NULL);
    osm_query *q = osm_query_new(s);
    osm_cut c;
    char err[128];
    const char *good[] = { "node:R", "edge:PD_2>R", "control:PD_2", "control:PD_2>PD_14",
                           "type:FILE", "kind:HOLD" };
    const long edges[] = { 2, 1, 1, 1, 2, 3 };
    for (int i = 0; i < 6; i++) {
        assert_int_equal(osm_cut_parse(q, good[i], &c, err, sizeof err), 0);
        char *f = osm_cut_format(q, &c);
        assert_string_equal(f, good[i]);
        free(f);
        assert_int_equal(osm_cut_apply(q, &c), edges[i]);
        assert_int_equal(osm_cut_apply(q, &c), 0);     /* already cut */
        osm_cut_clear(q);
    }
    const char *bad[] = { "node:NOPE", "edge:PD_2", "edge:>R", "control:R", "type:BLOCK",
                          "kind:FOO", "nothing", "size:3" };
    for (int i = 0; i < 8; i++) {
        err[0] = 0;
        assert_int_equal(osm_cut_parse(q, bad[i], &c, err, sizeof err), -1);
        assert_true(err[0] != 0);
    }
    /* A node cut leaves b's TCB without a. */
    osm_members m;
    assert_int_equal(osm_tcb(q, b, NULL, &m), 0);
    assert_int_equal(m.n, 1);
    osm_members_free(&m);
    assert_int_equal(osm_cut_parse(q, "node:R", &c, err, sizeof err), 0);
    osm_cut_apply(q, &c);
    assert_true(osm_cut_node_removed(q, r));
    assert_int_equal(osm_tcb(q, b, NULL, &m), 0);
    assert_int_equal(m.n, 1);           /* PD_2 still controls PD_14 */
    osm_members_free(&m);
    osm_cut_parse(q, "control:PD_2", &c, err, sizeof err);
    osm_cut_apply(q, &c);
    assert_int_equal(osm_tcb(q, b, NULL, &m), 0);
    assert_int_equal(m.n, 0);
    osm_members_free(&m);
    osm_query_free(q);
    osm_store_free(s);
}

static void test_natural_order(void **st)
{
    (void)st;
    assert_true(osm_id_natural_cmp("PD_2", "PD_14") < 0);
    assert_true(osm_id_natural_cmp("PD_14", "PD_1650") < 0);
    assert_true(osm_id_natural_cmp("PD_14493", "PD_1650") > 0);
    assert_true(osm_id_natural_cmp("PD_1.2", "PD_1.10") < 0);
    assert_true(osm_id_natural_cmp("a", "b") < 0);
    assert_true(osm_id_natural_cmp("PD_7", "PD_07") != 0);
    assert_int_equal(osm_id_natural_cmp("PD_7", "PD_7"), 0);
    assert_true(osm_id_natural_cmp("PD", "PD_1") < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harden_vs_brute_force),
        cmocka_unit_test(test_min_cut_minimal),
        cmocka_unit_test(test_ranking_ways),
        cmocka_unit_test(test_cut_specs),
        cmocka_unit_test(test_natural_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
