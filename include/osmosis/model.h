/*
 * libosmosis — the model store, transitions and invariant checker.
 *
 * A model state is a directed graph of protection domains (PD), resources and
 * resource spaces joined by HOLD / MAP / SUBSET / REQUEST edges (MODEL.md §1).
 * Nodes and edges live in one store (osm_store) addressed by dense 32-bit
 * indices; string IDs are looked up by hash.  The store serves both bulk import
 * (append-only, arrays) and a live runtime (removal, slot reuse), and hands the
 * query engine an immutable CSR snapshot (osm_snapshot).
 *
 * Include <osmosis/osmosis.h>, not this file.
 */
#ifndef OSMOSIS_MODEL_H
#define OSMOSIS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A node or edge index; OSM_NONE means "no such node/edge/type". */
typedef uint32_t osm_id;
#define OSM_NONE UINT32_MAX

typedef enum osm_kind {
    OSM_PD = 0,
    OSM_RESOURCE = 1,
    OSM_SPACE = 2,      /* RESOURCE_SPACE in the CSV */
    OSM_KIND_COUNT = 3,
    OSM_DEAD = 0xff     /* a freed slot (only seen through osm_snapshot) */
} osm_kind;

typedef enum osm_edge_kind {
    OSM_HOLD = 0,
    OSM_MAP = 1,
    OSM_SUBSET = 2,
    OSM_REQUEST = 3,
    OSM_CREATEDBY = 4,  /* kept from hand-built models, never followed */
    OSM_EDGE_KIND_COUNT = 5
} osm_edge_kind;

/* Permission bits.  An edge whose R/W/X/T bits are all clear is unrestricted
 * (MODEL.md: "empty/absent = unrestricted").  S and P are flags that ride
 * along and never restrict a walk. */
enum {
    OSM_PERM_R = 1u << 0,
    OSM_PERM_W = 1u << 1,
    OSM_PERM_X = 1u << 2,
    OSM_PERM_T = 1u << 3,
    OSM_PERM_S = 1u << 4,   /* shared mapping */
    OSM_PERM_P = 1u << 5,   /* private / copy-on-write */
    OSM_PERM_RWXT = 0x0f,
    OSM_PERM_ALL = 0x3f
};

/* Whether a type names something virtual or physical (invariant 6). */
typedef enum osm_type_class {
    OSM_TYPE_UNKNOWN = 0,
    OSM_TYPE_VIRTUAL = 1,
    OSM_TYPE_PHYSICAL = 2
} osm_type_class;

/* A copy of one edge's fields. */
typedef struct osm_edge {
    osm_id from, to;
    uint8_t kind;       /* osm_edge_kind */
    uint8_t perms;      /* OSM_PERM_* bits */
    osm_id type;        /* REQUEST: interned resource type; else OSM_NONE.
                         * A REQUEST's optional space ID rides in its extra. */
} osm_edge;

typedef struct osm_store osm_store;

/* ---- names ---------------------------------------------------------- */

const char *osm_kind_name(osm_kind k);           /* "PD", "RESOURCE", "RESOURCE_SPACE" */
const char *osm_edge_kind_name(osm_edge_kind k); /* "HOLD", ... */
/* Parse a kind name (exact, upper case); returns -1 when unknown. */
int osm_kind_parse(const char *s, size_t n);
int osm_edge_kind_parse(const char *s, size_t n);
/* Write perms as letters "RWXTSP" order, "NONE" when 0; buf >= 8 bytes. */
const char *osm_perms_format(uint8_t perms, char buf[8]);
/* Parse permission letters (any order/case, '|' ',' '-' ' ' ignored, "NONE"
 * or empty = 0).  Returns -1 on an unknown letter. */
int osm_perms_parse(const char *s, size_t n, uint8_t *out);

/* ---- store lifetime --------------------------------------------------- */

/* A new empty store, with the well-known types declared; NULL on ENOMEM. */
osm_store *osm_store_new(void);
void osm_store_free(osm_store *s);
/* Grow capacity ahead of a bulk load; 0 or -1 (ENOMEM). */
int osm_store_reserve(osm_store *s, size_t nodes, size_t edges);
/* Deep copy; NULL on ENOMEM.  Node and edge indices are preserved. */
osm_store *osm_store_clone(const osm_store *s);

/* ---- interned strings (types, PD names) ------------------------------ */

/* Intern a string; returns its id (stable for the store's life) or OSM_NONE
 * on ENOMEM. */
osm_id osm_store_intern(osm_store *s, const char *str, size_t len);
/* The id of an already-interned string, or OSM_NONE. */
osm_id osm_store_type_lookup(const osm_store *s, const char *str);
const char *osm_store_type_name(const osm_store *s, osm_id type);
size_t osm_store_type_count(const osm_store *s);
/* Declare a type virtual/physical (VMR, ADS, VCPU, FILE are virtual; MO,
 * BLOCK, PCPU, FRAME, IRQ physical by default). */
void osm_store_set_type_class(osm_store *s, osm_id type, osm_type_class c);
osm_type_class osm_store_type_class(const osm_store *s, osm_id type);

/* ---- nodes ---------------------------------------------------------- */

/* Add a node.  `data` is the PD name or the resource/space type; `extra` may
 * be NULL.  Returns the new index, or OSM_NONE when the ID exists already
 * (errno EEXIST) or memory ran out (ENOMEM). */
osm_id osm_store_add_node(osm_store *s, osm_kind kind, const char *id,
                          const char *data, const char *extra);
/* Same with lengths (strings need not be NUL-terminated). */
osm_id osm_store_add_node_n(osm_store *s, osm_kind kind, const char *id, size_t id_len,
                            osm_id data_type, const char *extra, size_t extra_len);
/* Remove a node and every edge touching it.  0, or -1 if not live. */
int osm_store_remove_node(osm_store *s, osm_id n);
/* Look a node up by string ID; OSM_NONE when absent. */
osm_id osm_store_find(const osm_store *s, const char *id);
osm_id osm_store_find_n(const osm_store *s, const char *id, size_t len);

bool osm_node_live(const osm_store *s, osm_id n);
osm_kind osm_node_kind(const osm_store *s, osm_id n);
const char *osm_node_id(const osm_store *s, osm_id n);
osm_id osm_node_data(const osm_store *s, osm_id n);        /* interned */
const char *osm_node_data_name(const osm_store *s, osm_id n);
const char *osm_node_extra(const osm_store *s, osm_id n);  /* "" when none */
int osm_node_set_extra(osm_store *s, osm_id n, const char *extra);

/* Live node count, total and by kind. */
size_t osm_store_node_count(const osm_store *s);
size_t osm_store_node_count_kind(const osm_store *s, osm_kind k);
/* One past the highest node index ever used (array bound for snapshots). */
osm_id osm_store_node_bound(const osm_store *s);
/* Iterate live nodes in index order: start with prev = OSM_NONE; returns
 * OSM_NONE at the end. */
osm_id osm_store_next_node(const osm_store *s, osm_id prev);

/* The root task: the PD set with osm_store_set_root, else the first PD whose
 * name is ROOT_TASK; OSM_NONE if none. */
osm_id osm_store_root(const osm_store *s);
void osm_store_set_root(osm_store *s, osm_id pd);

/* ---- edges ---------------------------------------------------------- */

/* Add an edge (no kind checks: that is osm_check's job, so that real dumps
 * that break the rules can still be loaded).  `type` is the request type for
 * REQUEST edges (OSM_NONE otherwise); `extra` may be NULL.  Returns the edge index or OSM_NONE on ENOMEM or a
 * dead endpoint (EINVAL). */
osm_id osm_store_add_edge(osm_store *s, osm_edge_kind kind, osm_id from, osm_id to,
                          uint8_t perms, osm_id type, const char *extra);
int osm_store_remove_edge(osm_store *s, osm_id e);
/* First edge of `kind` from -> to (and, when type != OSM_NONE, that request
 * type); OSM_NONE when absent.  Cost: out-degree of `from`. */
osm_id osm_store_find_edge(const osm_store *s, osm_edge_kind kind, osm_id from, osm_id to,
                           osm_id type);
bool osm_store_edge(const osm_store *s, osm_id e, osm_edge *out);
const char *osm_edge_extra(const osm_store *s, osm_id e);  /* "" when none */
void osm_edge_set_perms(osm_store *s, osm_id e, uint8_t perms);

size_t osm_store_edge_count(const osm_store *s);
size_t osm_store_edge_count_kind(const osm_store *s, osm_edge_kind k);
osm_id osm_store_edge_bound(const osm_store *s);
/* Iterate live edges in index order, like osm_store_next_node. */
osm_id osm_store_next_edge(const osm_store *s, osm_id prev);
/* Out- and in-edges of a node (most recently added first):
 *   for (osm_id e = osm_store_first_out(s, n); e != OSM_NONE; e = osm_store_next_out(s, e)) */
osm_id osm_store_first_out(const osm_store *s, osm_id n);
osm_id osm_store_next_out(const osm_store *s, osm_id e);
osm_id osm_store_first_in(const osm_store *s, osm_id n);
osm_id osm_store_next_in(const osm_store *s, osm_id e);

/* Bytes of memory the store holds (for benchmarks). */
size_t osm_store_memory(const osm_store *s);

/* ---- typed EXTRA fields (MODEL.md §2) -------------------------------- */

typedef struct osm_vmr_info {
    uint64_t vaddr;
    char kind[32];      /* ELF_CODE, STACK, SHARED_FRAMES, ... */
    uint64_t pages;
    unsigned size_bits;
} osm_vmr_info;

typedef struct osm_mo_info {
    uint64_t paddr;
    uint64_t pages;
    unsigned size_bits;
} osm_mo_info;

/* Parse "[0x]VADDR_KIND_PAGES_SIZEBITS" (KIND may contain '_'); 0 or -1. */
int osm_vmr_info_parse(const char *extra, osm_vmr_info *out);
/* Parse "[0x]PADDR_PAGES_SIZEBITS"; 0 or -1. */
int osm_mo_info_parse(const char *extra, osm_mo_info *out);

/* ---- immutable snapshot for queries ----------------------------------- */

/* One adjacency entry: the neighbour and the packed edge info. */
typedef struct osm_adj {
    osm_id node;
    uint32_t info;      /* kind:3 | perms:6 << 3 | type:23 << 9 (OSM_SNAP_NOTYPE) */
} osm_adj;

#define OSM_ADJ_KIND(i) ((i) & 7u)
#define OSM_ADJ_PERMS(i) (((i) >> 3) & 0x3fu)
#define OSM_ADJ_TYPE(i) ((i) >> 9)
#define OSM_SNAP_NOTYPE 0x7fffffu

/* Compact CSR in both directions over the store's index space (dead slots
 * have kind OSM_DEAD and no edges).  Immutable; free with
 * osm_snapshot_free.  `weight` is 1 per node, except MO resources, which
 * weigh their page count (RSI). */
typedef struct osm_snapshot {
    uint32_t n_nodes, n_edges;
    uint8_t *kind;          /* [n_nodes] osm_kind */
    osm_id *data;           /* [n_nodes] interned type / PD name */
    uint64_t *weight;       /* [n_nodes] */
    uint32_t *out_off;      /* [n_nodes + 1] */
    osm_adj *out;           /* [n_edges] */
    uint32_t *in_off;       /* [n_nodes + 1] */
    osm_adj *in;            /* [n_edges] */
    osm_id root;            /* root task PD or OSM_NONE */
    const osm_store *store; /* for names; must outlive the snapshot */
} osm_snapshot;

/* Build a snapshot in O(nodes + edges); NULL on ENOMEM. */
osm_snapshot *osm_snapshot_build(const osm_store *s);
void osm_snapshot_free(osm_snapshot *snap);

/* ---- diagnostics (shared by the reader, checker and transitions) ------- */

typedef enum osm_severity { OSM_WARNING = 0, OSM_ERROR = 1 } osm_severity;

typedef struct osm_diag {
    osm_severity severity;
    int rule;               /* invariant number 1..7, or 0 */
    uint64_t line;          /* input line, or 0 */
    char *msg;              /* owned */
} osm_diag;

/* A bounded list: keeps the first `limit` messages and counts the rest. */
typedef struct osm_diags {
    osm_diag *v;
    size_t n, cap, limit;
    size_t dropped;         /* messages beyond limit */
    size_t errors, warnings;
} osm_diags;

void osm_diags_init(osm_diags *d, size_t limit);   /* limit 0 = 1000 */
void osm_diags_free(osm_diags *d);
void osm_diags_add(osm_diags *d, osm_severity sev, int rule, uint64_t line,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- invariants (MODEL.md §1, rules 1..7) ------------------------------- */

/* Check every well-formedness rule; each violation is added to `d` (as a
 * warning, or an error when `strict`) naming the IDs involved.  Returns the
 * number of violations (which may exceed what `d` keeps). */
size_t osm_check(const osm_store *s, bool strict, osm_diags *d);
/* Violations of one rule only (1..7). */
size_t osm_check_rule(const osm_store *s, int rule, bool strict, osm_diags *d);

/* ---- transitions (MODEL.md §1) -------------------------------------------- */

/* Result of a refused transition.  code 0 = done. */
typedef struct osm_error {
    int code;               /* 0 ok, OSM_EREFUSED, OSM_ENOMEM, OSM_EINVARIANT */
    char msg[512];
} osm_error;

enum { OSM_OK = 0, OSM_EREFUSED = 1, OSM_ENOMEM = 2, OSM_EINVARIANT = 3 };

/* Debug mode: after every transition re-check all invariants and fail with
 * OSM_EINVARIANT (naming the first violation) when one breaks. */
void osm_store_set_debug_invariants(osm_store *s, bool on);

/* create_pd: `new_id` must not exist; one REQUEST new -> act per entry of
 * `request_types`, each a type whose space `act` holds.  The creator also
 * gets HOLD(RWT) act -> new (it controls what it creates). */
int osm_tr_create_pd(osm_store *s, osm_id act, const char *new_id, const char *name,
                     const char *const *request_types, size_t n_requests,
                     osm_id *out, osm_error *err);
/* create_resource: `act` holds `space`; adds r (of the space's type, VMR for
 * an ADS), SUBSET r -> space, HOLD act -> r. */
int osm_tr_create_resource(osm_store *s, osm_id act, const char *r_id, osm_id space,
                           const char *extra, osm_id *out, osm_error *err);
/* grant: `act` holds r (a resource or space) with at least `perms`; `pd` has
 * a REQUEST edge to `act` for r's type, or `act` is the root.  Adds HOLD
 * pd -> r (an existing hold is widened to the union). */
int osm_tr_grant(osm_store *s, osm_id act, osm_id pd, osm_id r, uint8_t perms,
                 osm_error *err);
/* revoke: `act` holds the space r was drawn from; removes HOLD pd -> r. */
int osm_tr_revoke(osm_store *s, osm_id act, osm_id pd, osm_id r, osm_error *err);
/* delete_resource: `act` holds r's space, nobody but act holds r, r is
 * unmapped. */
int osm_tr_delete_resource(osm_store *s, osm_id act, osm_id r, osm_error *err);
/* create_space: adds space `s_id` of `type`, HOLD act -> space. */
int osm_tr_create_space(osm_store *s, osm_id act, const char *s_id, const char *type,
                        const char *extra, osm_id *out, osm_error *err);
/* destroy_space: act holds it, nobody else holds it, no MAP to or from it, no
 * resource drawn from it. */
int osm_tr_destroy_space(osm_store *s, osm_id act, osm_id space, osm_error *err);
/* map_space / unmap_space: a space maps to at most one space; no cycles;
 * unmap only when no resource map relies on it. */
int osm_tr_map_space(osm_store *s, osm_id from, osm_id to, osm_error *err);
int osm_tr_unmap_space(osm_store *s, osm_id from, osm_id to, osm_error *err);
/* map / unmap a resource: needs the matching space map; no cycles; nothing
 * physical onto something virtual. */
int osm_tr_map(osm_store *s, osm_id r, osm_id q, uint8_t perms, osm_error *err);
int osm_tr_unmap(osm_store *s, osm_id r, osm_id q, osm_error *err);
/* destroy_pd: `act` controls pd (HOLD act -> pd with T) or is the root.
 * Removes pd with its edges, then every resource or space that nobody holds
 * any more (with the resources drawn from such a space), so that the rules
 * stay true.  Policies (MODEL.md §6) choose what else goes. */
int osm_tr_destroy_pd(osm_store *s, osm_id act, osm_id pd, osm_error *err);

#ifdef __cplusplus
}
#endif
#endif
