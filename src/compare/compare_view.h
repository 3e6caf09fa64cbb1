/* The view of `osmosis compare` (compare_table.c: the table, legend and
 * JSON; compare_html.c: the page): one chosen PD per state, side by side,
 * from libosmosis's osm_compare_pd (docs/compare.md).  The front end
 * (src/cli/osmosis/verb_compare.c) loads the states. */
#ifndef OSM_COMPARE_CLI_H
#define OSM_COMPARE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <osmosis/osmosis.h>

/* The member lists compared across states, in display order. */
enum {
    CMP_TCB_A, CMP_TCB_I, CMP_TCB_C, CMP_IB_A, CMP_IB_I, CMP_IB_C,
    CMP_CAN, CMP_BY, CMP_POOLS, CMP_N_LISTS
};

/* One state: a column. */
typedef struct cmp_col {
    const char *file;       /* as given */
    char label[8];          /* "A", "B", ... */
    const osm_store *store; /* the state (loaded and freed by the caller) */
    osm_query *q;
    osm_cmp c;
    size_t n_pds;
} cmp_col;

/* One member of a list in one column, as shown. */
typedef struct cmp_item {
    const char *id, *name;  /* name may be "" */
    char reason[160];       /* "can-control", "shared-spaces: CG_..." */
} cmp_item;

/* The summary table: rows x (1 + columns) strings. */
typedef struct cmp_table {
    size_t rows, cols;      /* cols counts the title column */
    char **cell;            /* [rows * cols], malloc'ed strings */
} cmp_table;

extern const char *const cmp_list_title[CMP_N_LISTS];   /* "TCB_A", ... */
extern const char *const cmp_list_key[CMP_N_LISTS];     /* "tcb_a", ... (JSON) */
extern const char *const cmp_list_help[CMP_N_LISTS];    /* one line each */
extern const char cmp_legend[];                          /* the legend, plain text */

/* How many members list `l` of column `c` has. */
size_t cmp_list_len(const cmp_col *c, int l);
/* Member i of list l in column c. */
void cmp_list_item(const cmp_col *c, int l, size_t i, cmp_item *out);
/* Whether a PD with ID `id` is in list l of column c. */
bool cmp_list_has(const cmp_col *c, int l, const char *id);
/* Whether member `id` of some column is in list l of every column. */
bool cmp_in_all(const cmp_col *cols, size_t n, int l, const char *id);
/* "PD_4 (kvstore)" into buf. */
void cmp_pd_label(const osm_store *s, osm_id pd, char *buf, size_t len);

/* Build the summary table (sizes, RSI, FR, pools); 0 or -1 on ENOMEM. */
int cmp_table_build(const cmp_col *cols, size_t n, cmp_table *t);
void cmp_table_free(cmp_table *t);
/* Print the human form (table, member differences, legend) to stdout. */
void cmp_print_text(const cmp_col *cols, size_t n, const cmp_table *t);
/* Print the JSON form to stdout. */
void cmp_print_json(const cmp_col *cols, size_t n);
/* Write the self-contained HTML page to f. */
void cmp_write_html(FILE *f, const cmp_col *cols, size_t n, const cmp_table *t);

#endif
