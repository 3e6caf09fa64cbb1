/* osmosis compare --html: a self-contained page, one column per state, in
 * the colours and layout of `osmosis report` (its own small writer: the
 * report's code is not shared so that either can change alone). */
#include <stdlib.h>
#include <string.h>

#include "compare_view.h"

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "margin:0;color:#1d2330;background:#f6f7f9}\n"
    "header{background:#22304a;color:#fff;padding:14px 24px}\n"
    "header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.8}\n"
    "main{padding:8px 24px 40px;max-width:1400px}\n"
    "h2{margin:28px 0 8px;font-size:18px;border-bottom:2px solid #d0d6e0}\n"
    "section{background:#fff;border:1px solid #d0d6e0;border-radius:6px;padding:4px 16px 14px;"
    "margin:14px 0}\n"
    "table{border-collapse:collapse;margin:6px 0}\n"
    "th,td{border:1px solid #d8dde6;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#eef1f6;font-weight:600}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code,.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}\n"
    "tr.only td{background:#fff1bf}\n"
    "td.no{color:#aab}\n"
    ".note{color:#666;font-size:12.5px}\n"
    "pre.legend{background:#fff;border:1px solid #d0d6e0;padding:8px 12px;white-space:pre-wrap}\n";

/* Write s with &, <, >, " escaped. */
static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* The summary table: a row per measure, a column per state. */
static void summary(FILE *f, const cmp_table *t)
{
    fputs("<section><h2>Summary</h2>\n<table id=\"summary\">\n", f);
    for (size_t r = 0; r < t->rows; r++) {
        fputs("<tr>", f);
        for (size_t c = 0; c < t->cols; c++) {
            const char *tag = r == 0 || c == 0 ? "th" : "td";
            fprintf(f, "<%s%s>", tag, r > 2 && c > 0 ? " class=\"n\"" : "");
            esc(f, t->cell[r * t->cols + c]);
            fprintf(f, "</%s>", tag);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table></section>\n", f);
}

/* Whether id was already a row of list l (from an earlier column). */
static bool seen_before(const cmp_col *cols, size_t k, int l, const char *id)
{
    for (size_t j = 0; j < k; j++)
        if (cmp_list_has(&cols[j], l, id))
            return true;
    return false;
}

/* The reason id is in list l of column c, or NULL. */
static const char *reason_in(const cmp_col *c, int l, const char *id, cmp_item *it)
{
    for (size_t i = 0, m = cmp_list_len(c, l); i < m; i++) {
        cmp_list_item(c, l, i, it);
        if (strcmp(it->id, id) == 0)
            return it->reason;
    }
    return NULL;
}

/* One list: a row per member of any state, its reason in each column;
 * members not in every state are highlighted. */
static void list_table(FILE *f, const cmp_col *cols, size_t n, int l)
{
    fprintf(f, "<section><h2>%s</h2><p class=\"note\">", cmp_list_title[l]);
    esc(f, cmp_list_help[l]);
    fputs(". Highlighted: not in every state.</p>\n", f);
    if (l == CMP_POOLS && !cols[0].c.has_pools) {
        fputs("<p class=\"note\">The state models no POOL_ spaces.</p></section>\n", f);
        return;
    }
    fprintf(f, "<table class=\"members\" data-list=\"%s\"><tr><th>PD</th><th>name</th>",
            cmp_list_key[l]);
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "<th>%s: ", cols[k].label);
        esc(f, cols[k].file);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    cmp_item it, other;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0, m = cmp_list_len(&cols[k], l); i < m; i++) {
            cmp_list_item(&cols[k], l, i, &it);
            if (seen_before(cols, k, l, it.id))
                continue;
            fprintf(f, "<tr%s><td class=\"id\">", cmp_in_all(cols, n, l, it.id) ? "" :
                    " class=\"only\"");
            esc(f, it.id);
            fputs("</td><td>", f);
            esc(f, it.name);
            fputs("</td>", f);
            for (size_t j = 0; j < n; j++) {
                const char *why = reason_in(&cols[j], l, it.id, &other);
                fputs(why ? "<td>" : "<td class=\"no\">", f);
                esc(f, why ? why : "not a member");
                fputs("</td>", f);
            }
            fputs("</tr>\n", f);
        }
    fputs("</table></section>\n", f);
}

void cmp_write_html(FILE *f, const cmp_col *cols, size_t n, const cmp_table *t)
{
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>OSmosis comparison</title>\n<style>\n%s</style>\n</head>\n<body>\n"
               "<header><h1>OSmosis comparison: %zu state%s</h1><p>",
            css, n, n == 1 ? "" : "s");
    for (size_t k = 0; k < n; k++) {
        char lab[160];
        cmp_pd_label(cols[k].store, cols[k].c.pd, lab, sizeof lab);
        fprintf(f, "%s%s: ", k ? " · " : "", cols[k].label);
        esc(f, lab);
        fputs(" in ", f);
        esc(f, cols[k].file);
    }
    fputs("</p></header>\n<main>\n", f);
    summary(f, t);
    for (int l = 0; l < CMP_N_LISTS; l++)
        list_table(f, cols, n, l);
    fputs("<h2>Legend</h2>\n<pre class=\"legend\">", f);
    esc(f, cmp_legend);
    fputs("</pre>\n</main>\n</body>\n</html>\n", f);
}
