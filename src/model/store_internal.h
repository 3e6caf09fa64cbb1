/*
 * Internal layout of osm_store.  Only src/model and src/query see this.
 *
 * Nodes and edges are records in two growable arrays indexed by osm_id.
 * Each node heads two doubly linked lists threaded through the edge records
 * (out-edges and in-edges), so a live runtime can add and remove edges in
 * O(1) while a bulk import only appends.  Freed slots go on a free list and
 * are reused.  Strings (IDs, EXTRA) live in one append-only arena; interned
 * strings (types, PD names) in a second table.
 */
#ifndef OSM_STORE_INTERNAL_H
#define OSM_STORE_INTERNAL_H

#include <osmosis/osmosis.h>

/* An append-only string arena; offset 0 is the empty string. */
typedef struct osm_arena {
    char *buf;
    size_t len, cap;
    size_t dead;            /* bytes of strings no longer referenced */
} osm_arena;

/* Open-addressing hash index from string to a 32-bit value. */
typedef struct osm_hslot {
    uint32_t hash;
    osm_id val;             /* OSM_NONE = empty, OSM_TOMB = deleted */
} osm_hslot;
#define OSM_TOMB (UINT32_MAX - 1)

typedef struct osm_hindex {
    osm_hslot *slots;
    size_t cap;             /* power of two */
    size_t used;            /* live + tombstones */
    size_t live;
} osm_hindex;

typedef struct osm_node_rec {
    uint32_t id_off;        /* arena offset of the ID */
    uint32_t extra_off;     /* arena offset of EXTRA (0 = "") */
    osm_id data;            /* interned type / PD name */
    osm_id first_out, first_in;
    uint8_t kind;           /* osm_kind or OSM_DEAD */
} osm_node_rec;

typedef struct osm_edge_rec {
    osm_id from, to;
    osm_id next_out, prev_out;
    osm_id next_in, prev_in;
    osm_id type;            /* REQUEST type or OSM_NONE */
    uint32_t extra_off;
    uint8_t kind;           /* osm_edge_kind or OSM_DEAD */
    uint8_t perms;
} osm_edge_rec;

typedef struct osm_strtab {
    osm_arena chars;        /* interned strings, NUL-terminated */
    uint32_t *off;          /* [n] offsets into chars */
    uint8_t *cls;           /* [n] osm_type_class */
    size_t n, cap;
    osm_hindex index;
} osm_strtab;

struct osm_store {
    osm_node_rec *nodes;
    size_t n_nodes, cap_nodes;      /* slots used (bound), capacity */
    osm_id free_nodes;              /* free list through first_out */
    size_t live_nodes, nodes_by_kind[OSM_KIND_COUNT];

    osm_edge_rec *edges;
    size_t n_edges, cap_edges;
    osm_id free_edges;              /* free list through next_out */
    size_t live_edges, edges_by_kind[OSM_EDGE_KIND_COUNT];

    osm_arena strings;              /* IDs and EXTRA */
    osm_hindex ids;                 /* ID -> node */
    osm_strtab types;

    osm_id root;                    /* set explicitly */
    osm_id root_auto;               /* first PD named ROOT_TASK */
    osm_id t_root_task;             /* interned "ROOT_TASK" */
    bool debug_invariants;
};

/* ---- strtab.c ---------------------------------------------------------- */
uint32_t osm_hash_bytes(const char *p, size_t n);
/* Ask for transparent huge pages on a large heap block (a million-node
 * extraction otherwise spends a third of its time in page faults). */
void osm_mem_hint_huge(void *p, size_t bytes);
void osm_arena_free(osm_arena *a);
/* Append a NUL-terminated copy; returns its offset or UINT32_MAX (ENOMEM). */
uint32_t osm_arena_put(osm_arena *a, const char *s, size_t n);
void osm_hindex_free(osm_hindex *h);
int osm_hindex_reserve(osm_hindex *h, size_t n);
void osm_strtab_free(osm_strtab *t);
int osm_strtab_clone(osm_strtab *dst, const osm_strtab *src);
int osm_arena_clone(osm_arena *dst, const osm_arena *src);
int osm_hindex_clone(osm_hindex *dst, const osm_hindex *src);

static inline const char *osm_arena_str(const osm_arena *a, uint32_t off)
{
    return a->buf ? a->buf + off : "";
}

/* Does HOLD a -> b exist (any perms)?  Returns the edge or OSM_NONE. */
osm_id osm_store_hold_edge(const osm_store *s, osm_id a, osm_id b);
/* The space a resource is drawn from (first SUBSET target) or OSM_NONE. */
osm_id osm_store_space_of(const osm_store *s, osm_id r);

#endif
