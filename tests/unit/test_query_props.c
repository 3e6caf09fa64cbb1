/*
 * Property tests of the query engine: on hundreds of random states (with
 * cycles, unrestricted and restricted permissions, broken rules), every
 * query must agree with a deliberately naive implementation written here
 * from MODEL.md §3-5 with plain loops over the store API and brute force
 * over all pairs of PDs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <osmosis/osmosis.h>

/* ---- random states ----------------------------------------------------------- */

static uint64_t rng;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }

static const char *const space_types[] = { "ADS", "MO", "FILE", "BLOCK" };
static const char *const res_types[] = { "VMR", "MO", "FILE", "BLOCK" };
static const uint8_t perm_choice[] = { 0, OSM_PERM_R, OSM_PERM_W, OSM_PERM_R | OSM_PERM_W,
                                       OSM_PERM_R | OSM_PERM_X, OSM_PERM_R | OSM_PERM_W | OSM_PERM_T };

/* PD->PD holds: signal-only and read-only edges end control chains, W and
 * unrestricted ones continue them. */
static const uint8_t ctl_choice[] = { 0, OSM_PERM_T, OSM_PERM_R, OSM_PERM_W, OSM_PERM_R | OSM_PERM_W,
                                      OSM_PERM_R | OSM_PERM_X, OSM_PERM_R | OSM_PERM_T,
                                      OSM_PERM_R | OSM_PERM_W | OSM_PERM_T };

static osm_store *random_state(unsigned *npd)
{
    osm_store *s = osm_store_new();
    char id[32], ex[32];
    unsigned P = 2 + below(6), S = 1 + below(5), R = below(25);
    osm_id pd[8], sp[8], rs[32];
    unsigned sty[8];
    for (unsigned i = 0; i < P; i++) {
        snprintf(id, sizeof id, "PD_%u", i);
        pd[i] = osm_store_add_node(s, OSM_PD, id, i == 0 ? "ROOT_TASK" : "app", NULL);
    }
    for (unsigned i = 0; i < S; i++) {
        sty[i] = below(4);
        snprintf(id, sizeof id, "SP_%u", i);
        sp[i] = osm_store_add_node(s, OSM_SPACE, id, space_types[sty[i]], NULL);
        osm_store_add_edge(s, OSM_HOLD, pd[below(P)], sp[i], perm_choice[below(6)], OSM_NONE, NULL);
    }
    for (unsigned i = 0; i < R; i++) {
        unsigned k = below(S);
        snprintf(id, sizeof id, "R_%u", i);
        snprintf(ex, sizeof ex, "0x1000_%u_12", 1 + below(9));
        rs[i] = osm_store_add_node(s, OSM_RESOURCE, id, res_types[sty[k]], ex);
        osm_store_add_edge(s, OSM_SUBSET, rs[i], sp[k], 0, OSM_NONE, NULL);
    }
    unsigned ne = below(40);
    for (unsigned e = 0; e < ne; e++) {
        unsigned what = below(6);
        if (what == 0 && R)
            osm_store_add_edge(s, OSM_HOLD, pd[below(P)], rs[below(R)], perm_choice[below(6)], OSM_NONE, NULL);
        else if (what == 1 && R)    /* MAP, cycles allowed */
            osm_store_add_edge(s, OSM_MAP, rs[below(R)], rs[below(R)], perm_choice[below(6)], OSM_NONE, NULL);
        else if (what == 2)
            osm_store_add_edge(s, OSM_MAP, sp[below(S)], sp[below(S)], 0, OSM_NONE, NULL);
        else if (what == 3) {
            const char *t = res_types[below(4)];
            osm_store_add_edge(s, OSM_REQUEST, pd[below(P)], pd[below(P)], 0,
                               osm_store_intern(s, t, strlen(t)), NULL);
        }
        else if (what == 4)
            osm_store_add_edge(s, OSM_HOLD, pd[below(P)], pd[below(P)], ctl_choice[below(8)], OSM_NONE, NULL);
        else if (R)
            osm_store_add_edge(s, OSM_HOLD, pd[below(P)], rs[below(R)], 0, OSM_NONE, NULL);
    }
    *npd = P;
    return s;
}

/* ---- the naive model ---------------------------------------------------------------- */

typedef struct bits { uint8_t v[128]; } bits;     /* node sets (states are tiny) */

static bool perm_ok(uint8_t p, uint8_t mode)
{
    p &= OSM_PERM_RWXT;
    return !mode || !p || (p & mode) == mode;
}

/* Type filter as documented: resources by type, spaces by type or ADS/VMR. */
static bool res_ok(const osm_store *s, const char *const *types, osm_id r)
{
    if (!types)
        return true;
    const char *t = osm_node_data_name(s, r);
    for (int i = 0; types[i]; i++)
        if (!strcmp(t, types[i]) || (!strcmp(types[i], "ADS") && !strcmp(t, "VMR")))
            return true;
    return false;
}
static bool space_ok(const osm_store *s, const char *const *types, osm_id v)
{
    if (!types)
        return true;
    const char *t = osm_node_data_name(s, v);
    for (int i = 0; types[i]; i++)
        if (!strcmp(t, types[i]) || (!strcmp(types[i], "VMR") && !strcmp(t, "ADS")))
            return true;
    return false;
}

/* BFS of §3 over HOLD/MAP fwd: nodes reached from p with `mode`, by depth. */
static void naive_reach(const osm_store *s, osm_id p, uint8_t mode, unsigned maxd, bits *out)
{
    memset(out, 0, sizeof *out);
    unsigned dist[128];
    for (int i = 0; i < 128; i++) dist[i] = ~0u;
    dist[p] = 0;
    for (unsigned d = 0; d < maxd; d++)
        for (osm_id u = 0; u < osm_store_node_bound(s); u++) {
            if (dist[u] != d || (u != p && osm_node_kind(s, u) == OSM_PD))
                continue;
            for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
                osm_edge ed;
                osm_store_edge(s, e, &ed);
                if (ed.from == u && (ed.kind == OSM_HOLD || ed.kind == OSM_MAP) &&
                    perm_ok(ed.perms, mode) && dist[ed.to] == ~0u)
                    dist[ed.to] = d + 1;
            }
        }
    for (int i = 0; i < 128; i++)
        if (dist[i] != ~0u && (osm_id)i != p)
            out->v[i] = 1;
}

static void naive_R(const osm_store *s, osm_id p, uint8_t mode, const char *const *types, bits *out)
{
    naive_reach(s, p, mode, 1000, out);
    for (osm_id v = 0; v < 128; v++)
        if (out->v[v] && (osm_node_kind(s, v) != OSM_RESOURCE || !res_ok(s, types, v)))
            out->v[v] = 0;
}

static void naive_spaces(const osm_store *s, osm_id p, const char *const *types, bits *out)
{
    bits r;
    naive_R(s, p, 0, types, &r);
    memset(out, 0, sizeof *out);
    for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind == OSM_SUBSET && r.v[ed.from] && osm_node_kind(s, ed.to) == OSM_SPACE)
            out->v[ed.to] = 1;
        if (ed.kind == OSM_HOLD && ed.from == p && osm_node_kind(s, ed.to) == OSM_SPACE &&
            space_ok(s, types, ed.to))
            out->v[ed.to] = 1;
    }
}

static bool meets(const bits *a, const bits *b)
{
    for (int i = 0; i < 128; i++)
        if (a->v[i] && b->v[i])
            return true;
    return false;
}

static bool holds(const osm_store *s, osm_id p, osm_id v)
{
    for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind == OSM_HOLD && ed.from == p && ed.to == v)
            return true;
    }
    return false;
}

/* Transitive closure over PD->PD edges of `kind` (HOLD with mode, or
 * REQUEST): reach[a][b] = a chain of >= 1 edges leads from a to b. */
static void pd_closure(const osm_store *s, osm_edge_kind kind, uint8_t mode, uint8_t reach[128][128])
{
    memset(reach, 0, 128 * 128);
    for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind == kind && osm_node_kind(s, ed.from) == OSM_PD && osm_node_kind(s, ed.to) == OSM_PD &&
            (kind != OSM_HOLD || perm_ok(ed.perms, mode)))
            reach[ed.from][ed.to] = 1;
    }
    for (int k = 0; k < 128; k++)
        for (int i = 0; i < 128; i++)
            if (reach[i][k])
                for (int j = 0; j < 128; j++)
                    if (reach[k][j])
                        reach[i][j] = 1;
}

/* Control chains straight from the rule (docs/query.md, choice 5):
 * ctl[p][x] = p != x or not, a chain p -> ... -> c -> x of PD->PD HOLD edges
 * where the edge c -> x carries `mode` and every earlier edge carries W:
 * c is p itself or reached from p by >= 1 W edges. */
static void control_closure(const osm_store *s, uint8_t mode, uint8_t ctl[128][128])
{
    static uint8_t wr[128][128];
    pd_closure(s, OSM_HOLD, OSM_PERM_W, wr);
    for (int c = 0; c < 128; c++)
        wr[c][c] = 1;
    memset(ctl, 0, 128 * 128);
    for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind != OSM_HOLD || osm_node_kind(s, ed.from) != OSM_PD ||
            osm_node_kind(s, ed.to) != OSM_PD || !perm_ok(ed.perms, mode))
            continue;
        for (int p = 0; p < 128; p++)
            if (wr[p][ed.from])
                ctl[p][ed.to] = 1;
    }
}

/* Spaces reachable from set a by >= 1 space->space MAP edges. */
static void map_plus(const osm_store *s, const bits *a, bits *out)
{
    memset(out, 0, sizeof *out);
    bool changed = true;
    while (changed) {
        changed = false;
        for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
            osm_edge ed;
            osm_store_edge(s, e, &ed);
            if (ed.kind == OSM_MAP && osm_node_kind(s, ed.from) == OSM_SPACE &&
                osm_node_kind(s, ed.to) == OSM_SPACE && (a->v[ed.from] || out->v[ed.from]) && !out->v[ed.to])
                out->v[ed.to] = changed = true;
        }
    }
}

/* Component bits of p in X(x), straight from the definitions. */
static uint32_t naive_comps(const osm_store *s, osm_id x, osm_id p, const char *const *types,
                            uint8_t mode, osm_property prop)
{
    if (p == x)
        return 0;
    static uint8_t hold_reach[128][128], req_reach[128][128];
    uint8_t cmode = prop == OSM_PROP_I ? OSM_PERM_W : prop == OSM_PROP_C ? OSM_PERM_R : 0;
    uint8_t smode = prop == OSM_PROP_I ? OSM_PERM_W : prop == OSM_PROP_C ? OSM_PERM_R : mode;
    control_closure(s, cmode, hold_reach);
    pd_closure(s, OSM_REQUEST, 0, req_reach);
    uint32_t c = 0;
    bits rx, rp, sx, sp, sxall, mp;
    naive_R(s, x, 0, types, &rx);
    naive_R(s, p, smode, types, &rp);
    if (meets(&rx, &rp))
        c |= OSM_COMP_SHARED_RESOURCES;
    naive_spaces(s, x, types, &sx);
    naive_spaces(s, p, types, &sp);
    if (meets(&sx, &sp))
        c |= OSM_COMP_SHARED_SPACES;
    naive_spaces(s, x, NULL, &sxall);
    for (osm_id v = 0; v < 128; v++)
        if (sxall.v[v] && holds(s, p, v))
            c |= OSM_COMP_SERVERS;
    for (osm_id e = osm_store_next_edge(s, OSM_NONE); e != OSM_NONE; e = osm_store_next_edge(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind == OSM_REQUEST && ed.from == x && ed.to == p)
            c |= OSM_COMP_SERVERS;
        /* a chain of >= 2 REQUEST edges: x -> n1, then n1 ->+ p */
        if (ed.kind == OSM_REQUEST && ed.from == x && osm_node_kind(s, ed.to) == OSM_PD &&
            req_reach[ed.to][p])
            c |= OSM_COMP_INDIRECT_SERVERS;
    }
    map_plus(s, &sxall, &mp);
    for (osm_id v = 0; v < 128; v++)
        if (mp.v[v] && holds(s, p, v))
            c |= OSM_COMP_INDIRECT_SERVERS;
    if (hold_reach[p][x])
        c |= OSM_COMP_CAN_CONTROL;
    if (hold_reach[x][p])
        c |= OSM_COMP_CONTROL_BY;
    return c;       /* the property narrows TCB (tcb_mask), not the components */
}

/* ---- comparisons ------------------------------------------------------------------------ */

static uint32_t tcb_mask(osm_property prop)
{
    return prop == OSM_PROP_A ? OSM_COMP_TCB
         : OSM_COMP_SHARED_RESOURCES | OSM_COMP_SERVERS | OSM_COMP_CAN_CONTROL;
}

/* What is being compared, printed with the state when a check fails. */
static const osm_store *cur_state;
static const char *cur_what;
static osm_id cur_x;

static void mismatch(osm_id p, uint32_t got, uint32_t want)
{
    fprintf(stderr, "%s of PD_%u, member PD_%u: got comps %#x, want %#x; state:\n", cur_what,
            cur_x, p, got, want);
    osm_csv_write(cur_state, stderr);
    fail();
}

static void check_members(const osm_members *m, osm_id p, bool want, uint32_t comps)
{
    bool got = false;
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].pd == p) {
            got = true;
            if (comps && m->v[i].comps != comps)
                mismatch(p, m->v[i].comps, comps);
        }
    if (got != want)
        mismatch(p, got ? ~0u : 0, want ? ~0u : 0);
}

/* A control chain reported for a member obeys the rule: from x (first
 * step) to the member, the edge at the controlled end carries `mode`, every
 * other edge W (can-control walks back from x, control-by forward). */
static void check_control_chains(const osm_members *m, uint8_t mode)
{
    for (size_t i = 0; i < m->n; i++) {
        const osm_member *e = &m->v[i];
        if (e->comp != OSM_COMP_CAN_CONTROL && e->comp != OSM_COMP_CONTROL_BY)
            continue;
        const osm_step *st = &m->steps[e->why_off];
        assert_true(e->why_len >= 2);
        for (uint32_t k = 1; k < e->why_len; k++) {
            bool at_controlled = e->comp == OSM_COMP_CAN_CONTROL ? k == 1 : k == e->why_len - 1;
            assert_int_equal(OSM_ADJ_KIND(st[k].info), OSM_HOLD);
            assert_int_equal(st[k].back, e->comp == OSM_COMP_CAN_CONTROL);
            if (!perm_ok(OSM_ADJ_PERMS(st[k].info), at_controlled ? mode : OSM_PERM_W)) {
                fprintf(stderr, "control chain of PD_%u to PD_%u breaks the rule at step %u\n",
                        cur_x, e->pd, k);
                mismatch(e->pd, e->comp, e->comp);
            }
        }
    }
}

static void check_state(osm_store *s, unsigned P)
{
    osm_query *q = osm_query_new(s);
    assert_non_null(q);
    osm_typeset ts = { 0 };
    const char *names_buf[3] = { 0 };
    const char *const *names = NULL;
    if (below(3) == 0) {    /* a random type filter among those present */
        const char *t = res_types[below(4)];
        osm_id id = osm_store_type_lookup(s, t);
        if (id != OSM_NONE && osm_query_type_present(q, id) && osm_typeset_add(q, &ts, id) == 0) {
            names_buf[0] = t;
            names = names_buf;
        }
    }
    static const uint8_t modes[] = { 0, OSM_PERM_R, OSM_PERM_W, OSM_PERM_R | OSM_PERM_W, OSM_PERM_X };
    osm_qopts o = { .types = names ? &ts : NULL, .mode = modes[below(5)],
                    .property = (osm_property)below(3), .why = below(2) };
    if (o.property != OSM_PROP_A)
        o.mode = 0;
    uint32_t want[8][8];
    for (osm_id x = 0; x < P; x++)
        for (osm_id p = 0; p < P; p++)
            want[x][p] = naive_comps(s, x, p, names, o.mode, o.property);
    osm_all all;
    assert_int_equal(osm_query_all(q, &o, true, &all), 0);
    for (osm_id x = 0; x < P; x++) {
        osm_members m;
        /* every component on its own, all six at once */
        cur_state = s;
        cur_x = x;
        cur_what = "components";
        assert_int_equal(osm_query_components(q, x, 0x3f, &o, &m), 0);
        for (osm_id p = 0; p < P; p++)
            check_members(&m, p, want[x][p] != 0, want[x][p]);
        if (o.why)
            check_control_chains(&m, o.property == OSM_PROP_I ? OSM_PERM_W
                                     : o.property == OSM_PROP_C ? OSM_PERM_R : 0);
        osm_members_free(&m);
        cur_what = "tcb";
        assert_int_equal(osm_tcb(q, x, &o, &m), 0);
        for (osm_id p = 0; p < P; p++)
            check_members(&m, p, (want[x][p] & tcb_mask(o.property)) != 0, 0);
        for (size_t i = 0; i < m.n && o.why; i++)       /* chains go from x to the member */
            if (m.v[i].why_len) {
                assert_int_equal(m.steps[m.v[i].why_off].node, x);
                assert_int_equal(m.steps[m.v[i].why_off + m.v[i].why_len - 1].node, m.v[i].pd);
            }
        osm_members_free(&m);
        cur_what = "ib";
        assert_int_equal(osm_ib(q, x, &o, &m), 0);
        for (osm_id p = 0; p < P; p++)      /* IB: brute force over TCB(p) */
            check_members(&m, p, (want[p][x] & tcb_mask(o.property)) != 0, 0);
        osm_members_free(&m);
        /* the all-PD form: PDs sorted by ID = by index here (P < 10) */
        cur_what = "all";
        for (osm_id p = 0; p < P; p++) {
            osm_members row = { .v = &all.tcb[all.tcb_off[x]], .n = all.tcb_off[x + 1] - all.tcb_off[x] };
            check_members(&row, p, (want[x][p] & tcb_mask(o.property)) != 0, 0);
            osm_members ib = { .v = &all.ib[all.ib_off[x]], .n = all.ib_off[x + 1] - all.ib_off[x] };
            check_members(&ib, p, (want[p][x] & tcb_mask(o.property)) != 0, 0);
        }
    }
    osm_all_free(&all);
    /* RSI against 1..4-edge reachability, pages for MO */
    osm_id x = below(P), y = below(P);
    bits ax, by;
    naive_reach(s, x, 0, 4, &ax);
    naive_reach(s, y, 0, 4, &by);
    osm_id *tv;
    double *rv;
    size_t nt;
    assert_int_equal(osm_rsi_all(q, x, y, &tv, &rv, &nt), 0);
    for (size_t i = 0; i < nt; i++) {
        double inter = 0, uni = 0;
        for (osm_id v = 0; v < 128; v++) {
            if (v >= osm_store_node_bound(s) || osm_node_kind(s, v) != OSM_RESOURCE ||
                osm_node_data(s, v) != tv[i] || !(ax.v[v] || by.v[v]))
                continue;
            osm_mo_info mo;
            double w = !strcmp(osm_node_data_name(s, v), "MO") &&
                       osm_mo_info_parse(osm_node_extra(s, v), &mo) == 0 && mo.pages ? (double)mo.pages : 1;
            uni += w;
            if (ax.v[v] && by.v[v])
                inter += w;
        }
        assert_true(rv[i] == (uni ? inter / uni : 0.0));
    }
    free(tv);
    free(rv);
    uint32_t fr;
    assert_int_equal(osm_fr(q, x, x, &fr), 0);
    assert_int_equal(fr, 0);                /* a walk reaches its own start */
    osm_typeset_free(&ts);
    osm_query_free(q);
}

static void test_random_states(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 400; i++) {
        rng = 0x5eed0000ull + i;
        unsigned P;
        osm_store *s = random_state(&P);
        check_state(s, P);
        osm_store_free(s);
    }
}

/* BFS depth bound and result filters, against the naive walk. */
static void test_bfs_depth(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 200; i++) {
        rng = 0xbf500000ull + i;
        unsigned P;
        osm_store *s = random_state(&P);
        osm_query *q = osm_query_new(s);
        unsigned d = 1 + below(4);
        osm_bfs_opts o = { .depth = d, .why = true };
        osm_bfs_result r;
        assert_int_equal(osm_bfs(q, 0, &o, &r), 0);
        bits want;
        naive_reach(s, 0, 0, d, &want);
        size_t n = 0;
        for (osm_id v = 0; v < 128; v++)
            n += want.v[v];
        assert_int_equal(r.n, n);
        for (size_t k = 0; k < r.n; k++) {
            assert_true(want.v[r.nodes[k]]);
            osm_step path[128];
            size_t len = osm_bfs_path(&r, r.nodes[k], path, 128);
            assert_int_equal(len, r.depth[k] + 1);
            assert_int_equal(path[0].node, 0);
        }
        osm_bfs_result_free(&r);
        osm_query_free(q);
        osm_store_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_states),
        cmocka_unit_test(test_bfs_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
