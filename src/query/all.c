/*
 * TCB and impact boundary for every PD at once (MODEL.md §4).
 *
 * One forward walk per PD (never one per pair) yields R(p) and Spaces(p);
 * inverted indexes (resource -> PDs that reach it, space -> PDs that use
 * it) then answer SharedResources and SharedResourceSpaces for every x by
 * a join.  Resources reached by the same PDs share one interned PD list, so
 * a PD that reaches thousands of frames shared with the same few PDs pays
 * for that list once.  The impact boundary is the transpose.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"


/* A growable CSR: row i is v[off[i] .. off[i + 1]). */
typedef struct csr { size_t *off; osm_id *v; size_t n, cap; } csr;

static int csr_push(csr *c, osm_id x)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 1024;
        osm_id *nv = realloc(c->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        c->v = nv;
        c->cap = nc;
    }
    c->v[c->n++] = x;
    return 0;
}

static void csr_free(csr *c) { free(c->off); free(c->v); }

/* Invert `rows` (row i = PD pds[i]) into node -> PD lists, CSR over nodes. */
static int csr_invert(const csr *rows, const osm_id *pds, size_t np, uint32_t n, csr *inv)
{
    memset(inv, 0, sizeof *inv);
    inv->off = calloc((size_t)n + 2, sizeof *inv->off);
    inv->v = malloc((rows->n + 1) * sizeof *inv->v);
    if (!inv->off || !inv->v)
        return -1;
    for (size_t k = 0; k < rows->n; k++)
        inv->off[rows->v[k] + 2]++;
    for (uint32_t v = 0; v < n; v++)
        inv->off[v + 2] += inv->off[v + 1];
    for (size_t i = 0; i < np; i++)
        for (size_t k = rows->off[i]; k < rows->off[i + 1]; k++)
            inv->v[inv->off[rows->v[k] + 1]++] = pds[i];
    inv->n = rows->n;
    return 0;
}

/* Give every node a canonical id for its PD list in `inv` (equal lists, equal
 * id) so joins can skip lists already taken.  canon[v] = node whose list
 * is canonical. */
static int intern_lists(const csr *inv, uint32_t n, osm_id *canon)
{
    size_t cap = 1024;
    while (cap < (size_t)n * 2)
        cap *= 2;
    osm_id *tab = malloc(cap * sizeof *tab);
    if (!tab)
        return -1;
    memset(tab, 0xff, cap * sizeof *tab);
    for (uint32_t v = 0; v < n; v++) {
        size_t a = inv->off[v], len = inv->off[v + 1] - a;
        canon[v] = v;
        if (len == 0)
            continue;
        uint64_t h = 1469598103934665603ull ^ len;
        for (size_t k = 0; k < len; k++)
            h = (h ^ inv->v[a + k]) * 1099511628211ull;
        for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
            osm_id u = tab[i];
            if (u == OSM_NONE) {
                tab[i] = v;
                break;
            }
            size_t b = inv->off[u];
            if (inv->off[u + 1] - b == len && !memcmp(&inv->v[a], &inv->v[b], len * sizeof *inv->v)) {
                canon[v] = u;
                break;
            }
        }
    }
    free(tab);
    return 0;
}

typedef struct allctx {
    osm_query *q;
    const osm_snapshot *g;
    const osm_qopts *o;
    osm_id *pds;
    size_t np;
    csr rx, rm, sx, sxall;      /* per PD (position): R(p, ANY), R(p, mode), Spaces */
    csr held;                   /* per PD: the spaces it HOLDs */
    csr hm, su, sh;             /* inverted: resource -> PDs (mode), space -> PDs
                                 * using it, space -> PDs holding it */
    osm_id *canon;
    qset *mem;
    osm_member *cur;            /* members of the current x */
    size_t n_cur, cap_cur;
} allctx;

/* Record p's rows: typed resources reached in `mode` into `res`, and (for
 * ANY) Spaces(p, types) / Spaces(p, all). */
static int rows_of(allctx *a, osm_id p, uint8_t mode, csr *res, bool spaces)
{
    const osm_snapshot *g = a->g;
    const osm_typeset *ts = a->o->types;
    qset *w = q_set(a->q, 0, false);
    if (!w)
        return -1;
    qwalk wk = { E_HOLD | E_MAP, OSM_DIR_FWD, mode, K_RES | K_SPACE, K_RES | K_SPACE,
                 OSM_DEPTH_INF, false };
    q_walk(a->q, &wk, &p, 1, w);
    for (size_t k = 1; k < w->n; k++) {
        osm_id r = w->v[k];
        if (g->kind[r] == OSM_RESOURCE && q_res_type_ok(ts, g->data[r]) && csr_push(res, r) < 0)
            return -1;
    }
    if (!spaces)
        return 0;
    for (int pass = 0; pass < (ts ? 2 : 1); pass++) {
        const osm_typeset *t = pass ? NULL : ts;
        csr *dst = pass ? &a->sxall : &a->sx;
        qset *s = q_set(a->q, 1, false);
        if (!s)
            return -1;
        for (uint32_t i = g->out_off[p]; i < g->out_off[p + 1]; i++) {
            osm_id v = g->out[i].node;
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[v] == OSM_SPACE &&
                q_space_type_ok(t, g->data[v]))
                qset_add(s, v);
        }
        for (size_t k = 1; k < w->n; k++) {
            osm_id r = w->v[k];
            if (g->kind[r] != OSM_RESOURCE || !q_res_type_ok(t, g->data[r]))
                continue;
            for (uint32_t i = g->out_off[r]; i < g->out_off[r + 1]; i++)
                if (OSM_ADJ_KIND(g->out[i].info) == OSM_SUBSET && g->kind[g->out[i].node] == OSM_SPACE)
                    qset_add(s, g->out[i].node);
        }
        for (size_t k = 0; k < s->n; k++)
            if (csr_push(dst, s->v[k]) < 0)
                return -1;
    }
    return 0;
}

static int add(allctx *a, osm_id x, osm_id p, uint32_t comp, osm_id via)
{
    if (p == x)
        return 0;
    if (qset_has(a->mem, p)) {
        a->cur[a->q->slot[p]].comps |= comp;
        return 0;
    }
    if (a->n_cur == a->cap_cur) {
        size_t nc = a->cap_cur ? a->cap_cur * 2 : 64;
        osm_member *nv = realloc(a->cur, nc * sizeof *nv);
        if (!nv)
            return -1;
        a->cur = nv;
        a->cap_cur = nc;
    }
    qset_add(a->mem, p);
    a->q->slot[p] = (uint32_t)a->n_cur;
    a->cur[a->n_cur++] = (osm_member){ p, comp, comp, via, 0, 0 };
    return 0;
}

/* Every PD holding a space of `v[0..n)` joins `comp`.  Uses the holder
 * index: a physical-memory space has millions of SUBSET in-edges to skip. */
static int holders(allctx *a, osm_id x, const osm_id *v, size_t n, uint32_t comp)
{
    for (size_t k = 0; k < n; k++)
        for (size_t j = a->sh.off[v[k]]; j < a->sh.off[v[k] + 1]; j++)
            if (add(a, x, a->sh.v[j], comp, v[k]) < 0)
                return -1;
    return 0;
}

/* A REQUEST walk from x's REQUEST targets (chains of two or more). */
static int request_walk(allctx *a, osm_id x, uint32_t comp)
{
    const osm_snapshot *g = a->g;
    qset *w = q_set(a->q, 4, false), *src = q_set(a->q, 6, false);
    if (!w || !src)
        return -1;
    for (uint32_t i = g->out_off[x]; i < g->out_off[x + 1]; i++)
        if (OSM_ADJ_KIND(g->out[i].info) == OSM_REQUEST && g->kind[g->out[i].node] == OSM_PD)
            qset_add(src, g->out[i].node);
    qwalk wk = { E_REQ, OSM_DIR_FWD, 0, K_PD, K_PD, OSM_DEPTH_INF, true };
    q_walk(a->q, &wk, src->v, src->n, w);
    for (size_t k = 0; k < w->n; k++)
        if (add(a, x, w->v[k], comp, OSM_NONE) < 0)
            return -1;
    return 0;
}

/* x's controllers in `mode`: one backward control walk (its first hop in
 * `mode`, the rest W), never one per pair. */
static int controllers(allctx *a, osm_id x, uint8_t mode)
{
    qset *w = q_set(a->q, 4, false);
    if (!w)
        return -1;
    q_control_walk(a->q, x, OSM_DIR_BACK, mode, w, NULL);
    for (size_t k = 0; k < w->n; k++)
        if (add(a, x, w->v[k], OSM_COMP_CAN_CONTROL, OSM_NONE) < 0)
            return -1;
    return 0;
}

/* TCB_P(x) into a->cur, from the indexes. */
static int tcb_of(allctx *a, size_t i)
{
    const osm_snapshot *g = a->g;
    osm_id x = a->pds[i];
    bool full = a->o->property == OSM_PROP_A;
    a->n_cur = 0;
    if (!(a->mem = q_set(a->q, 5, false)))
        return -1;
    qset *seen = q_set(a->q, 3, false);    /* canonical lists taken */
    if (!seen)
        return -1;
    for (size_t k = a->rx.off[i]; k < a->rx.off[i + 1]; k++) {
        osm_id r = a->rx.v[k], c = a->canon[r];
        if (!qset_add(seen, c))
            continue;
        for (size_t j = a->hm.off[r]; j < a->hm.off[r + 1]; j++)
            if (add(a, x, a->hm.v[j], OSM_COMP_SHARED_RESOURCES, r) < 0)
                return -1;
    }
    if (full)
        for (size_t k = a->sx.off[i]; k < a->sx.off[i + 1]; k++) {
            osm_id s = a->sx.v[k];
            for (size_t j = a->su.off[s]; j < a->su.off[s + 1]; j++)
                if (add(a, x, a->su.v[j], OSM_COMP_SHARED_SPACES, s) < 0)
                    return -1;
        }
    const csr *sa = a->o->types ? &a->sxall : &a->sx;
    if (holders(a, x, &sa->v[sa->off[i]], sa->off[i + 1] - sa->off[i], OSM_COMP_SERVERS) < 0)
        return -1;
    for (uint32_t k = g->out_off[x]; k < g->out_off[x + 1]; k++)
        if (OSM_ADJ_KIND(g->out[k].info) == OSM_REQUEST && g->kind[g->out[k].node] == OSM_PD &&
            add(a, x, g->out[k].node, OSM_COMP_SERVERS, OSM_NONE) < 0)
            return -1;
    if (full) {
        qset *mw = q_set(a->q, 7, false);
        if (!mw)
            return -1;
        qwalk wk = { E_MAP, OSM_DIR_FWD, 0, K_SPACE, K_SPACE, OSM_DEPTH_INF, true };
        q_walk(a->q, &wk, &sa->v[sa->off[i]], sa->off[i + 1] - sa->off[i], mw);
        if (holders(a, x, mw->v, mw->n, OSM_COMP_INDIRECT_SERVERS) < 0 ||
            request_walk(a, x, OSM_COMP_INDIRECT_SERVERS) < 0)
            return -1;
    }
    return controllers(a, x, q_control_mode(a->o));
}

/* Sort the current members by string ID through their rank in the sorted
 * PD list: a sweep over the ranks, O(n_pds), beats n log n strcmp calls
 * when (as with a shared physical memory) every PD is in every TCB. */
static int sort_by_rank(allctx *a, const uint32_t *pos, uint32_t *rank_slot)
{
    if (a->n_cur < 4) {
        q_members_sort(a->q, a->cur, a->n_cur);
        return 0;
    }
    osm_member *tmp = malloc(a->n_cur * sizeof *tmp);
    if (!tmp)
        return -1;
    for (size_t k = 0; k < a->n_cur; k++)
        rank_slot[pos[a->cur[k].pd]] = (uint32_t)k + 1;
    size_t m = 0;
    for (size_t r = 0; r < a->np; r++)
        if (rank_slot[r]) {
            tmp[m++] = a->cur[rank_slot[r] - 1];
            rank_slot[r] = 0;
        }
    memcpy(a->cur, tmp, m * sizeof *tmp);
    free(tmp);
    return 0;
}

/* Build the per-PD rows and the inverted indexes. */
static int build_index(allctx *a)
{
    uint8_t mode = a->o->property == OSM_PROP_I ? OSM_PERM_W
                 : a->o->property == OSM_PROP_C ? OSM_PERM_R : a->o->mode;
    const osm_snapshot *g = a->g;
    csr *rows[] = { &a->rx, &a->rm, &a->sx, &a->sxall, &a->held };
    for (int k = 0; k < 5; k++)
        if (!(rows[k]->off = calloc(a->np + 1, sizeof(size_t))))
            return -1;
    for (size_t i = 0; i < a->np; i++) {
        if (rows_of(a, a->pds[i], 0, &a->rx, true) < 0 ||
            (mode && rows_of(a, a->pds[i], mode, &a->rm, false) < 0))
            return -1;
        a->rx.off[i + 1] = a->rx.n;
        a->rm.off[i + 1] = a->rm.n;
        a->sx.off[i + 1] = a->sx.n;
        a->sxall.off[i + 1] = a->sxall.n;
        osm_id p = a->pds[i];
        for (uint32_t k = g->out_off[p]; k < g->out_off[p + 1]; k++)
            if (OSM_ADJ_KIND(g->out[k].info) == OSM_HOLD && g->kind[g->out[k].node] == OSM_SPACE &&
                csr_push(&a->held, g->out[k].node) < 0)
                return -1;
        a->held.off[i + 1] = a->held.n;
    }
    a->canon = malloc(((size_t)a->q->n + 1) * sizeof *a->canon);
    if (!a->canon || csr_invert(mode ? &a->rm : &a->rx, a->pds, a->np, a->q->n, &a->hm) < 0 ||
        csr_invert(&a->sx, a->pds, a->np, a->q->n, &a->su) < 0 ||
        csr_invert(&a->held, a->pds, a->np, a->q->n, &a->sh) < 0)
        return -1;
    return intern_lists(&a->hm, a->q->n, a->canon);
}

/* Transpose tcb lists into ib lists; pos[] maps a PD to its position. */
static int transpose(osm_query *q, osm_all *r, const uint32_t *pos)
{
    r->ib_off = calloc(r->n_pds + 2, sizeof *r->ib_off);
    r->ib = malloc((r->tcb_off[r->n_pds] + 1) * sizeof *r->ib);
    if (!r->ib_off || !r->ib)
        return -1;
    size_t m = r->tcb_off[r->n_pds];
    for (size_t k = 0; k < m; k++)
        r->ib_off[pos[r->tcb[k].pd] + 2]++;
    for (size_t i = 0; i < r->n_pds; i++)
        r->ib_off[i + 2] += r->ib_off[i + 1];
    for (size_t i = 0; i < r->n_pds; i++)
        for (size_t k = r->tcb_off[i]; k < r->tcb_off[i + 1]; k++) {
            osm_member e = r->tcb[k];
            size_t at = r->ib_off[pos[e.pd] + 1]++;
            e.pd = r->pds[i];
            r->ib[at] = e;
        }
    /* Rows were filled in sorted x order, so they are sorted already. */
    (void)q;
    return 0;
}

int osm_query_all(osm_query *q, const osm_qopts *o, bool with_ib, osm_all *out)
{
    static const osm_qopts dflt;
    memset(out, 0, sizeof *out);
    allctx a = { .q = q, .g = q->g, .o = o ? o : &dflt };
    const osm_snapshot *g = q->g;
    uint32_t *pos = NULL, *rank_slot = NULL;
    int rc = -1;
    if (!q->slot && !(q->slot = malloc((q->n + 1) * sizeof *q->slot)))
        return -1;
    a.pds = malloc(((size_t)q->n + 1) * sizeof *a.pds);
    pos = malloc(((size_t)q->n + 1) * sizeof *pos);
    rank_slot = calloc((size_t)q->n + 1, sizeof *rank_slot);
    if (!a.pds || !pos || !rank_slot)
        goto done;
    for (osm_id v = 0; v < q->n; v++)
        if (g->kind[v] == OSM_PD)
            a.pds[a.np++] = v;
    q_ids_sort(g->store, a.pds, a.np);
    for (size_t i = 0; i < a.np; i++)
        pos[a.pds[i]] = (uint32_t)i;
    if (build_index(&a) < 0)
        goto done;
    out->n_pds = a.np;
    out->pds = a.pds;
    a.pds = NULL;
    out->tcb_off = calloc(a.np + 1, sizeof *out->tcb_off);
    if (!out->tcb_off)
        goto done;
    size_t cap = 0, n = 0;
    a.pds = out->pds;
    for (size_t i = 0; i < a.np; i++) {
        if (tcb_of(&a, i) < 0 || sort_by_rank(&a, pos, rank_slot) < 0)
            goto done;
        if (n + a.n_cur > cap) {
            size_t nc = cap ? cap : 1024;
            while (nc < n + a.n_cur)
                nc *= 2;
            osm_member *nv = realloc(out->tcb, nc * sizeof *nv);
            if (!nv)
                goto done;
            out->tcb = nv;
            cap = nc;
        }
        if (a.n_cur)
            memcpy(&out->tcb[n], a.cur, a.n_cur * sizeof *a.cur);
        n += a.n_cur;
        out->tcb_off[i + 1] = n;
    }
    a.pds = NULL;
    rc = with_ib ? transpose(q, out, pos) : 0;
done:
    free(a.pds);
    free(pos);
    free(rank_slot);
    free(a.cur);
    free(a.canon);
    csr_free(&a.rx), csr_free(&a.rm), csr_free(&a.sx), csr_free(&a.sxall);
    csr_free(&a.held), csr_free(&a.hm), csr_free(&a.su), csr_free(&a.sh);
    if (rc < 0) {
        osm_all_free(out);
        errno = ENOMEM;
    }
    return rc;
}

void osm_all_free(osm_all *a)
{
    free(a->pds);
    free(a->tcb_off);
    free(a->tcb);
    free(a->ib_off);
    free(a->ib);
    memset(a, 0, sizeof *a);
}
