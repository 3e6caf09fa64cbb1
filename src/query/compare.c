/*
 * Side-by-side comparison of one PD per state (`osmosis compare`,
 * `cellulos compare --mechanisms`): everything MODEL.md §4-5 says about
 * that PD, gathered once, plus the exhaustible kernel pools it shares
 * (spaces whose type starts with POOL_, docs/compare.md).
 *
 * Pools: a PD draws from the POOL_ spaces it HOLDs or holds a resource of
 * (the Linux extractor's membership resources "SPACE#PID"); a scoped pool (a
 * cgroup's pid budget, a uid's quota) MAPs to the global pool it is carved
 * from, so the PD also competes with everyone holding a pool reachable by
 * space MAPs.  "Pools shared" = SharedResourceSpaces(x, POOL_* types) ∪ the
 * holders of the pools x's pools MAP to (SharedResourceSpaceServers
 * restricted to POOL_ spaces).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmosis/osmosis.h>

bool osm_type_is_pool(const char *type)
{
    return type && strncmp(type, "POOL_", 5) == 0;
}

/* Whether node n is a RESOURCE_SPACE of a POOL_ type. */
static bool is_pool_space(const osm_store *s, osm_id n)
{
    return osm_node_kind(s, n) == OSM_SPACE && osm_type_is_pool(osm_node_data_name(s, n));
}

bool osm_state_has_pools(const osm_store *s)
{
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n))
        if (is_pool_space(s, n))
            return true;
    return false;
}

static int cmp_id_str(const void *a, const void *b, void *arg)
{
    return strcmp(osm_node_id(arg, *(const osm_id *)a), osm_node_id(arg, *(const osm_id *)b));
}

int osm_pd_lookup(const osm_store *s, const char *spec, osm_id *pd, osm_id **cands,
                  size_t *n_cands)
{
    *pd = OSM_NONE;
    *cands = NULL;
    *n_cands = 0;
    osm_id n = osm_store_find(s, spec);
    if (n != OSM_NONE && osm_node_kind(s, n) == OSM_PD) {
        *pd = n;
        return 0;
    }
    size_t cap = 0;
    for (n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        const char *nm = osm_node_data_name(s, n);
        if (osm_node_kind(s, n) != OSM_PD || !nm || strcmp(nm, spec))
            continue;
        if (*n_cands == cap) {
            osm_id *v = realloc(*cands, (cap = cap ? 2 * cap : 8) * sizeof *v);
            if (!v) {
                free(*cands);
                *cands = NULL;
                return -1;
            }
            *cands = v;
        }
        (*cands)[(*n_cands)++] = n;
    }
    if (*n_cands == 1) {
        *pd = (*cands)[0];
        free(*cands);
        *cands = NULL;
        *n_cands = 0;
        return 0;
    }
    if (*n_cands > 1)
        qsort_r(*cands, *n_cands, sizeof **cands, cmp_id_str, (void *)s);
    return *n_cands ? 2 : 1;
}

/* Append one (pd, pool) pair unless present; 0 or -1 on ENOMEM. */
static int share_add(osm_cmp *c, size_t *cap, osm_id pd, osm_id pool)
{
    for (size_t i = 0; i < c->n_pool_shares; i++)
        if (c->pool_shares[i].pd == pd && c->pool_shares[i].pool == pool)
            return 0;
    if (c->n_pool_shares == *cap) {
        osm_pool_share *v = realloc(c->pool_shares, (*cap = *cap ? 2 * *cap : 16) * sizeof *v);
        if (!v)
            return -1;
        c->pool_shares = v;
    }
    c->pool_shares[c->n_pool_shares++] = (osm_pool_share){ pd, pool };
    return 0;
}

/* Append a pool space unless present; 0 or -1 on ENOMEM. */
static int pool_add(osm_cmp *c, size_t *cap, osm_id pool)
{
    for (size_t i = 0; i < c->n_pools; i++)
        if (c->pools[i] == pool)
            return 0;
    if (c->n_pools == *cap) {
        osm_id *v = realloc(c->pools, (*cap = *cap ? 2 * *cap : 8) * sizeof *v);
        if (!v)
            return -1;
        c->pools = v;
    }
    c->pools[c->n_pools++] = pool;
    return 0;
}

/* The PDs other than x that HOLD `pool` or a resource drawn from it. */
static int pool_holders(const osm_store *s, osm_cmp *c, size_t *cap, osm_id x, osm_id pool)
{
    for (osm_id e = osm_store_first_in(s, pool); e != OSM_NONE; e = osm_store_next_in(s, e)) {
        osm_edge ed;
        if (!osm_store_edge(s, e, &ed))
            continue;
        if (ed.kind == OSM_HOLD && osm_node_kind(s, ed.from) == OSM_PD && ed.from != x) {
            if (share_add(c, cap, ed.from, pool))
                return -1;
        } else if (ed.kind == OSM_SUBSET && osm_node_kind(s, ed.from) == OSM_RESOURCE) {
            for (osm_id h = osm_store_first_in(s, ed.from); h != OSM_NONE;
                 h = osm_store_next_in(s, h)) {
                osm_edge hd;
                if (osm_store_edge(s, h, &hd) && hd.kind == OSM_HOLD && hd.from != x &&
                    osm_node_kind(s, hd.from) == OSM_PD && share_add(c, cap, hd.from, pool))
                    return -1;
            }
        }
    }
    return 0;
}

static const osm_store *share_store;    /* qsort has no context argument here */

static int share_cmp(const void *a, const void *b)
{
    const osm_pool_share *x = a, *y = b;
    int r = strcmp(osm_node_id(share_store, x->pd), osm_node_id(share_store, y->pd));
    return r ? r : strcmp(osm_node_id(share_store, x->pool), osm_node_id(share_store, y->pool));
}

/* The pools x draws from (held, then everything they MAP to) and who else
 * draws from each. */
static int pools_fill(const osm_store *s, osm_id x, osm_cmp *c)
{
    size_t pcap = 0, scap = 0;
    for (osm_id e = osm_store_first_out(s, x); e != OSM_NONE; e = osm_store_next_out(s, e)) {
        osm_edge ed;
        if (!osm_store_edge(s, e, &ed) || ed.kind != OSM_HOLD)
            continue;
        osm_id sp = ed.to;
        if (osm_node_kind(s, sp) == OSM_RESOURCE)     /* a membership resource of the pool */
            for (osm_id f = osm_store_first_out(s, ed.to); f != OSM_NONE;
                 f = osm_store_next_out(s, f)) {
                osm_edge fd;
                if (osm_store_edge(s, f, &fd) && fd.kind == OSM_SUBSET)
                    sp = fd.to;
            }
        if (is_pool_space(s, sp) && pool_add(c, &pcap, sp))
            return -1;
    }
    /* c->pools grows while we walk it: a breadth-first MAP closure */
    for (size_t i = 0; i < c->n_pools; i++)
        for (osm_id e = osm_store_first_out(s, c->pools[i]); e != OSM_NONE;
             e = osm_store_next_out(s, e)) {
            osm_edge ed;
            if (osm_store_edge(s, e, &ed) && ed.kind == OSM_MAP && is_pool_space(s, ed.to) &&
                pool_add(c, &pcap, ed.to))
                return -1;
        }
    for (size_t i = 0; i < c->n_pools; i++)
        if (pool_holders(s, c, &scap, x, c->pools[i]))
            return -1;
    if (c->n_pools)
        qsort_r(c->pools, c->n_pools, sizeof *c->pools, cmp_id_str, (void *)s);
    share_store = s;
    if (c->n_pool_shares)
        qsort(c->pool_shares, c->n_pool_shares, sizeof *c->pool_shares, share_cmp);
    return 0;
}

size_t osm_cmp_pool_sharers(const osm_cmp *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_pool_shares; i++)
        n += i == 0 || c->pool_shares[i].pd != c->pool_shares[i - 1].pd;
    return n;
}

int osm_compare_pd(osm_query *q, osm_id pd, osm_id pair, osm_cmp *out)
{
    memset(out, 0, sizeof *out);
    out->pd = pd;
    out->pair = pair;
    out->fr = OSM_FR_INF;
    const osm_store *s = osm_query_store(q);
    if (pd == OSM_NONE || osm_node_kind(s, pd) != OSM_PD) {
        errno = EINVAL;
        return -1;
    }
    int rc = 0;
    for (int p = 0; p < 3 && !rc; p++) {
        osm_qopts o = { .property = (osm_property)p };
        rc = osm_tcb(q, pd, &o, &out->tcb[p]);
        rc = rc ? rc : osm_ib(q, pd, &o, &out->ib[p]);
    }
    rc = rc ? rc : osm_query_components(q, pd, OSM_COMP_CAN_CONTROL, NULL, &out->can_control);
    rc = rc ? rc : osm_query_components(q, pd, OSM_COMP_CONTROL_BY, NULL, &out->control_by);
    if (!rc && pair != OSM_NONE) {
        rc = osm_rsi_all(q, pd, pair, &out->rsi_types, &out->rsi, &out->n_rsi);
        rc = rc ? rc : osm_fr(q, pd, pair, &out->fr);
    }
    out->has_pools = osm_state_has_pools(s);
    rc = rc ? rc : pools_fill(s, pd, out);
    if (rc)
        osm_cmp_free(out);
    return rc;
}

void osm_cmp_free(osm_cmp *c)
{
    for (int p = 0; p < 3; p++) {
        osm_members_free(&c->tcb[p]);
        osm_members_free(&c->ib[p]);
    }
    osm_members_free(&c->can_control);
    osm_members_free(&c->control_by);
    free(c->rsi_types);
    free(c->rsi);
    free(c->pools);
    free(c->pool_shares);
    memset(c, 0, sizeof *c);
    c->pd = c->pair = OSM_NONE;
}
