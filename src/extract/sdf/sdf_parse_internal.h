/*
 * Internals shared by the SDF parser files: the arena, the element tree
 * built from expat events, and the validation context with its error
 * helpers.
 *
 * Validation stops at the first error, like the Microkit tool.  It unwinds
 * with longjmp from the helper that found the error: every allocation is in
 * the arena (freed by the caller), so nothing leaks, and the checks read as
 * a flat list instead of a ladder of "if (...) return -1".
 */
#ifndef OSM_SDF_PARSE_INTERNAL_H
#define OSM_SDF_PARSE_INTERNAL_H

#include <setjmp.h>
#include "sdf.h"

/* ---- arena ----------------------------------------------------------- */

sdf_arena *sdf_arena_new(void);
void sdf_arena_free(sdf_arena *a);
/* Zeroed memory; NULL on ENOMEM. */
void *sdf_arena_alloc(sdf_arena *a, size_t size);
char *sdf_arena_strdup(sdf_arena *a, const char *s);

/* ---- element tree ---------------------------------------------------- */

typedef struct sdf_xattr { const char *name, *value; } sdf_xattr;

/* An element, or (name == NULL) a non-blank text run directly under the
 * root, kept because the tool rejects text there. */
typedef struct sdf_elem {
    const char *name;           /* local name (prefix stripped) */
    sdf_xattr *attrs;
    size_t n_attrs;
    sdf_loc loc;                /* of the opening '<' (1-based) */
    struct sdf_elem *first, *last, *next;
} sdf_elem;

/* Build the tree of `buf`.  Returns the root element, or NULL with a
 * message in *err (arena-allocated). */
sdf_elem *sdf_xml_tree(sdf_arena *a, const char *buf, size_t len, const char *file,
                       char **err);

/* ---- validation context ---------------------------------------------- */

typedef struct sdf_ctx {
    sdf_arena *a;
    const sdf_config *cfg;
    sdf_system *sys;
    const char *file;
    jmp_buf fail;
    char **errp;                /* the caller's: set (malloc'ed) before longjmp */
    /* <domains> state */
    bool domains_seen;          /* a <domains> declaring >= 1 domain */
    const char **domain_names;
    size_t n_domain_names;
    sdf_elem **channel_elems;   /* parsed after every PD */
    size_t n_channel_elems;
} sdf_ctx;

/* Fail with a message built from fmt (no location added). */
_Noreturn void sdf_fail(sdf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Error: <text> on element 'E': F:R:C" (the tool's value error). */
_Noreturn void sdf_fail_value(sdf_ctx *c, const sdf_elem *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "Error: <text> @ F:R:C" for messages the tool gives without a place. */
_Noreturn void sdf_fail_at(sdf_ctx *c, sdf_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Grow an arena array of `*n` elements of `size` to hold one more and
 * return a pointer to the new (zeroed) slot.  Capacity doubles at powers of
 * two, so `*n` is all the state needed. */
void *sdf_push(sdf_ctx *c, void **arr, size_t *n, size_t size);
#define SDF_PUSH(c, arr, n) ((__typeof__(*(arr)) *)sdf_push((c), (void **)&(arr), &(n), sizeof(*(arr))))

/* ---- attributes and values ------------------------------------------- */

/* Fail with the tool's "invalid attribute" error for the first attribute of
 * `e` not in the NULL-terminated `allowed`. */
void sdf_check_attrs(sdf_ctx *c, const sdf_elem *e, const char *const *allowed);
const char *sdf_attr(const sdf_elem *e, const char *name);          /* NULL if absent */
const char *sdf_attr_req(sdf_ctx *c, const sdf_elem *e, const char *name);
/* The tool's own number syntax: '_' ignored, 0x = hex, unsigned 64-bit. */
uint64_t sdf_num(sdf_ctx *c, const sdf_elem *e, const char *text);
bool sdf_num_opt(sdf_ctx *c, const sdf_elem *e, const char *name, uint64_t *out);
/* Plain signed decimal (the tool's i64 parse). */
int64_t sdf_dec(sdf_ctx *c, const sdf_elem *e, const char *text);
/* "true"/"false" for attribute `name`, `def` when absent. */
bool sdf_bool(sdf_ctx *c, const sdf_elem *e, const char *name, bool def);
/* Parse "BUS:DEV.FUNC" (hex parts).  NULL on success, else the error text. */
const char *sdf_pci_parse(const char *s, unsigned *bus, unsigned *dev, unsigned *fn);
/* Add `sym` to pd's setvar symbols; fail (value error on `e`) on a repeat. */
void sdf_add_symbol(sdf_ctx *c, sdf_pd *pd, const sdf_elem *e, const char *sym);
/* "AArch64", "RISC-V (64-bit)", "x86-64". */
const char *sdf_arch_display(sdf_arch a);

/* ---- the parsers, by element ------------------------------------------ */

void sdf_parse_pd(sdf_ctx *c, const sdf_elem *e, int parent);
void sdf_parse_mr(sdf_ctx *c, const sdf_elem *e);
void sdf_parse_channel(sdf_ctx *c, const sdf_elem *e);
void sdf_parse_ioas(sdf_ctx *c, const sdf_elem *e);
void sdf_parse_domains(sdf_ctx *c, const sdf_elem *e);
/* The global checks, after parsing (docs/sdf.md): the child IDs once every
 * PD is read (channels name PDs, so they are parsed after it), then the
 * rest once the channels are read too; the order is Microkit's, so the
 * first error reported is the one Microkit reports. */
void sdf_validate_children(sdf_ctx *c);
void sdf_validate(sdf_ctx *c);
int sdf_find_pd(const sdf_system *s, const char *name);
int sdf_find_mr(const sdf_system *s, const char *name);

#endif
