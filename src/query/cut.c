/*
 * Cuts: what the graph looks like without some edges or nodes, and the
 * natural ID order.
 *
 * A cut marks CSR entries of the snapshot (both the out-entry and its
 * mirrored in-entry), so every walk skips them without copying the graph;
 * harden applies and clears thousands of cuts per query this way.  A node
 * cut marks every entry touching the node: with no edge left, a node takes
 * part in no answer, which is what removing it means to every query.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_internal.h"

/* ---- natural order ------------------------------------------------------- */

int osm_id_natural_cmp(const char *a, const char *b)
{
    const char *pa = a, *pb = b;
    while (*pa && *pb) {
        if (isdigit((unsigned char)*pa) && isdigit((unsigned char)*pb)) {
            /* Compare the runs as numbers: skip leading zeros, then the
             * longer run is larger, then digit by digit. */
            while (*pa == '0' && isdigit((unsigned char)pa[1]))
                pa++;
            while (*pb == '0' && isdigit((unsigned char)pb[1]))
                pb++;
            size_t la = 0, lb = 0;
            while (isdigit((unsigned char)pa[la]))
                la++;
            while (isdigit((unsigned char)pb[lb]))
                lb++;
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = memcmp(pa, pb, la);
            if (c)
                return c;
            pa += la;
            pb += lb;
            continue;
        }
        if (*pa != *pb)
            return (unsigned char)*pa < (unsigned char)*pb ? -1 : 1;
        pa++;
        pb++;
    }
    if (*pa || *pb)
        return *pa ? 1 : -1;
    return strcmp(a, b);    /* equal as numbers ("07" vs "7"): stay total */
}

/* ---- parsing ---------------------------------------------------------------- */

/* Look up a node named in a spec; -1 with a message when absent. */
static int find_node(const osm_query *q, const char *id, size_t len, osm_id *out, char *err,
                     size_t errlen)
{
    *out = osm_store_find_n(q->g->store, id, len);
    if (*out == OSM_NONE || *out >= q->n) {
        snprintf(err, errlen, "no node '%.*s' in the state", (int)len, id);
        return -1;
    }
    return 0;
}

/* "A>B" into two nodes. */
static int parse_pair(const osm_query *q, const char *arg, osm_id *a, osm_id *b, char *err,
                      size_t errlen)
{
    const char *gt = strchr(arg, '>');
    if (!gt || gt == arg || !gt[1]) {
        snprintf(err, errlen, "'%s' is not FROM>TO", arg);
        return -1;
    }
    if (find_node(q, arg, (size_t)(gt - arg), a, err, errlen) < 0)
        return -1;
    return find_node(q, gt + 1, strlen(gt + 1), b, err, errlen);
}

int osm_cut_parse(const osm_query *q, const char *spec, osm_cut *out, char *err, size_t errlen)
{
    const osm_snapshot *g = q->g;
    *out = (osm_cut){ OSM_CUT_NODE, OSM_NONE, OSM_NONE };
    const char *colon = strchr(spec, ':');
    if (!colon || !colon[1]) {
        snprintf(err, errlen, "bad cut '%s' (node:ID, edge:FROM>TO, control:PD, control:A>B, "
                              "type:T or kind:K)", spec);
        return -1;
    }
    size_t kl = (size_t)(colon - spec);
    const char *arg = colon + 1;
    if (kl == 4 && !strncmp(spec, "node", 4)) {
        out->kind = OSM_CUT_NODE;
        return find_node(q, arg, strlen(arg), &out->a, err, errlen);
    }
    if (kl == 4 && !strncmp(spec, "edge", 4)) {
        out->kind = OSM_CUT_EDGE;
        return parse_pair(q, arg, &out->a, &out->b, err, errlen);
    }
    if (kl == 7 && !strncmp(spec, "control", 7)) {
        out->kind = OSM_CUT_CONTROL;
        int rc = strchr(arg, '>') ? parse_pair(q, arg, &out->a, &out->b, err, errlen)
                                  : find_node(q, arg, strlen(arg), &out->a, err, errlen);
        if (rc < 0)
            return -1;
        if (g->kind[out->a] != OSM_PD || (out->b != OSM_NONE && g->kind[out->b] != OSM_PD)) {
            snprintf(err, errlen, "control cut '%s' must name PDs", spec);
            return -1;
        }
        return 0;
    }
    if (kl == 4 && !strncmp(spec, "type", 4)) {
        out->kind = OSM_CUT_TYPE;
        out->a = osm_store_type_lookup(g->store, arg);
        if (out->a == OSM_NONE || !osm_query_type_present(q, out->a)) {
            snprintf(err, errlen, "type '%s' appears nowhere in the state", arg);
            return -1;
        }
        return 0;
    }
    if (kl == 4 && !strncmp(spec, "kind", 4)) {
        out->kind = OSM_CUT_KIND;
        int k = osm_edge_kind_parse(arg, strlen(arg));
        if (k < 0) {
            snprintf(err, errlen, "unknown edge kind '%s' (HOLD, MAP, SUBSET, REQUEST)", arg);
            return -1;
        }
        out->a = (osm_id)k;
        return 0;
    }
    snprintf(err, errlen, "unknown cut kind '%.*s' (node, edge, control, type or kind)", (int)kl,
             spec);
    return -1;
}

char *osm_cut_format(const osm_query *q, const osm_cut *c)
{
    const osm_store *s = q->g->store;
    char *buf = NULL;
    int r = -1;
    switch (c->kind) {
    case OSM_CUT_NODE: r = asprintf(&buf, "node:%s", osm_node_id(s, c->a)); break;
    case OSM_CUT_EDGE:
        r = asprintf(&buf, "edge:%s>%s", osm_node_id(s, c->a), osm_node_id(s, c->b));
        break;
    case OSM_CUT_CONTROL:
        r = c->b == OSM_NONE ? asprintf(&buf, "control:%s", osm_node_id(s, c->a))
                             : asprintf(&buf, "control:%s>%s", osm_node_id(s, c->a),
                                        osm_node_id(s, c->b));
        break;
    case OSM_CUT_TYPE: r = asprintf(&buf, "type:%s", osm_store_type_name(s, c->a)); break;
    case OSM_CUT_KIND:
        r = asprintf(&buf, "kind:%s", osm_edge_kind_name((osm_edge_kind)c->a));
        break;
    }
    return r < 0 ? NULL : buf;
}

/* ---- applying ------------------------------------------------------------------ */

static int cut_arrays(osm_query *q)
{
    if (q->cut_out)
        return 0;
    q->cut_out = calloc(q->g->n_edges + 1, 1);
    q->cut_in = calloc(q->g->n_edges + 1, 1);
    if (!q->cut_out || !q->cut_in) {
        free(q->cut_out);
        free(q->cut_in);
        q->cut_out = q->cut_in = NULL;
        return -1;
    }
    return 0;
}

/* Mark out-entry i of u and its mirrored in-entries; returns 1 if new. */
static long mark_out(osm_query *q, osm_id u, uint32_t i)
{
    const osm_snapshot *g = q->g;
    if (q->cut_out[i])
        return 0;
    q->cut_out[i] = 1;
    osm_id v = g->out[i].node;
    uint32_t info = g->out[i].info, mirror = UINT32_MAX;
    /* Parallel identical edges: mark one mirror per out-entry. */
    for (uint32_t k = g->in_off[v]; k < g->in_off[v + 1]; k++)
        if (g->in[k].node == u && g->in[k].info == info && !q->cut_in[k]) {
            q->cut_in[k] = 1;
            mirror = k;
            break;
        }
    q->n_cut++;
    if (q->cut_logging) {
        if (q->n_cut_log + 2 > q->cap_cut_log) {
            size_t nc = q->cap_cut_log ? q->cap_cut_log * 2 : 256;
            uint32_t *nv = realloc(q->cut_log, nc * sizeof *nv);
            if (!nv) {
                q->cut_log_oom = true;
                return 1;
            }
            q->cut_log = nv;
            q->cap_cut_log = nc;
        }
        q->cut_log[q->n_cut_log++] = i;
        q->cut_log[q->n_cut_log++] = mirror;
    }
    return 1;
}

/* Mark every edge u -> v (any kind when kind_mask is all ones). */
static long mark_edges(osm_query *q, osm_id u, osm_id v, uint32_t kind_mask)
{
    const osm_snapshot *g = q->g;
    long n = 0;
    for (uint32_t i = g->out_off[u]; i < g->out_off[u + 1]; i++)
        if ((v == OSM_NONE || g->out[i].node == v) && (kind_mask >> OSM_ADJ_KIND(g->out[i].info) & 1))
            n += mark_out(q, u, i);
    return n;
}

static long mark_node(osm_query *q, osm_id v)
{
    const osm_snapshot *g = q->g;
    long n = mark_edges(q, v, OSM_NONE, ~0u);
    for (uint32_t k = g->in_off[v]; k < g->in_off[v + 1]; k++)
        n += mark_edges(q, g->in[k].node, v, 1u << OSM_ADJ_KIND(g->in[k].info));
    return n;
}

long osm_cut_apply(osm_query *q, const osm_cut *c)
{
    const osm_snapshot *g = q->g;
    if (cut_arrays(q) < 0)
        return -1;
    long n = 0;
    switch (c->kind) {
    case OSM_CUT_NODE: n = mark_node(q, c->a); break;
    case OSM_CUT_EDGE: n = mark_edges(q, c->a, c->b, ~0u); break;
    case OSM_CUT_CONTROL:
        for (uint32_t i = g->out_off[c->a]; i < g->out_off[c->a + 1]; i++) {
            osm_id v = g->out[i].node;
            if (OSM_ADJ_KIND(g->out[i].info) == OSM_HOLD && g->kind[v] == OSM_PD &&
                (c->b == OSM_NONE || v == c->b))
                n += mark_out(q, c->a, i);
        }
        break;
    case OSM_CUT_TYPE:
        for (uint32_t v = 0; v < g->n_nodes; v++)
            if ((g->kind[v] == OSM_RESOURCE || g->kind[v] == OSM_SPACE) && g->data[v] == c->a)
                n += mark_node(q, v);
        break;
    case OSM_CUT_KIND:
        for (uint32_t u = 0; u < g->n_nodes; u++)
            n += mark_edges(q, u, OSM_NONE, 1u << c->a);
        break;
    }
    return n;
}

void osm_cut_clear(osm_query *q)
{
    q->n_cut_log = 0;
    if (q->cut_out && q->n_cut) {
        memset(q->cut_out, 0, q->g->n_edges + 1);
        memset(q->cut_in, 0, q->g->n_edges + 1);
    }
    q->n_cut = 0;
}

bool osm_cut_node_removed(const osm_query *q, osm_id v)
{
    const osm_snapshot *g = q->g;
    if (!q->cut_out || v >= q->n)
        return false;
    uint32_t deg = 0;
    for (uint32_t i = g->out_off[v]; i < g->out_off[v + 1]; i++, deg++)
        if (!q->cut_out[i])
            return false;
    for (uint32_t i = g->in_off[v]; i < g->in_off[v + 1]; i++, deg++)
        if (!q->cut_in[i])
            return false;
    return deg > 0;
}

/* ---- tentative cuts (harden) ---------------------------------------------------- */

void q_cut_undo(osm_query *q)
{
    for (size_t k = 0; k + 1 < q->n_cut_log; k += 2) {
        q->cut_out[q->cut_log[k]] = 0;
        if (q->cut_log[k + 1] != UINT32_MAX)
            q->cut_in[q->cut_log[k + 1]] = 0;
        q->n_cut--;
    }
    q->n_cut_log = 0;
}

int q_cut_try(osm_query *q, const osm_cut *c)
{
    q->cut_logging = true;
    q->cut_log_oom = false;
    long n = osm_cut_apply(q, c);
    q->cut_logging = false;
    if (n < 0 || q->cut_log_oom) {
        /* An unlogged mark cannot be taken back: drop every cut. */
        q->n_cut_log = 0;
        osm_cut_clear(q);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}
