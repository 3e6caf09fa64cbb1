/*
 * libosmosis — the query engine (MODEL.md §3-6): walks, dependency queries
 * (TCB / impact boundary in the A, I and C views), RSI / FR metrics and the
 * cleanup simulation.
 *
 * Usage: build one osm_query context from a store (it builds and owns an
 * osm_snapshot), then ask any number of questions.  A context holds scratch
 * space, so it is not thread-safe; use one per thread.  Results are plain
 * arrays of node indices the caller frees with the matching *_free.
 *
 * Include <osmosis/osmosis.h>, not this file.
 */
#ifndef OSMOSIS_QUERY_H
#define OSMOSIS_QUERY_H

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct osm_query osm_query;

/* An unbounded depth (BFS depth, cleanup depths). */
#define OSM_DEPTH_INF UINT32_MAX

/* ---- context ----------------------------------------------------------- */

/* Build a context over `s` (which must outlive it and stay unchanged while
 * it is used).  NULL on ENOMEM. */
osm_query *osm_query_new(const osm_store *s);
/* Same over an existing snapshot, which the context borrows. */
osm_query *osm_query_new_snapshot(const osm_snapshot *g);
void osm_query_free(osm_query *q);
const osm_snapshot *osm_query_snapshot(const osm_query *q);
const osm_store *osm_query_store(const osm_query *q);

/* ---- access modes and type filters -------------------------------------- */

/* A mode is a set of OSM_PERM_R/W/X/T bits; 0 means ANY.  An edge with a
 * permission set is followed in `mode` when every bit of mode is in it. */
/* Parse "ANY" or letters from RWXT (any order/case); 0 or -1 when bad. */
int osm_mode_parse(const char *s, uint8_t *mode);
/* "ANY" or the letters; buf >= 8 bytes. */
const char *osm_mode_format(uint8_t mode, char buf[8]);

/* A set of resource types.  A resource matches when its type is in the set;
 * a space matches when its type is, or when it is an ADS and VMR is in the
 * set (and naming ADS selects VMR resources): the one built-in pairing of
 * a resource type with a differently named space type (MODEL.md §1). */
typedef struct osm_typeset {
    uint8_t *res;       /* [n] resource types selected */
    uint8_t *space;     /* [n] space types selected */
    size_t n;
} osm_typeset;

/* Parse a comma-separated list of type names.  Every name must be the type
 * of at least one resource or space in the state; otherwise -1 with the
 * offending name (NUL-terminated, up to 63 chars) in `bad`.  -1 with bad[0]
 * == 0 on ENOMEM or an empty list. */
int osm_typeset_parse(const osm_query *q, const char *list, osm_typeset *ts, char bad[64]);
/* Add one interned type (same pairing rule); 0 or -1 on ENOMEM. */
int osm_typeset_add(const osm_query *q, osm_typeset *ts, osm_id type);
void osm_typeset_free(osm_typeset *ts);
/* Is type `t` the type of some resource / space in the state? */
bool osm_query_type_present(const osm_query *q, osm_id t);

/* ---- paths ("why") -------------------------------------------------------- */

/* One step of an explanation chain: the node reached and the edge used to
 * reach it from the previous step (info packed as in osm_adj; back = the
 * edge points from this node to the previous one).  The first step of a
 * chain has info 0 and back 0. */
typedef struct osm_step {
    osm_id node;
    uint32_t info;
    uint8_t back;
} osm_step;

/* Format a chain as "PD_1 -HOLD-> VMR_8_1 -MAP-> MO_4_4 <-HOLD- PD_0". */
char *osm_steps_format(const osm_query *q, const osm_step *v, size_t n);

/* ---- the walk primitive (MODEL.md §3) ------------------------------------ */

enum { OSM_DIR_FWD = 1, OSM_DIR_BACK = 2, OSM_DIR_BOTH = 3 };

#define OSM_EDGE_BIT(k) (1u << (k))
#define OSM_KIND_BIT(k) (1u << (k))

typedef struct osm_bfs_opts {
    uint32_t edge_kinds;        /* OSM_EDGE_BIT mask; 0 = HOLD|MAP */
    int dir;                    /* OSM_DIR_*; 0 = FWD */
    uint8_t mode;               /* 0 = ANY */
    uint32_t depth;             /* max edges on a path; 0 = OSM_DEPTH_INF */
    uint32_t node_kinds;        /* OSM_KIND_BIT mask filtering the result; 0 = all */
    const osm_typeset *types;   /* filter on resources and spaces; NULL = all */
    bool why;                   /* record parents for osm_bfs_path */
} osm_bfs_opts;

typedef struct osm_bfs_result {
    osm_id *nodes;              /* reached (start excluded), filtered, BFS order */
    uint32_t *depth;            /* [n] edges from start */
    size_t n;
    osm_id start;
    osm_step *parent;           /* [n_nodes] when why: how each node was reached */
} osm_bfs_result;

/* BFS(start, ...) exactly as MODEL.md §3: a PD other than start is reached but
 * never expanded.  0, or -1 on ENOMEM / bad start. */
int osm_bfs(osm_query *q, osm_id start, const osm_bfs_opts *o, osm_bfs_result *out);
/* The chain start .. node (needs why); returns its length (0 if node was not
 * reached); writes at most cap steps. */
size_t osm_bfs_path(const osm_bfs_result *r, osm_id node, osm_step *buf, size_t cap);
void osm_bfs_result_free(osm_bfs_result *r);

/* ---- dependency queries (MODEL.md §4) ------------------------------------- */

/* The components, as bits. */
enum {
    OSM_COMP_SHARED_RESOURCES = 1u << 0,
    OSM_COMP_SHARED_SPACES = 1u << 1,
    OSM_COMP_SERVERS = 1u << 2,
    OSM_COMP_INDIRECT_SERVERS = 1u << 3,
    OSM_COMP_CAN_CONTROL = 1u << 4,
    OSM_COMP_CONTROL_BY = 1u << 5,
    OSM_COMP_TCB = 0x1f             /* the first five (A view) */
};
/* "shared-resources", "shared-spaces", "servers", "indirect-servers",
 * "can-control", "control-by" for one bit. */
const char *osm_comp_name(uint32_t comp_bit);

/* The property views of TCB / IB. */
typedef enum osm_property {
    OSM_PROP_A = 0,     /* availability: the full TCB, `mode` applies */
    OSM_PROP_I = 1,     /* integrity: mode W, control chains carrying W */
    OSM_PROP_C = 2      /* confidentiality: mode R, control chains carrying R */
} osm_property;
/* "A", "I", "C" -> property; -1 when bad. */
int osm_property_parse(const char *s);

/* What a query asks.  Zero-initialised = all types, ANY, property A, no why. */
typedef struct osm_qopts {
    const osm_typeset *types;   /* NULL = all types */
    uint8_t mode;               /* A view / shared-resources only; 0 = ANY */
    osm_property property;
    bool why;                   /* fill the chains */
} osm_qopts;

/* One member of an answer.  `comps` says every component it belongs to;
 * `comp` is the one its reason comes from (the lowest bit); `via` is that
 * reason's witness: the shared resource (shared-resources), the shared
 * space (shared-spaces), the held space (servers / indirect-servers;
 * OSM_NONE when the reason is a REQUEST chain), OSM_NONE for control.
 * With why, steps[why_off .. why_off + why_len) is the chain from the
 * queried PD to the member. */
typedef struct osm_member {
    osm_id pd;
    uint32_t comps;
    uint32_t comp;
    osm_id via;
    uint32_t why_off, why_len;
} osm_member;

typedef struct osm_members {
    osm_member *v;              /* sorted by PD string ID */
    size_t n, cap;
    osm_step *steps;
    size_t n_steps, cap_steps;
} osm_members;

void osm_members_free(osm_members *m);

/* One component (a single OSM_COMP_* bit) for PD x, or several OR-ed
 * together (the union, as TCB does).  `o->property` selects the I / C
 * restrictions of shared-resources (mode) and can-control (W / R chains).
 * 0, or -1 on ENOMEM / x not a PD. */
int osm_query_components(osm_query *q, osm_id x, uint32_t comps, const osm_qopts *o,
                         osm_members *out);
/* TCB_P(x): the union of the property's components (MODEL.md §4). */
int osm_tcb(osm_query *q, osm_id x, const osm_qopts *o, osm_members *out);
/* IB_P(x) = { p != x : x in TCB_P(p) }, computed from x outward (no walk per
 * PD).  `comps` of each member tells which component of TCB(p) holds x. */
int osm_ib(osm_query *q, osm_id x, const osm_qopts *o, osm_members *out);

/* TCB and IB of every PD at once.  Walks once per PD (never per pair) and
 * joins through inverted indexes; IB is the transpose.  Members carry comps
 * and via, not chains (ask osm_tcb with why for one PD's chains). */
typedef struct osm_all {
    size_t n_pds;
    osm_id *pds;                /* [n_pds] sorted by string ID */
    size_t *tcb_off;            /* [n_pds + 1] into tcb */
    osm_member *tcb;
    size_t *ib_off;             /* [n_pds + 1] into ib (NULL unless asked) */
    osm_member *ib;
} osm_all;

int osm_query_all(osm_query *q, const osm_qopts *o, bool with_ib, osm_all *out);
void osm_all_free(osm_all *a);

/* ---- natural ID order --------------------------------------------------- */

/* strcmp, except that runs of digits compare as numbers, so PD_2 < PD_14
 * (ties on the numeric value, e.g. "07" vs "7", fall back to strcmp).  What
 * users read (the report, ranked lists) is sorted this way. */
int osm_id_natural_cmp(const char *a, const char *b);

/* ---- cuts: the graph without some edges or nodes (what-if) ---------------- */

/* A cut removes part of the graph from every later single-PD query of the
 * context (osm_tcb, osm_ib, osm_query_components, osm_bfs, the ranking and
 * harden functions below) until osm_cut_clear; osm_query_all ignores cuts.
 * Spec syntax (osmosis whatif --cut):
 *   node:ID        the node and every edge touching it
 *   edge:FROM>TO   every edge from FROM to TO (of any kind)
 *   control:PD     every PD->PD HOLD edge out of PD (PD controls no one)
 *   control:A>B    the PD->PD HOLD edge(s) from A to B
 *   type:T         every resource and resource space of type T
 *   kind:K         every edge of kind K (HOLD, MAP, SUBSET, REQUEST) */
typedef enum osm_cut_kind {
    OSM_CUT_NODE = 0,
    OSM_CUT_EDGE = 1,
    OSM_CUT_CONTROL = 2,
    OSM_CUT_TYPE = 3,
    OSM_CUT_KIND = 4
} osm_cut_kind;

typedef struct osm_cut {
    osm_cut_kind kind;
    osm_id a;   /* node; FROM; controller; interned type; osm_edge_kind */
    osm_id b;   /* TO; controlled PD or OSM_NONE (all); else OSM_NONE */
} osm_cut;

/* Parse one spec.  0, or -1 with a message naming the problem in err. */
int osm_cut_parse(const osm_query *q, const char *spec, osm_cut *out, char *err, size_t errlen);
/* The spec of a cut, e.g. "edge:PD_1>MO_3" (malloc'd; NULL on ENOMEM). */
char *osm_cut_format(const osm_query *q, const osm_cut *c);
/* Add a cut to the context; returns the number of edges it removes (0 is
 * fine: the cut may already be covered), or -1 on ENOMEM. */
long osm_cut_apply(osm_query *q, const osm_cut *c);
/* Remove every cut. */
void osm_cut_clear(osm_query *q);
/* Would the node be gone under the current cuts (a node or type cut)? */
bool osm_cut_node_removed(const osm_query *q, osm_id v);

/* ---- severity: each TCB member's strongest way in ------------------------- */

/* Ways into x, strongest first (docs/query.md, "Severity"):
 *   control          a chain of PD->PD HOLD edges each carrying R, W and T
 *   write            can write a resource x depends on (writable shared
 *                    memory, file, ...)
 *   partial-control  another control chain (stop, or read x's state)
 *   server           holds a space x draws from (not a POOL_* space),
 *                    answers x's REQUESTs, or serves x's servers
 *   read             shares a resource x depends on without writing it
 *                    (reads it, or touches it in the asked --mode)
 *   pool             draws from the same space as x, or holds a POOL_*
 *                    space (an exhaustible pool) x draws from
 * Only the components of the asked property count. */
typedef enum osm_way {
    OSM_WAY_CONTROL = 0,
    OSM_WAY_WRITE,
    OSM_WAY_PARTIAL_CONTROL,
    OSM_WAY_SERVER,
    OSM_WAY_READ,
    OSM_WAY_POOL,
    OSM_WAY_COUNT
} osm_way;

const char *osm_way_name(osm_way w);
/* A way name -> osm_way; -1 when unknown. */
int osm_way_parse(const char *s);

/* One ranked member: `way` with its witness `via` and (with why) its chain
 * steps[why_off .. +why_len); comps as in osm_member. */
typedef struct osm_ranked {
    osm_id pd;
    osm_way way;
    uint32_t comps;
    osm_id via;
    uint32_t why_off, why_len;
} osm_ranked;

typedef struct osm_ranking {
    osm_ranked *v;              /* strongest way first, then natural PD ID */
    size_t n;
    osm_step *steps;
    size_t n_steps;
} osm_ranking;

/* TCB_P(x) (o as for osm_tcb), each member with its strongest way in.
 * 0, or -1 on ENOMEM / x not a PD. */
int osm_tcb_ranked(osm_query *q, osm_id x, const osm_qopts *o, osm_ranking *out);
void osm_ranking_free(osm_ranking *r);

/* ---- harden: which single cut takes most PDs out of a TCB ----------------- */

/* One candidate cut and the TCB members it removes (sorted naturally). */
typedef struct osm_harden_cut {
    osm_cut cut;
    osm_id *removed;
    size_t n_removed;
} osm_harden_cut;

typedef struct osm_harden {
    size_t tcb_size;            /* |TCB_P(x)| with no cut */
    size_t n_candidates;        /* single cuts examined */
    osm_harden_cut *v;          /* cuts removing >= 1 PD: most first, then spec */
    size_t n;
} osm_harden;

/* Rank every single cut that can matter: each edge, and each resource or
 * space node, on the chain of some member of TCB_P(x) (a cut elsewhere
 * leaves that chain, so the member, in place).  Exact: the same answer as
 * removing the cut and re-running osm_tcb, without a full query per cut.
 * Honours cuts already applied.  0, or -1 on ENOMEM / x not a PD. */
int osm_harden_rank(osm_query *q, osm_id x, const osm_qopts *o, osm_harden *out);
void osm_harden_free(osm_harden *h);

/* The smallest set of single cuts (edges, resource or space nodes; never a
 * PD) after which `member` is no longer in TCB_P(x).  *cuts is malloc'd,
 * sorted by spec.  *exact is false when the search hit its limits and the
 * answer is only an upper bound.  0; 1 when member is not in the TCB (no
 * cut needed); -1 on ENOMEM / bad PDs. */
int osm_min_cut(osm_query *q, osm_id x, osm_id member, const osm_qopts *o, osm_cut **cuts,
                size_t *n, bool *exact);

/* ---- metrics (MODEL.md §5) ------------------------------------------------- */

/* RSI(x, y, type) for every resource type present in the state: types[i]
 * (interned, sorted by name) and rsi[i].  Free both with free(). */
int osm_rsi_all(osm_query *q, osm_id x, osm_id y, osm_id **types, double **rsi, size_t *n);
/* RSI for one type; -1 on ENOMEM. */
int osm_rsi(osm_query *q, osm_id x, osm_id y, osm_id type, double *rsi);

/* FR(x, y): the fault-ripple level, or OSM_FR_INF when no PD is reached by
 * both walks.  Returns -1 on ENOMEM. */
#define OSM_FR_INF UINT32_MAX
int osm_fr(osm_query *q, osm_id x, osm_id y, uint32_t *fr);

/* ---- cleanup simulation (MODEL.md §6) -------------------------------------- */

typedef struct osm_cleanup_result {
    osm_id *pds;            /* destroyed PDs, the crashed one first, then by round */
    size_t n_pds;
    osm_id *spaces;         /* deleted spaces */
    size_t n_spaces;
    osm_id *resources;      /* deleted resources */
    size_t n_resources;
} osm_cleanup_result;

/* Named policies: "1a" = (0, 0), "1b" = (0, inf), "2a" = (1, 0),
 * "2b" = (inf, 0); 0 or -1 when unknown. */
int osm_cleanup_policy(const char *name, uint32_t *pd_depth, uint32_t *rs_depth);
/* Is `pd` protected from policies (the root task or a kernel PD)? */
bool osm_cleanup_protected(const osm_store *s, osm_id pd);
/* What goes when `pd` crashes, with depths (OSM_DEPTH_INF = unbounded).
 * Works on the store (no snapshot) so a live runtime can decide what to
 * tear down; nothing is changed.  Lists are in discovery order (ties by
 * index).  0, or -1 on ENOMEM / pd not a live PD. */
int osm_cleanup_sim(const osm_store *s, osm_id pd, uint32_t pd_depth, uint32_t rs_depth,
                    osm_cleanup_result *out);
void osm_cleanup_result_free(osm_cleanup_result *r);

/* ---- side-by-side comparison (compare.c, docs/compare.md) ------------------ */

/* A PD by ID, else by name (DATA).  0 found (*pd); 1 no such PD; 2 the name
 * is ambiguous: *cands (sorted by ID, free()) lists the candidates; -1 on
 * ENOMEM. */
int osm_pd_lookup(const osm_store *s, const char *spec, osm_id *pd, osm_id **cands,
                  size_t *n_cands);
/* Whether a space type names an exhaustible kernel pool (starts with POOL_). */
bool osm_type_is_pool(const char *type);
/* Whether the state has any POOL_ space (extractors that model pools). */
bool osm_state_has_pools(const osm_store *s);

/* One PD that draws from the same pool as the compared PD. */
typedef struct osm_pool_share {
    osm_id pd, pool;
} osm_pool_share;

/* Everything one comparison column says about PD `pd` of a state. */
typedef struct osm_cmp {
    osm_id pd, pair;                /* pair: OSM_NONE when none was chosen */
    osm_members tcb[3], ib[3];      /* indexed by osm_property (A, I, C) */
    osm_members can_control, control_by;
    osm_id *rsi_types;              /* with a pair: RSI per type, sorted by name */
    double *rsi;
    size_t n_rsi;
    uint32_t fr;                    /* with a pair; OSM_FR_INF otherwise */
    bool has_pools;                 /* the state has POOL_ spaces at all */
    osm_id *pools;                  /* POOL_ spaces pd draws from, sorted by ID */
    size_t n_pools;
    osm_pool_share *pool_shares;    /* sorted by PD ID, then pool ID */
    size_t n_pool_shares;
} osm_cmp;

/* Fill *out for pd (and the pair, unless OSM_NONE).  0, or -1 on ENOMEM /
 * pd not a PD (out is then empty). */
int osm_compare_pd(osm_query *q, osm_id pd, osm_id pair, osm_cmp *out);
/* How many distinct PDs share a pool with the compared PD. */
size_t osm_cmp_pool_sharers(const osm_cmp *c);
void osm_cmp_free(osm_cmp *c);

#ifdef __cplusplus
}
#endif
#endif
