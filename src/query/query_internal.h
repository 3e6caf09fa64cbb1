/*
 * Internals of the query engine, shared by the src/query files only.
 *
 * Every walk runs over the snapshot's CSR arrays and records what it visits
 * in a qset: a generation-stamped membership array (reset in O(1)) plus the
 * visit list, which doubles as the BFS queue, so levels are contiguous
 * ranges of it.  Parent records are kept only when a chain ("why") is
 * wanted.  A context owns a small pool of qsets reused by every query.
 */
#ifndef OSM_QUERY_INTERNAL_H
#define OSM_QUERY_INTERNAL_H

#include <osmosis/osmosis.h>

/* How a node was first reached: from node `from` by an edge (`info`, `back`
 * = the edge points from this node to `from`), `depth` edges from a source. */
typedef struct qpar {
    osm_id from;
    uint32_t info;
    uint32_t depth : 31;
    uint32_t back : 1;
} qpar;

typedef struct qset {
    uint32_t *stamp;    /* [n_nodes]; member when == gen */
    uint32_t gen;
    osm_id *v;          /* members in visit order */
    size_t n;
    qpar *par;          /* [n_nodes] or NULL */
} qset;

#define Q_NSETS 8

struct osm_query {
    const osm_snapshot *g;
    osm_snapshot *owned;
    uint32_t n;                 /* node bound */
    qset sets[Q_NSETS];
    uint32_t *slot;             /* [n] member index of a PD in the answer */
    uint8_t *type_present;      /* [n_types] 1 = a resource has it, 2 = a space has it */
    size_t n_types;
    osm_id t_ads, t_vmr;
    /* FR: flattened REQUEST adjacency (built on first use). */
    uint32_t *fr_off;           /* [n + 1] */
    osm_adj *fr_adj;
    osm_id *fr_maps_off;        /* [n_types + 1] */
    osm_id *fr_maps;            /* types each space type maps to */
    /* Cuts (what-if, harden): CSR entries removed from every single-PD
     * walk; parallel to g->out / g->in.  NULL = nothing cut. */
    uint8_t *cut_out, *cut_in;
    size_t n_cut;               /* entries marked, so clearing is cheap to skip */
    /* While `cut_logging`, every newly marked entry is logged as a pair
     * (out index, in index) so q_cut_undo can take exactly that back. */
    bool cut_logging;
    uint32_t *cut_log;
    size_t n_cut_log, cap_cut_log;
    bool cut_log_oom;
};

/* Is out-entry / in-entry i of the snapshot removed by a cut? */
static inline bool q_cut_out(const osm_query *q, uint32_t i)
{
    return q->cut_out && q->cut_out[i];
}
static inline bool q_cut_in(const osm_query *q, uint32_t i)
{
    return q->cut_in && q->cut_in[i];
}

static inline bool qset_has(const qset *s, osm_id v) { return s->stamp[v] == s->gen; }

/* Add v (not yet a member); returns false if it already was one. */
static inline bool qset_add(qset *s, osm_id v)
{
    if (s->stamp[v] == s->gen)
        return false;
    s->stamp[v] = s->gen;
    s->v[s->n++] = v;
    return true;
}

/* Borrow set `i` from the pool, emptied; with parents when `par`.  NULL on
 * ENOMEM. */
qset *q_set(osm_query *q, int i, bool par);

/* What a walk follows. */
typedef struct qwalk {
    uint32_t edges;     /* OSM_EDGE_BIT mask */
    int dir;            /* OSM_DIR_* */
    uint8_t mode;       /* 0 = ANY */
    uint32_t enter;     /* OSM_KIND_BIT of nodes that may be reached */
    uint32_t expand;    /* OSM_KIND_BIT of reached nodes that are expanded */
    uint32_t depth;     /* max edges from a source */
    bool plus;          /* paths of >= 1 edge: sources are not members unless
                         * reached again */
} qwalk;

/* Is an edge with packed `info` followed in `mode`? */
static inline bool q_perm_ok(uint32_t info, uint8_t mode)
{
    uint32_t p = OSM_ADJ_PERMS(info) & OSM_PERM_RWXT;
    return mode == 0 || p == 0 || (p & mode) == mode;
}

/* BFS from the sources into `vis` (emptied by the caller).  Sources are
 * always expanded.  Unless w->plus they are members with depth 0. */
void q_walk(osm_query *q, const qwalk *w, const osm_id *src, size_t nsrc, qset *vis);

/* Control chains (docs/query.md, choice 5): the PDs p != x, or x itself
 * when a chain returns to it, with a chain of PD->PD HOLD edges from p to x
 * (dir OSM_DIR_BACK: x's controllers) or from x to p (OSM_DIR_FWD: whom x
 * controls) whose edge at the controlled end carries `mode` (0 = any edge)
 * and every earlier edge W: a PD continues a chain only through a PD it can
 * act as (ptrace-like), a signal-only or read-only edge ends it.  One walk
 * per call, never one per pair.  Members go to `vis` (emptied by the
 * caller, parents recorded if it has them); `tmp` (emptied, with parents
 * when `vis` has them) holds the W hops of a forward walk, unused backward. */
void q_control_walk(osm_query *q, osm_id x, int dir, uint8_t mode, qset *vis, qset *tmp);
/* Append the chain from x to member p of a q_control_walk (x first). */
int q_control_emit(osm_members *m, const qset *vis, const qset *tmp, int dir, osm_id p);

/* Append to `m` the chain from the walk's source to v, as recorded in
 * vis->par (source first).  `skip_first` drops the source step.  -1 on
 * ENOMEM. */
int q_emit_path(osm_members *m, const qset *vis, osm_id v, bool skip_first);
/* The source a recorded path to v starts from. */
osm_id q_path_source(const qset *vis, osm_id v);
/* Append one step; -1 on ENOMEM. */
int q_emit_step(osm_members *m, osm_id node, uint32_t info, bool back);

/* Type filter tests (NULL typeset = all). */
static inline bool q_res_type_ok(const osm_typeset *t, osm_id type)
{
    return !t || (type < t->n && t->res[type]);
}
static inline bool q_space_type_ok(const osm_typeset *t, osm_id type)
{
    return !t || (type < t->n && t->space[type]);
}

/* Sort members by PD string ID. */
void q_members_sort(const osm_query *q, osm_member *v, size_t n);
/* Sort node indices by string ID. */
void q_ids_sort(const osm_store *s, osm_id *v, size_t n);
/* The SUBSET edge info of resource r to space s, or 0. */
uint32_t q_subset_info(const osm_snapshot *g, osm_id r);

/* The access mode of shared resources and of control chains in a view
 * (MODEL.md §4: I = W, C = R; A uses the asked mode / any chain). */
static inline uint8_t q_sr_mode(const osm_qopts *o)
{
    return o->property == OSM_PROP_I ? OSM_PERM_W
         : o->property == OSM_PROP_C ? OSM_PERM_R : o->mode;
}
static inline uint8_t q_control_mode(const osm_qopts *o)
{
    return o->property == OSM_PROP_I ? OSM_PERM_W
         : o->property == OSM_PROP_C ? OSM_PERM_R : 0;
}
/* The components whose union is TCB_P. */
static inline uint32_t q_property_comps(osm_property p)
{
    return p == OSM_PROP_A ? OSM_COMP_TCB
         : OSM_COMP_SHARED_RESOURCES | OSM_COMP_SERVERS | OSM_COMP_CAN_CONTROL;
}

/* One component query with explicit modes for shared resources and control
 * chains (the severity ranking asks for W and RWT whatever the view). */
int q_components_modes(osm_query *q, osm_id x, uint32_t comps, const osm_qopts *o,
                       uint8_t sr_mode, uint8_t ctl_mode, osm_members *out);

/* Apply a cut, logging what it marks on top of the existing cuts; undo it
 * with q_cut_undo (harden tries thousands of cuts over the user's ones).
 * -1 on ENOMEM (the partial marks are undone). */
int q_cut_try(osm_query *q, const osm_cut *c);
void q_cut_undo(osm_query *q);

/* Short masks for kinds and edge kinds used by the walks. */
#define K_PD OSM_KIND_BIT(OSM_PD)
#define K_RES OSM_KIND_BIT(OSM_RESOURCE)
#define K_SPACE OSM_KIND_BIT(OSM_SPACE)
#define E_HOLD OSM_EDGE_BIT(OSM_HOLD)
#define E_MAP OSM_EDGE_BIT(OSM_MAP)
#define E_REQ OSM_EDGE_BIT(OSM_REQUEST)

#endif
