/*
 * harden: which single cut takes the most PDs out of TCB_P(x), and the
 * smallest cut that takes one chosen member out.
 *
 * Removing edges or nodes never adds a TCB member (every component is a
 * reachability question), and a member stays as long as one of its chains
 * survives.  So a cut that misses the chain osm_tcb reports for p cannot
 * remove p: the only cuts worth trying are the edges and resource / space
 * nodes on members' chains, and a cut only needs p re-tested when it lies
 * on p's chain.  The re-test is a pair test (pair_in_tcb): x's side of the
 * TCB walks once per cut (x's own resources, spaces, servers, controllers
 * are few), then p's own forward walk, instead of the backward walks over
 * the whole graph a full TCB query needs.
 *
 * The minimum cut is found by implicit hitting sets: collect chains of the
 * member, take a smallest set of elements meeting every chain collected,
 * cut it, ask again; stop when the member is gone.  The last set meets
 * every chain there is (else a chain would be found), and no smaller set
 * meets even the collected ones, so it is minimum.
 *
 * Qset pool use while testing pairs: 0 x's walk, 1 Spaces(x, types),
 * 2 Spaces(x, all), 3 spaces MAP-reachable from those, 4 PDs reached by
 * two or more REQUESTs, 5 controllers, 6 controlled, 7 p's walk / scratch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

/* ---- the pair test -------------------------------------------------------- */

typedef struct xside {
    osm_query *q;
    osm_id x;
    const osm_qopts *o;
    uint32_t comps;
    qset *vx, *sx, *sxall, *mx, *req2, *cc, *cb;
} xside;

/* Spaces(x, ts) into set `idx` from x's walk (honouring cuts). */
static qset *xs_spaces(xside *xs, int idx, const osm_typeset *ts)
{
    osm_query *q = xs->q;
    const osm_snapshot *g = q->g;
    qset *s = q_set(q, idx, false);
    if (!s)
        return NULL;
    for (uint32_t i = g->out_off[xs->x]; i < g->out_off[xs->x + 1]; i++) {
        osm_id v = g->out[i].node;
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[v] == OSM_SPACE &&
            !q_cut_out(q, i) && q_space_type_ok(ts, g->data[v]))
            qset_add(s, v);
    }
    for (size_t k = 0; k < xs->vx->n; k++) {
        osm_id r = xs->vx->v[k];
        if (g->kind[r] != OSM_RESOURCE || !q_res_type_ok(ts, g->data[r]))
            continue;
        for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++)
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET && !q_cut_out(q, i) &&
                g->kind[g->out[i].node] == OSM_SPACE)
                qset_add(s, g->out[i].node);
    }
    return s;
}

/* Walk x's side of TCB_P(x) under the current cuts. */
static int xside_walk(xside *xs)
{
    osm_query *q = xs->q;
    const osm_snapshot *g = q->g;
    osm_id x = xs->x;
    const osm_typeset *ts = xs->o->types;
    qwalk wx = { E_HOLD | E_MAP, OSM_DIR_FWD, 0, K_RES | K_SPACE, K_RES | K_SPACE,
                 OSM_DEPTH_INF, false };
    if (!(xs->vx = q_set(q, 0, false)))
        return -1;
    q_walk(q, &wx, &x, 1, xs->vx);
    if (!(xs->sx = xs_spaces(xs, 1, ts)))
        return -1;
    xs->sxall = ts ? xs_spaces(xs, 2, NULL) : xs->sx;
    if (!xs->sxall)
        return -1;
    if (xs->comps & OSM_COMP_INDIRECT_SERVERS) {
        qwalk wm = { E_MAP, OSM_DIR_FWD, 0, K_SPACE, K_SPACE, OSM_DEPTH_INF, true };
        qset *first = q_set(q, 7, false);
        if (!(xs->mx = q_set(q, 3, false)) || !first)
            return -1;
        q_walk(q, &wm, xs->sxall->v, xs->sxall->n, xs->mx);
        for (uint32_t i = g->out_off[x]; i < g->out_off[x + 1]; i++)
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_REQUEST && !q_cut_out(q, i) &&
                g->kind[g->out[i].node] == OSM_PD)
                qset_add(first, g->out[i].node);
        qwalk wr = { E_REQ, OSM_DIR_FWD, 0, K_PD, K_PD, OSM_DEPTH_INF, true };
        if (!(xs->req2 = q_set(q, 4, false)))
            return -1;
        q_walk(q, &wr, first->v, first->n, xs->req2);
    }
    if (!(xs->cc = q_set(q, 5, false)))
        return -1;
    q_control_walk(q, x, OSM_DIR_BACK, q_control_mode(xs->o), xs->cc, NULL);
    if (xs->comps & OSM_COMP_CONTROL_BY) {
        qset *tmp = q_set(q, 7, false);     /* free until pair_in_tcb */
        if (!(xs->cb = q_set(q, 6, false)) || !tmp)
            return -1;
        q_control_walk(q, x, OSM_DIR_FWD, q_control_mode(xs->o), xs->cb, tmp);
    }
    return 0;
}

/* Does p HOLD (uncut) a space of `set`, of a type in ts? */
static bool holds_space_in(const osm_query *q, osm_id p, const qset *set, const osm_typeset *ts)
{
    const osm_snapshot *g = q->g;
    for (uint32_t i = g->out_off[p]; i < g->out_off[p + 1]; i++) {
        osm_id v = g->out[i].node;
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[v] == OSM_SPACE &&
            !q_cut_out(q, i) && qset_has(set, v) && q_space_type_ok(ts, g->data[v]))
            return true;
    }
    return false;
}

/* Is p in TCB_P(x) under the current cuts, given x's side?  -1 on ENOMEM. */
static int pair_in_tcb(xside *xs, osm_id p)
{
    osm_query *q = xs->q;
    const osm_snapshot *g = q->g;
    const osm_typeset *ts = xs->o->types;
    uint32_t cm = xs->comps;
    if (p == xs->x)
        return 0;
    if ((cm & OSM_COMP_CAN_CONTROL) && qset_has(xs->cc, p))
        return 1;
    if ((cm & OSM_COMP_CONTROL_BY) && qset_has(xs->cb, p))
        return 1;
    if (cm & OSM_COMP_SERVERS) {
        if (holds_space_in(q, p, xs->sxall, NULL))
            return 1;
        for (uint32_t i = g->out_off[xs->x]; i < g->out_off[xs->x + 1]; i++)
            if (g->out[i].node == p && OSM_ADJ_KIND(g->out[i].info) == OSM_REQUEST &&
                !q_cut_out(q, i))
                return 1;
    }
    if ((cm & OSM_COMP_INDIRECT_SERVERS) &&
        (holds_space_in(q, p, xs->mx, NULL) || qset_has(xs->req2, p)))
        return 1;
    if ((cm & OSM_COMP_SHARED_SPACES) && holds_space_in(q, p, xs->sx, ts))
        return 1;
    uint8_t srm = q_sr_mode(xs->o);
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: shared resources in srm; pass 1: shared spaces (ANY). */
        uint32_t need = pass ? OSM_COMP_SHARED_SPACES : OSM_COMP_SHARED_RESOURCES;
        if (!(cm & need))
            continue;
        qset *w = q_set(q, 7, false);
        if (!w)
            return -1;
        qwalk wp = { E_HOLD | E_MAP, OSM_DIR_FWD, pass ? 0 : srm, K_RES | K_SPACE,
                     K_RES | K_SPACE, OSM_DEPTH_INF, false };
        q_walk(q, &wp, &p, 1, w);
        for (size_t k = 0; k < w->n; k++) {
            osm_id r = w->v[k];
            if (g->kind[r] != OSM_RESOURCE || !q_res_type_ok(ts, g->data[r]))
                continue;
            if (!pass && qset_has(xs->vx, r))
                return 1;
            if (pass)
                for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++)
                    if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET && !q_cut_out(q, i) &&
                        qset_has(xs->sx, g->out[i].node))
                        return 1;
        }
    }
    return 0;
}

/* ---- the elements of a chain ---------------------------------------------- */

/* The cuttable elements of a chain: every edge (a PD->PD HOLD as a control
 * cut), every resource or space node.  Returns the count written (<= cap). */
static size_t chain_elems(const osm_query *q, const osm_step *st, size_t len, osm_cut *buf,
                          size_t cap)
{
    const osm_snapshot *g = q->g;
    size_t n = 0;
    for (size_t k = 0; k < len && n + 2 <= cap; k++) {
        osm_id v = st[k].node;
        if (g->kind[v] == OSM_RESOURCE || g->kind[v] == OSM_SPACE)
            buf[n++] = (osm_cut){ OSM_CUT_NODE, v, OSM_NONE };
        if (!k)
            continue;
        osm_id u = st[k - 1].node;
        osm_id from = st[k].back ? v : u, to = st[k].back ? u : v;
        bool ctl = OSM_ADJ_KIND(st[k].info) == OSM_HOLD && g->kind[from] == OSM_PD &&
                   g->kind[to] == OSM_PD;
        buf[n++] = (osm_cut){ ctl ? OSM_CUT_CONTROL : OSM_CUT_EDGE, from, to };
    }
    return n;
}

/* A hash table of distinct cuts -> index. */
typedef struct cut_tab {
    osm_cut *v;
    size_t n, cap;
    uint32_t *slot;     /* [tcap] index + 1 */
    size_t tcap;
} cut_tab;

static uint64_t cut_hash(const osm_cut *c)
{
    uint64_t h = ((uint64_t)c->a << 32 | c->b) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29) ^ (uint64_t)c->kind * 0xbf58476d1ce4e5b9ull;
}

/* Index of c, added when new; -1 on ENOMEM. */
static long cut_tab_get(cut_tab *t, const osm_cut *c)
{
    if ((t->n + 1) * 2 > t->tcap) {
        size_t nc = t->tcap ? t->tcap * 2 : 1024;
        uint32_t *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < t->n; i++) {
            size_t h = cut_hash(&t->v[i]) & (nc - 1);
            while (ns[h])
                h = (h + 1) & (nc - 1);
            ns[h] = (uint32_t)i + 1;
        }
        free(t->slot);
        t->slot = ns;
        t->tcap = nc;
    }
    size_t h = cut_hash(c) & (t->tcap - 1);
    for (; t->slot[h]; h = (h + 1) & (t->tcap - 1)) {
        const osm_cut *e = &t->v[t->slot[h] - 1];
        if (e->kind == c->kind && e->a == c->a && e->b == c->b)
            return t->slot[h] - 1;
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        osm_cut *nv = realloc(t->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        t->v = nv;
        t->cap = nc;
    }
    t->v[t->n] = *c;
    t->slot[h] = (uint32_t)t->n + 1;
    return (long)t->n++;
}

static void cut_tab_free(cut_tab *t)
{
    free(t->v);
    free(t->slot);
}

/* ---- ranking single cuts ----------------------------------------------------- */

void osm_harden_free(osm_harden *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i].removed);
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int cmp_natural_pd(const void *a, const void *b, void *arg)
{
    const osm_store *s = arg;
    return osm_id_natural_cmp(osm_node_id(s, *(const osm_id *)a), osm_node_id(s, *(const osm_id *)b));
}

static int cmp_cut_spec(const osm_query *q, const osm_cut *a, const osm_cut *b)
{
    char *sa = osm_cut_format(q, a), *sb = osm_cut_format(q, b);
    int c = sa && sb ? osm_id_natural_cmp(sa, sb) : 0;
    free(sa);
    free(sb);
    return c;
}

static int cmp_hcut(const void *a, const void *b, void *arg)
{
    const osm_harden_cut *x = a, *y = b;
    if (x->n_removed != y->n_removed)
        return x->n_removed > y->n_removed ? -1 : 1;
    return cmp_cut_spec(arg, &x->cut, &y->cut);
}

/* Member lists per candidate, as a CSR built from (candidate, member) pairs. */
typedef struct pair { uint32_t cand, member; } pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->cand != y->cand)
        return x->cand < y->cand ? -1 : 1;
    return x->member < y->member ? -1 : x->member > y->member;
}

int osm_harden_rank(osm_query *q, osm_id x, const osm_qopts *o, osm_harden *out)
{
    static const osm_qopts dflt;
    memset(out, 0, sizeof *out);
    osm_qopts ow = *(o ? o : &dflt);
    ow.why = true;
    osm_members base;
    if (osm_tcb(q, x, &ow, &base) < 0)
        return -1;
    out->tcb_size = base.n;
    cut_tab t = { 0 };
    pair *pairs = NULL;
    size_t np = 0, cap = 0;
    osm_cut buf[256];
    int rc = -1;
    for (size_t i = 0; i < base.n; i++) {
        const osm_member *e = &base.v[i];
        size_t ne = chain_elems(q, base.steps + e->why_off, e->why_len, buf, 256);
        for (size_t k = 0; k < ne; k++) {
            long c = cut_tab_get(&t, &buf[k]);
            if (c < 0)
                goto out;
            if (np == cap) {
                size_t nc = cap ? cap * 2 : 4096;
                pair *nv = realloc(pairs, nc * sizeof *nv);
                if (!nv)
                    goto out;
                pairs = nv;
                cap = nc;
            }
            pairs[np++] = (pair){ (uint32_t)c, (uint32_t)i };
        }
    }
    if (np > 1)
        qsort(pairs, np, sizeof *pairs, cmp_pair);
    out->n_candidates = t.n;
    out->v = calloc(t.n + 1, sizeof *out->v);
    if (!out->v)
        goto out;
    xside xs = { .q = q, .x = x, .o = &ow, .comps = q_property_comps(ow.property) };
    for (size_t a = 0; a < np;) {
        size_t b = a;
        while (b < np && pairs[b].cand == pairs[a].cand)
            b++;
        const osm_cut *c = &t.v[pairs[a].cand];
        osm_harden_cut *hc = &out->v[out->n];
        hc->cut = *c;
        if (q_cut_try(q, c) < 0 || xside_walk(&xs) < 0) {
            q_cut_undo(q);
            goto out;
        }
        for (size_t k = a; k < b; k++) {
            if (k > a && pairs[k].member == pairs[k - 1].member)
                continue;
            osm_id p = base.v[pairs[k].member].pd;
            int in = pair_in_tcb(&xs, p);
            if (in < 0) {
                q_cut_undo(q);
                goto out;
            }
            if (in)
                continue;
            if (!hc->removed && !(hc->removed = malloc((b - a) * sizeof *hc->removed))) {
                q_cut_undo(q);
                goto out;
            }
            hc->removed[hc->n_removed++] = p;
        }
        q_cut_undo(q);
        if (hc->n_removed) {
            if (hc->n_removed > 1)
                qsort_r(hc->removed, hc->n_removed, sizeof *hc->removed, cmp_natural_pd,
                        (void *)q->g->store);
            out->n++;
        }
        a = b;
    }
    if (out->n > 1)
        qsort_r(out->v, out->n, sizeof *out->v, cmp_hcut, q);
    rc = 0;
out:
    free(pairs);
    cut_tab_free(&t);
    osm_members_free(&base);
    if (rc < 0) {
        osm_harden_free(out);
        errno = ENOMEM;
    }
    return rc;
}

/* ---- minimum cut for one member ------------------------------------------------- */

enum {
    MAX_WITNESSES = 4096,       /* chains collected before giving up on exactness */
    SEARCH_BUDGET = 1000000     /* hitting-set search nodes per size tried */
};

/* The collected chains as element-id lists, and the set being built. */
typedef struct hs {
    uint32_t *off;              /* witness w: elems[off[w] .. off[w + 1]) */
    uint32_t *elems;
    size_t n_w, n_e, cap_e;
    uint32_t *chosen;           /* [cap_ids] */
    size_t n_chosen;
    uint32_t *in_set;           /* [cap_ids] > 0 when chosen (a count) */
    uint32_t *mark;             /* [cap_ids] scratch stamps for the bound */
    uint32_t stamp;
    size_t cap_ids;
    long budget;
} hs;

/* Room for element ids below n; -1 on ENOMEM. */
static int hs_grow(hs *h, size_t n)
{
    if (n <= h->cap_ids)
        return 0;
    size_t nc = h->cap_ids ? h->cap_ids : 256;
    while (nc < n)
        nc *= 2;
    uint32_t *c = realloc(h->chosen, nc * sizeof *c);
    if (c)
        h->chosen = c;
    uint32_t *i = realloc(h->in_set, nc * sizeof *i);
    if (i)
        h->in_set = i;
    uint32_t *m = realloc(h->mark, nc * sizeof *m);
    if (m)
        h->mark = m;
    if (!c || !i || !m)
        return -1;
    memset(h->in_set + h->cap_ids, 0, (nc - h->cap_ids) * sizeof *i);
    memset(h->mark + h->cap_ids, 0, (nc - h->cap_ids) * sizeof *m);
    h->cap_ids = nc;
    return 0;
}

static void hs_push(hs *h, uint32_t e) { h->chosen[h->n_chosen++] = e; h->in_set[e]++; }
static void hs_pop(hs *h) { h->in_set[h->chosen[--h->n_chosen]]--; }
static void hs_reset(hs *h) { while (h->n_chosen) hs_pop(h); }

static bool hs_hit(const hs *h, size_t w)
{
    for (uint32_t k = h->off[w]; k < h->off[w + 1]; k++)
        if (h->in_set[h->elems[k]])
            return true;
    return false;
}

/* A lower bound on the elements still needed: unhit chains that share no
 * element, picked greedily (each needs an element of its own). */
static size_t hs_bound(hs *h)
{
    if (++h->stamp == 0) {
        memset(h->mark, 0, h->cap_ids * sizeof *h->mark);
        h->stamp = 1;
    }
    size_t lb = 0;
    for (size_t w = 0; w < h->n_w; w++) {
        if (hs_hit(h, w))
            continue;
        bool disjoint = true;
        for (uint32_t k = h->off[w]; k < h->off[w + 1] && disjoint; k++)
            disjoint = h->mark[h->elems[k]] != h->stamp;
        if (!disjoint)
            continue;
        for (uint32_t k = h->off[w]; k < h->off[w + 1]; k++)
            h->mark[h->elems[k]] = h->stamp;
        lb++;
    }
    return lb;
}

/* Depth-first: can `k` more elements hit every chain?  On success the
 * answer is in chosen.  Branches on the elements of the first unhit chain;
 * prunes with hs_bound. */
static bool hs_search(hs *h, size_t k)
{
    if (--h->budget < 0)
        return false;
    size_t w = 0;
    while (w < h->n_w && hs_hit(h, w))
        w++;
    if (w == h->n_w)
        return true;
    if (!k || hs_bound(h) > k)
        return false;
    for (uint32_t i = h->off[w]; i < h->off[w + 1]; i++) {
        if (h->in_set[h->elems[i]])
            continue;
        hs_push(h, h->elems[i]);
        if (hs_search(h, k - 1))
            return true;
        hs_pop(h);
        if (h->budget < 0)
            return false;
    }
    return false;
}

/* Greedy fallback: repeatedly take the element in most unhit chains. */
static int hs_greedy(hs *h, size_t n_ids)
{
    hs_reset(h);
    uint32_t *cnt = calloc(n_ids + 1, sizeof *cnt);
    if (!cnt)
        return -1;
    for (;;) {
        memset(cnt, 0, (n_ids + 1) * sizeof *cnt);
        bool any = false;
        for (size_t w = 0; w < h->n_w; w++)
            if (!hs_hit(h, w)) {
                any = true;
                for (uint32_t k = h->off[w]; k < h->off[w + 1]; k++)
                    cnt[h->elems[k]]++;
            }
        if (!any)
            break;
        uint32_t best = 0;
        for (uint32_t e = 1; e < n_ids; e++)
            if (cnt[e] > cnt[best])
                best = e;
        hs_push(h, best);
    }
    free(cnt);
    return 0;
}

/* A smallest set hitting every collected chain (exact within the budget;
 * *exact cleared otherwise).  `from` is a size known to be too small - 1
 * or less.  -1 on ENOMEM. */
static int hs_solve(hs *h, size_t from, size_t n_ids, bool *exact)
{
    hs_reset(h);
    size_t k = from, lb = hs_bound(h);
    if (k < lb)
        k = lb;
    for (;; k++) {
        hs_reset(h);
        h->budget = SEARCH_BUDGET;
        if (hs_search(h, k))
            return 0;
        if (h->budget < 0)
            break;
    }
    *exact = false;
    return hs_greedy(h, n_ids);
}

/* The chain of member under the current cuts into buf; 0 when it is not
 * in the TCB, -1 on ENOMEM. */
static long member_chain(osm_query *q, osm_id x, osm_id member, const osm_qopts *o, osm_cut *buf,
                         size_t cap)
{
    osm_members m;
    if (osm_tcb(q, x, o, &m) < 0)
        return -1;
    long n = 0;
    for (size_t i = 0; i < m.n; i++)
        if (m.v[i].pd == member)
            n = (long)chain_elems(q, m.steps + m.v[i].why_off, m.v[i].why_len, buf, cap);
    osm_members_free(&m);
    return n;
}

/* Add a chain to the collection; -1 on ENOMEM. */
static int hs_add_chain(hs *h, cut_tab *t, const osm_cut *buf, long ne)
{
    if (h->n_e + (size_t)ne > h->cap_e) {
        size_t nc = (h->cap_e ? h->cap_e * 2 : 1024) + (size_t)ne;
        uint32_t *nv = realloc(h->elems, nc * sizeof *nv);
        if (!nv)
            return -1;
        h->elems = nv;
        h->cap_e = nc;
    }
    for (long k = 0; k < ne; k++) {
        long id = cut_tab_get(t, &buf[k]);
        if (id < 0 || hs_grow(h, t->n + 1) < 0)
            return -1;
        h->elems[h->n_e++] = (uint32_t)id;
    }
    h->off[++h->n_w] = (uint32_t)h->n_e;
    return 0;
}

int osm_min_cut(osm_query *q, osm_id x, osm_id member, const osm_qopts *o, osm_cut **cuts,
                size_t *n, bool *exact)
{
    static const osm_qopts dflt;
    osm_qopts ow = *(o ? o : &dflt);
    ow.why = true;
    *cuts = NULL;
    *n = 0;
    *exact = true;
    if (member >= q->n || q->g->kind[member] != OSM_PD || member == x) {
        errno = EINVAL;
        return -1;
    }
    cut_tab t = { 0 };
    hs h = { .off = malloc((MAX_WITNESSES + 2) * sizeof *h.off) };
    osm_cut buf[256];
    int rc = -1;
    if (!h.off || hs_grow(&h, 256) < 0)
        goto out;
    h.off[0] = 0;
    for (;;) {
        for (size_t c = 0; c < h.n_chosen; c++)
            if (q_cut_try(q, &t.v[h.chosen[c]]) < 0)
                goto out;
        long ne = member_chain(q, x, member, &ow, buf, 256);
        q_cut_undo(q);
        if (ne < 0)
            goto out;
        if (ne == 0)
            break;          /* the chosen set removes the member */
        if (h.n_w == MAX_WITNESSES) {
            /* Past the limit: keep the set and add the first element of
             * each new chain until the member goes (an upper bound). */
            *exact = false;
            long id = cut_tab_get(&t, &buf[0]);
            if (id < 0 || hs_grow(&h, t.n + 1) < 0)
                goto out;
            hs_push(&h, (uint32_t)id);
            continue;
        }
        if (hs_add_chain(&h, &t, buf, ne) < 0)
            goto out;
        /* The minimum never shrinks as chains are added: search from the
         * current size (greedy sets may be larger than the minimum). */
        size_t from = *exact ? h.n_chosen : 0;
        if (hs_solve(&h, from, t.n, exact) < 0)
            goto out;
    }
    if (h.n_w == 0) {
        rc = 1;     /* not a member at all */
        goto out;
    }
    *cuts = malloc((h.n_chosen + 1) * sizeof **cuts);
    if (!*cuts)
        goto out;
    for (size_t c = 0; c < h.n_chosen; c++)
        (*cuts)[c] = t.v[h.chosen[c]];
    *n = h.n_chosen;
    for (size_t i = 1; i < *n; i++)     /* few elements: insertion sort by spec */
        for (size_t k = i; k > 0 && cmp_cut_spec(q, &(*cuts)[k - 1], &(*cuts)[k]) > 0; k--) {
            osm_cut tmp = (*cuts)[k];
            (*cuts)[k] = (*cuts)[k - 1];
            (*cuts)[k - 1] = tmp;
        }
    rc = 0;
out:
    if (rc < 0)
        errno = ENOMEM;
    free(h.off);
    free(h.elems);
    free(h.chosen);
    free(h.in_set);
    free(h.mark);
    cut_tab_free(&t);
    return rc;
}
