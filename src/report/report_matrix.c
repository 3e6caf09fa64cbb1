/*
 * The pairwise metrics of the chosen PDs (MODEL.md §5): a fault-ripple
 * matrix and one resource-sharing-index matrix per resource type, with a
 * selector showing one type at a time.  Cells are shaded by value so that
 * strongly coupled pairs stand out.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { MAX_MATRIX_PDS = 30 };

static void matrix_head(osm_report *r, size_t n)
{
    fputs("<tr><th></th>", r->f);
    for (size_t j = 0; j < n; j++) {
        fputs("<th class=\"id\">", r->f);
        osm_report_esc(r->f, osm_node_id(r->s, r->pds[j]));
        fputs("</th>", r->f);
    }
    fputs("</tr>\n", r->f);
}

static void row_head(osm_report *r, size_t i)
{
    fputs("<tr><th class=\"id\">", r->f);
    osm_report_esc(r->f, osm_node_id(r->s, r->pds[i]));
    fputs("</th>", r->f);
}

static void write_fr(osm_report *r, size_t n)
{
    static const char *const shade[] = { "#f08a7a", "#f6b38e", "#fbd9a6", "#fdeccc" };
    FILE *f = r->f;
    fputs("<h3>Fault ripple (FR)</h3>\n<p class=\"note\">How many REQUEST hops a fault needs "
          "to reach a PD both depend on: 0 = one depends on the other directly, &infin; = no "
          "common server.</p>\n<div class=\"wide\"><table>", f);
    matrix_head(r, n);
    for (size_t i = 0; i < n; i++) {
        row_head(r, i);
        for (size_t j = 0; j < n; j++) {
            uint32_t fr = OSM_FR_INF;
            if (i == j) {
                fputs("<td class=\"m\">&mdash;</td>", f);
                continue;
            }
            if (osm_fr(r->q, r->pds[i], r->pds[j], &fr) < 0)
                fr = OSM_FR_INF;
            if (fr == OSM_FR_INF)
                fputs("<td class=\"m\">&infin;</td>", f);
            else
                fprintf(f, "<td class=\"m\" style=\"background:%s\">%u</td>",
                        shade[fr < 3 ? fr : 3], fr);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

/* rsi[(i * n + j) * nt + k] for type types[k]; symmetric. */
typedef struct rsi_grid {
    osm_id *types;
    size_t nt;
    double *v;
} rsi_grid;

static int fill_rsi(osm_report *r, size_t n, rsi_grid *g)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            osm_id *types;
            double *rsi;
            size_t nt;
            if (osm_rsi_all(r->q, r->pds[i], r->pds[j], &types, &rsi, &nt) < 0)
                return -1;
            if (!g->v) {
                g->types = types;
                g->nt = nt;
                g->v = calloc(n * n * (nt ? nt : 1), sizeof *g->v);
                types = NULL;
                if (!g->v) {
                    free(rsi);
                    return -1;
                }
            }
            for (size_t k = 0; k < nt && k < g->nt; k++) {
                g->v[(i * n + j) * g->nt + k] = rsi[k];
                g->v[(j * n + i) * g->nt + k] = rsi[k];
            }
            free(types);
            free(rsi);
        }
    return 0;
}

static bool type_wanted(osm_report *r, osm_id t)
{
    return !r->qo.types || (t < r->types.n && r->types.res[t]);
}

static void write_rsi_table(osm_report *r, const rsi_grid *g, size_t n, size_t k, bool shown)
{
    FILE *f = r->f;
    fputs("<table class=\"rsi", f);
    fputs(shown ? "\"" : " hidden\"", f);
    fputs(" data-type=\"", f);
    osm_report_esc(f, osm_store_type_name(r->s, g->types[k]));
    fputs("\">", f);
    matrix_head(r, n);
    for (size_t i = 0; i < n; i++) {
        row_head(r, i);
        for (size_t j = 0; j < n; j++) {
            if (i == j) {
                fputs("<td class=\"m\">&mdash;</td>", f);
                continue;
            }
            double v = g->v[(i * n + j) * g->nt + k];
            /* White at 0 to deep orange at 1. */
            int shade = 255 - (int)(v * 120.0 + 0.5);
            if (v > 0)
                fprintf(f, "<td class=\"m\" style=\"background:rgb(255,%d,%d)\">%.2f</td>", shade,
                        shade - 40 > 0 ? shade - 40 : 0, v);
            else
                fputs("<td class=\"m\">0</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void write_rsi(osm_report *r, const rsi_grid *g, size_t n)
{
    FILE *f = r->f;
    /* Show MO first when present (the original evaluation's headline),
     * else the first type with any sharing. */
    size_t first = g->nt;
    for (size_t k = 0; k < g->nt; k++)
        if (type_wanted(r, g->types[k]) && !strcmp(osm_store_type_name(r->s, g->types[k]), "MO"))
            first = k;
    for (size_t k = 0; first == g->nt && k < g->nt; k++)
        if (type_wanted(r, g->types[k]))
            for (size_t c = 0; c < n * n && first == g->nt; c++)
                if (g->v[c * g->nt + k] > 0)
                    first = k;
    for (size_t k = 0; first == g->nt && k < g->nt; k++)
        if (type_wanted(r, g->types[k]))
            first = k;
    fputs("<h3>Resource sharing index (RSI)</h3>\n<p class=\"note\">The share of resources of "
          "one type that both PDs reach within four HOLD / MAP hops (|A&cap;B| / |A&cup;B|; MO "
          "weighted by pages). Type: <select onchange=\"osmRsi(this.value)\">", f);
    for (size_t k = 0; k < g->nt; k++) {
        if (!type_wanted(r, g->types[k]))
            continue;
        fputs("<option", f);
        if (k == first)
            fputs(" selected", f);
        fputs(">", f);
        osm_report_esc(f, osm_store_type_name(r->s, g->types[k]));
        fputs("</option>", f);
    }
    fputs("</select></p>\n<div class=\"wide\">", f);
    for (size_t k = 0; k < g->nt; k++)
        if (type_wanted(r, g->types[k]))
            write_rsi_table(r, g, n, k, k == first);
    fputs("</div>\n", f);
}

int osm_report_matrix(osm_report *r)
{
    size_t n = r->n_pds < MAX_MATRIX_PDS ? r->n_pds : MAX_MATRIX_PDS;
    fputs("<h2 id=\"matrix\">Pairwise metrics of the chosen PDs</h2>\n", r->f);
    if (n < 2) {
        fputs("<p class=\"note\">Choose at least two PDs for the RSI / FR matrix.</p>\n", r->f);
        return 0;
    }
    if (n < r->n_pds)
        fprintf(r->f, "<p class=\"note\">The first %zu of the %zu chosen PDs.</p>\n", n, r->n_pds);
    write_fr(r, n);
    rsi_grid g = { 0 };
    int rc = fill_rsi(r, n, &g);
    if (rc == 0 && g.nt)
        write_rsi(r, &g, n);
    free(g.types);
    free(g.v);
    return rc;
}
