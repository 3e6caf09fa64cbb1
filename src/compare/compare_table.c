/* osmosis compare: the summary table, the human form and the JSON form. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compare_view.h"

/* Set one cell to a formatted string; -1 on ENOMEM. */
static int cell_set(cmp_table *t, size_t r, size_t c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cell_set(cmp_table *t, size_t r, size_t c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int k = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (k < 0)
        return -1;
    free(t->cell[r * t->cols + c]);
    t->cell[r * t->cols + c] = s;
    return 0;
}

/* The resource types any column has an RSI for, sorted, NUL-free names. */
static size_t rsi_type_names(const cmp_col *cols, size_t n, const char **out, size_t cap)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < cols[k].c.n_rsi; i++) {
            const char *nm = osm_store_type_name(cols[k].store, cols[k].c.rsi_types[i]);
            size_t j = 0;
            while (j < m && strcmp(out[j], nm) < 0)
                j++;
            if ((j < m && strcmp(out[j], nm) == 0) || m == cap)
                continue;
            memmove(out + j + 1, out + j, (m - j) * sizeof *out);
            out[j] = nm;
            m++;
        }
    return m;
}

#define MAX_RSI_TYPES 64

int cmp_table_build(const cmp_col *cols, size_t n, cmp_table *t)
{
    const char *types[MAX_RSI_TYPES];
    size_t nt = rsi_type_names(cols, n, types, MAX_RSI_TYPES);
    enum { R_FILE, R_PD, R_NPDS, R_PAIR, R_LISTS, R_FR = R_LISTS + CMP_N_LISTS, R_RSI };
    t->rows = R_RSI + nt;
    t->cols = n + 1;
    t->cell = calloc(t->rows * t->cols, sizeof *t->cell);
    if (!t->cell)
        return -1;
    int rc = cell_set(t, R_FILE, 0, "state") | cell_set(t, R_PD, 0, "PD") |
             cell_set(t, R_NPDS, 0, "PDs in the state") | cell_set(t, R_PAIR, 0, "pair") |
             cell_set(t, R_FR, 0, "FR (PD, pair)");
    for (int l = 0; l < CMP_N_LISTS; l++)
        rc |= cell_set(t, R_LISTS + (size_t)l, 0, "%s", cmp_list_title[l]);
    for (size_t i = 0; i < nt; i++)
        rc |= cell_set(t, R_RSI + i, 0, "RSI %s", types[i]);
    for (size_t k = 0; k < n; k++) {
        const cmp_col *c = &cols[k];
        const osm_store *s = c->store;
        char lab[160];
        size_t col = k + 1;
        rc |= cell_set(t, R_FILE, col, "%s: %s", c->label, c->file);
        cmp_pd_label(s, c->c.pd, lab, sizeof lab);
        rc |= cell_set(t, R_PD, col, "%s", lab);
        rc |= cell_set(t, R_NPDS, col, "%zu", c->n_pds);
        if (c->c.pair != OSM_NONE)
            cmp_pd_label(s, c->c.pair, lab, sizeof lab);
        rc |= cell_set(t, R_PAIR, col, "%s", c->c.pair != OSM_NONE ? lab : "-");
        for (int l = 0; l < CMP_N_LISTS; l++) {
            if (l == CMP_POOLS && !c->c.has_pools)
                rc |= cell_set(t, R_LISTS + (size_t)l, col, "-");
            else
                rc |= cell_set(t, R_LISTS + (size_t)l, col, "%zu", cmp_list_len(c, l));
        }
        if (c->c.pair == OSM_NONE)
            rc |= cell_set(t, R_FR, col, "-");
        else if (c->c.fr == OSM_FR_INF)
            rc |= cell_set(t, R_FR, col, "inf");
        else
            rc |= cell_set(t, R_FR, col, "%u", c->c.fr);
        for (size_t i = 0; i < nt; i++) {
            rc |= cell_set(t, R_RSI + i, col, "-");
            for (size_t j = 0; j < c->c.n_rsi; j++)
                if (strcmp(osm_store_type_name(s, c->c.rsi_types[j]), types[i]) == 0)
                    rc |= cell_set(t, R_RSI + i, col, "%.3f", c->c.rsi[j]);
        }
    }
    return rc ? -1 : 0;
}

void cmp_table_free(cmp_table *t)
{
    for (size_t i = 0; t->cell && i < t->rows * t->cols; i++)
        free(t->cell[i]);
    free(t->cell);
    t->cell = NULL;
}

/* One list's members that are in every state, then per state the rest. */
static void print_list(const cmp_col *cols, size_t n, int l)
{
    cmp_item it;
    printf("\n%s: %s\n", cmp_list_title[l], cmp_list_help[l]);
    if (l == CMP_POOLS && !cols[0].c.has_pools) {
        printf("  (%s models no POOL_ spaces)\n", cols[0].file);
        return;
    }
    size_t common = 0;
    printf("  in every state:");
    for (size_t i = 0, m = cmp_list_len(&cols[0], l); i < m; i++) {
        cmp_list_item(&cols[0], l, i, &it);
        if (cmp_in_all(cols, n, l, it.id))
            printf("%s %s%s%s%s", common++ ? "," : "", it.id, *it.name ? " (" : "", it.name,
                   *it.name ? ")" : "");
    }
    printf("%s\n", common ? "" : " nobody");
    for (size_t k = 0; k < n; k++) {
        size_t shown = 0;
        printf("  only in %s%s:", cols[k].label, n > 2 ? " (and some others)" : "");
        for (size_t i = 0, m = cmp_list_len(&cols[k], l); i < m; i++) {
            cmp_list_item(&cols[k], l, i, &it);
            if (cmp_in_all(cols, n, l, it.id))
                continue;
            printf("\n    %s%s%s%s  [%s]", it.id, *it.name ? " (" : "", it.name,
                   *it.name ? ")" : "", it.reason);
            shown++;
        }
        printf("%s\n", shown ? "" : " nobody");
    }
}

void cmp_print_text(const cmp_col *cols, size_t n, const cmp_table *t)
{
    size_t *w = calloc(t->cols, sizeof *w);
    if (!w)
        return;
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols; c++) {
            size_t len = strlen(t->cell[r * t->cols + c]);
            w[c] = len > w[c] ? len : w[c];
        }
    printf("osmosis compare: %zu state%s, one column each\n\n", n, n == 1 ? "" : "s");
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++)
            printf(c + 1 < t->cols ? "%-*s  " : "%-*s", c + 1 < t->cols ? (int)w[c] : 0,
                   t->cell[r * t->cols + c]);
        printf("\n");
    }
    free(w);
    for (int l = 0; l < CMP_N_LISTS; l++)
        print_list(cols, n, l);
    printf("\nLegend\n%s", cmp_legend);
}

/* A member list as [{"id", "in_all", "name", "reason"}] */
static void json_list(osm_json *j, const cmp_col *cols, size_t n, size_t k, int l)
{
    cmp_item it;
    osm_json_begin_array(j);
    for (size_t i = 0, m = cmp_list_len(&cols[k], l); i < m; i++) {
        cmp_list_item(&cols[k], l, i, &it);
        osm_json_begin_object(j);
        osm_json_key(j, "id");
        osm_json_string(j, it.id);
        osm_json_key(j, "in_all");
        osm_json_bool(j, cmp_in_all(cols, n, l, it.id));
        osm_json_key(j, "name");
        osm_json_string(j, it.name);
        osm_json_key(j, "reason");
        osm_json_string(j, it.reason);
        osm_json_end_object(j);
    }
    osm_json_end_array(j);
}

/* The JSON of one column: keys sorted. */
static void json_col(osm_json *j, const cmp_col *cols, size_t n, size_t k)
{
    const cmp_col *c = &cols[k];
    const osm_store *s = c->store;
    int order[CMP_N_LISTS] = { CMP_CAN, CMP_BY, CMP_IB_A, CMP_IB_C, CMP_IB_I, CMP_POOLS,
                               CMP_TCB_A, CMP_TCB_C, CMP_TCB_I };  /* by key */
    osm_json_begin_object(j);
    for (int o = 0; o < CMP_N_LISTS; o++) {
        int l = order[o];
        if (l == CMP_IB_A) {
            osm_json_key(j, "file");
            osm_json_string(j, c->file);
            osm_json_key(j, "fr");
            if (c->c.pair == OSM_NONE)
                osm_json_null(j);
            else if (c->c.fr == OSM_FR_INF)
                osm_json_string(j, "inf");
            else
                osm_json_uint(j, c->c.fr);
        }
        if (l == CMP_POOLS) {
            osm_json_key(j, "label");
            osm_json_string(j, c->label);
            osm_json_key(j, "n_pds");
            osm_json_uint(j, c->n_pds);
            osm_json_key(j, "pair");
            if (c->c.pair == OSM_NONE)
                osm_json_null(j);
            else
                osm_json_string(j, osm_node_id(s, c->c.pair));
            osm_json_key(j, "pd");
            osm_json_string(j, osm_node_id(s, c->c.pd));
            osm_json_key(j, "pd_name");
            osm_json_string(j, osm_node_data_name(s, c->c.pd) ? osm_node_data_name(s, c->c.pd) : "");
            osm_json_key(j, "pools");
            if (!c->c.has_pools) {
                osm_json_null(j);
            } else {
                osm_json_begin_array(j);
                for (size_t i = 0; i < c->c.n_pools; i++)
                    osm_json_string(j, osm_node_id(s, c->c.pools[i]));
                osm_json_end_array(j);
            }
        }
        osm_json_key(j, cmp_list_key[l]);
        if (l == CMP_POOLS && !c->c.has_pools)
            osm_json_null(j);
        else
            json_list(j, cols, n, k, l);
        if (l == CMP_POOLS) {
            osm_json_key(j, "rsi");
            if (c->c.pair == OSM_NONE) {
                osm_json_null(j);
            } else {
                osm_json_begin_object(j);
                for (size_t i = 0; i < c->c.n_rsi; i++) {
                    osm_json_key(j, osm_store_type_name(s, c->c.rsi_types[i]));
                    osm_json_double(j, c->c.rsi[i]);
                }
                osm_json_end_object(j);
            }
        }
    }
    osm_json_end_object(j);
}

void cmp_print_json(const cmp_col *cols, size_t n)
{
    osm_json j;
    osm_json_init(&j, stdout, true);
    osm_json_begin_object(&j);
    osm_json_key(&j, "states");
    osm_json_begin_array(&j);
    for (size_t k = 0; k < n; k++)
        json_col(&j, cols, n, k);
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
}
