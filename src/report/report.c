/*
 * The report page: header, state summary, PD table, one section per chosen
 * PD (picture, TCB and impact boundary with reasons), then the RSI / FR
 * matrix.  Tables are capped so that a million-edge state still gives a
 * page of a few megabytes; the caps are stated on the page.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum {
    DEFAULT_MAX_PDS = 24,       /* PD sections when none are chosen */
    MAX_MEMBER_ROWS = 100,      /* rows per TCB / IB table */
    MAX_PD_ROWS = 2000          /* rows of the PD summary table */
};

static _Thread_local const osm_store *sort_store;

static int cmp_pd_id(const void *a, const void *b)
{
    return osm_id_natural_cmp(osm_node_id(sort_store, *(const osm_id *)a),
                              osm_node_id(sort_store, *(const osm_id *)b));
}

/* TCB sizes by node, for the default section order. */
static _Thread_local const size_t *sort_tcb_size;

/* The kernel and the root task first, then the most exposed (largest TCB),
 * then natural ID: on a host the first sections are the ones that matter. */
static int cmp_pd_exposed(const void *a, const void *b)
{
    osm_id x = *(const osm_id *)a, y = *(const osm_id *)b;
    bool px = osm_cleanup_protected(sort_store, x), py = osm_cleanup_protected(sort_store, y);
    if (px != py)
        return px ? -1 : 1;
    if (sort_tcb_size[x] != sort_tcb_size[y])
        return sort_tcb_size[x] > sort_tcb_size[y] ? -1 : 1;
    return cmp_pd_id(a, b);
}

/* The chosen PDs without repeats: those asked for (natural ID order), else
 * the kernel and root task and then the most exposed, up to max_pds.  Sets
 * *total to the number of PDs in the state. */
static int choose_pds(osm_report *r, size_t *total, const osm_all *all)
{
    const osm_store *s = r->s;
    size_t n = osm_store_node_count_kind(s, OSM_PD);
    *total = n;
    r->pds = malloc((n + r->o->n_pds + 1) * sizeof *r->pds);
    if (!r->pds)
        return -1;
    if (r->o->pds) {
        memcpy(r->pds, r->o->pds, r->o->n_pds * sizeof *r->pds);
        r->n_pds = r->o->n_pds;
    } else {
        for (osm_id v = osm_store_next_node(s, OSM_NONE); v != OSM_NONE; v = osm_store_next_node(s, v))
            if (osm_node_kind(s, v) == OSM_PD)
                r->pds[r->n_pds++] = v;
    }
    sort_store = s;
    qsort(r->pds, r->n_pds, sizeof *r->pds, cmp_pd_id);
    size_t m = 0;
    for (size_t i = 0; i < r->n_pds; i++)
        if (!m || r->pds[m - 1] != r->pds[i])
            r->pds[m++] = r->pds[i];
    r->n_pds = m;
    if (!r->o->pds) {
        size_t *sz = calloc(osm_store_node_bound(s) + 1, sizeof *sz);
        if (!sz)
            return -1;
        for (size_t i = 0; i < all->n_pds; i++)
            sz[all->pds[i]] = all->tcb_off[i + 1] - all->tcb_off[i];
        sort_tcb_size = sz;
        qsort(r->pds, r->n_pds, sizeof *r->pds, cmp_pd_exposed);
        sort_tcb_size = NULL;
        free(sz);
    }
    size_t cap = r->o->max_pds ? r->o->max_pds : DEFAULT_MAX_PDS;
    if (!r->o->pds && r->n_pds > cap)
        r->n_pds = cap;
    return 0;
}

static void pd_link(osm_report *r, osm_id pd)
{
    FILE *f = r->f;
    fputs("<a class=\"id\" href=\"#pd-", f);
    osm_report_anchor(f, osm_node_id(r->s, pd));
    fputs("\">", f);
    osm_report_esc(f, osm_node_id(r->s, pd));
    fputs("</a>", f);
}

static bool is_chosen(const osm_report *r, osm_id pd)
{
    for (size_t i = 0; i < r->n_pds; i++)
        if (r->pds[i] == pd)
            return true;
    return false;
}

static void pd_name(osm_report *r, osm_id pd)
{
    if (is_chosen(r, pd))
        pd_link(r, pd);
    else {
        fputs("<span class=\"id\">", r->f);
        osm_report_esc(r->f, osm_node_id(r->s, pd));
        fputs("</span>", r->f);
    }
    fputs(" <span class=\"note\">", r->f);
    osm_report_esc(r->f, osm_node_data_name(r->s, pd));
    fputs("</span>", r->f);
}

static const char *view_name(osm_property p)
{
    return p == OSM_PROP_I ? "integrity (I)" : p == OSM_PROP_C ? "confidentiality (C)"
                                                               : "availability (A)";
}

static void write_header(osm_report *r)
{
    const osm_store *s = r->s;
    FILE *f = r->f;
    char mb[8];
    fputs("<header><h1>OSmosis isolation report: ", f);
    osm_report_esc(f, r->o->title);
    fprintf(f, "</h1><p>%zu protection domains, %zu resources, %zu resource spaces, %zu edges"
               " &middot; view: %s &middot; access mode: %s &middot; resource types: ",
            osm_store_node_count_kind(s, OSM_PD), osm_store_node_count_kind(s, OSM_RESOURCE),
            osm_store_node_count_kind(s, OSM_SPACE), osm_store_edge_count(s),
            view_name(r->o->property), osm_mode_format(r->o->mode, mb));
    osm_report_esc(f, r->o->types ? r->o->types : "all");
    fputs(" &middot; osmosis " OSMOSIS_VERSION "</p></header>\n<main>\n", f);
    fputs("<div class=\"bar\"><input id=\"filter\" type=\"search\" placeholder=\"Filter by PD, "
          "resource or type&hellip;\" oninput=\"osmFilter(this.value)\"> "
          "<nav><a href=\"#summary\">Summary</a><a href=\"#pds\">PDs</a>"
          "<a href=\"#sections\">TCB &amp; impact boundary</a><a href=\"#matrix\">RSI / FR</a>"
          "</nav></div>\n", f);
    fputs("<p class=\"note\">The <b>TCB</b> of a PD is every PD that can slow, starve, stop or "
          "(in the I / C views) tamper with or read it: PDs that share a resource or a resource "
          "space with it, that serve its resources (directly or behind its servers), or that "
          "can control it. Its <b>impact boundary</b> is every PD whose TCB contains it. "
          "Each member is listed with the reason it is there.</p>\n", f);
}

/* Counts by kind and type, and by edge kind. */
static void write_summary(osm_report *r)
{
    const osm_store *s = r->s;
    FILE *f = r->f;
    size_t nt = osm_store_type_count(s);
    size_t *cnt = calloc(nt * 2 + 1, sizeof *cnt);
    if (!cnt)
        return;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n))
        if (osm_node_kind(s, n) != OSM_PD)
            cnt[osm_node_data(s, n) * 2 + (osm_node_kind(s, n) == OSM_SPACE)]++;
    fputs("<h2 id=\"summary\">Summary of the state</h2>\n<div class=\"cols\"><div>"
          "<table><tr><th>type</th><th>resources</th><th>resource spaces</th></tr>\n", f);
    /* Types sorted by name: a simple selection over the interned ids. */
    osm_id *ids = malloc((nt + 1) * sizeof *ids);
    size_t m = 0;
    for (size_t t = 0; ids && t < nt; t++)
        if (cnt[t * 2] || cnt[t * 2 + 1])
            ids[m++] = (osm_id)t;
    for (size_t i = 0; ids && i < m; i++)
        for (size_t j = i + 1; j < m; j++)
            if (strcmp(osm_store_type_name(s, ids[j]), osm_store_type_name(s, ids[i])) < 0) {
                osm_id t = ids[i];
                ids[i] = ids[j];
                ids[j] = t;
            }
    for (size_t i = 0; ids && i < m; i++) {
        fputs("<tr><td>", f);
        osm_report_esc(f, osm_store_type_name(s, ids[i]));
        fprintf(f, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                cnt[ids[i] * 2], cnt[ids[i] * 2 + 1]);
    }
    free(ids);
    free(cnt);
    fputs("</table></div><div><table><tr><th>edge kind</th><th>count</th></tr>\n", f);
    for (int k = 0; k < OSM_EDGE_KIND_COUNT; k++)
        fprintf(f, "<tr><td>%s</td><td class=\"n\">%zu</td></tr>\n",
                osm_edge_kind_name((osm_edge_kind)k), osm_store_edge_count_kind(s, (osm_edge_kind)k));
    fputs("</table></div></div>\n", f);
}

/* Every PD with its TCB and IB sizes (from one osm_query_all), in natural
 * ID order. */
static int write_pd_table(osm_report *r, size_t total, const osm_all *a)
{
    FILE *f = r->f;
    osm_all all = *a;
    osm_id *order = malloc((all.n_pds + 1) * sizeof *order);
    size_t *row_of = calloc(osm_store_node_bound(r->s) + 1, sizeof *row_of);
    if (!order || !row_of) {
        free(order);
        free(row_of);
        return -1;
    }
    memcpy(order, all.pds, all.n_pds * sizeof *order);
    sort_store = r->s;
    qsort(order, all.n_pds, sizeof *order, cmp_pd_id);
    for (size_t i = 0; i < all.n_pds; i++)
        row_of[all.pds[i]] = i;
    fprintf(f, "<h2 id=\"pds\">Protection domains</h2>\n<p class=\"note\">%zu PDs; %zu have a "
               "section below", total, r->n_pds);
    if (!r->o->pds && r->n_pds < total)
        fputs(" (the kernel and root task, then the largest TCBs; choose others with "
              "<code>--pd</code>)", f);
    fputs(".</p>\n<div class=\"scroll\"><table><tr><th>PD</th><th>name</th><th>TCB size</th>"
          "<th>impact boundary size</th></tr>\n", f);
    size_t rows = all.n_pds < MAX_PD_ROWS ? all.n_pds : MAX_PD_ROWS;
    for (size_t k = 0; k < rows; k++) {
        osm_id pd = order[k];
        size_t i = row_of[pd];
        fputs("<tr data-f><td>", f);
        if (is_chosen(r, pd))
            pd_link(r, pd);
        else
            osm_report_esc(f, osm_node_id(r->s, pd));
        fputs("</td><td>", f);
        osm_report_esc(f, osm_node_data_name(r->s, pd));
        fprintf(f, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                all.tcb_off[i + 1] - all.tcb_off[i], all.ib_off[i + 1] - all.ib_off[i]);
    }
    fputs("</table></div>\n", f);
    if (rows < all.n_pds)
        fprintf(f, "<p class=\"note\">&hellip; and %zu more PDs (see <code>osmosis tcb</code>).</p>\n",
                all.n_pds - rows);
    free(order);
    free(row_of);
    return 0;
}

/* The witness of a member's reason: "MO_4_5 (MO)". */
static void write_via(osm_report *r, const osm_member *m)
{
    if (m->via == OSM_NONE)
        return;
    fputs("via <span class=\"id\">", r->f);
    osm_report_esc(r->f, osm_node_id(r->s, m->via));
    fputs("</span> (", r->f);
    osm_report_esc(r->f, osm_node_data_name(r->s, m->via));
    fputs(")", r->f);
}

static void write_members(osm_report *r, const char *title, const osm_members *ms,
                          const osm_way *ways)
{
    FILE *f = r->f;
    fprintf(f, "<div><h3>%s: %zu PD%s</h3>\n", title, ms->n, ms->n == 1 ? "" : "s");
    if (!ms->n) {
        fputs("<p class=\"note\">none</p></div>\n", f);
        return;
    }
    fprintf(f, "<div class=\"scroll\"><table><tr><th>PD</th>%s<th>why</th><th>reason</th></tr>\n",
            ways ? "<th>way in</th>" : "");
    size_t rows = ms->n < MAX_MEMBER_ROWS ? ms->n : MAX_MEMBER_ROWS;
    for (size_t i = 0; i < rows; i++) {
        const osm_member *m = &ms->v[i];
        if (ways)
            fprintf(f, "<tr data-f data-way=\"%s\"><td>", osm_way_name(ways[i]));
        else
            fputs("<tr data-f><td>", f);
        pd_name(r, m->pd);
        if (ways)
            fprintf(f, "</td><td><span class=\"way w%d\">%s</span>", (int)ways[i],
                    osm_way_name(ways[i]));
        fputs("</td><td>", f);
        for (uint32_t b = 1; b <= OSM_COMP_CONTROL_BY; b <<= 1)
            if (m->comps & b)
                fprintf(f, "<span class=\"badge b%u\">%s</span>", b, osm_report_comp_label(b));
        fputs("</td><td>", f);
        write_via(r, m);
        if (m->why_len) {
            char *chain = osm_steps_format(r->q, ms->steps + m->why_off, m->why_len);
            if (chain) {
                fputs("<div class=\"chain id\">", f);
                osm_report_esc(f, chain);
                fputs("</div>", f);
            }
            free(chain);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
    if (rows < ms->n)
        fprintf(f, "<p class=\"note\">&hellip; and %zu more (all of them: <code>osmosis tcb</code> / "
                   "<code>osmosis ib</code>).</p>\n", ms->n - rows);
    fputs("</div>\n", f);
}

static int write_pd_section(osm_report *r, osm_id x)
{
    FILE *f = r->f;
    osm_members tcb = { 0 }, ib = { 0 };
    int rc = -1;
    if (osm_tcb(r->q, x, &r->qo, &tcb) < 0 || osm_ib(r->q, x, &r->qo, &ib) < 0) {
        snprintf(r->err, r->errlen, "query failed for %s", osm_node_id(r->s, x));
        goto out;
    }
    fputs("<section class=\"pd\" data-f id=\"pd-", f);
    osm_report_anchor(f, osm_node_id(r->s, x));
    fputs("\"><h3><span class=\"id\">", f);
    osm_report_esc(f, osm_node_id(r->s, x));
    fputs("</span> &mdash; ", f);
    osm_report_esc(f, osm_node_data_name(r->s, x));
    fprintf(f, "</h3>\n<p>TCB: <b>%zu</b> PDs &middot; impact boundary: <b>%zu</b> PDs</p>\n",
            tcb.n, ib.n);
    if (osm_report_svg(r, x, &tcb, &ib) < 0)
        goto out;
    fputs("<div class=\"cols\">\n", f);
    /* The TCB table lists members strongest way in first. */
    osm_ranking rk;
    if (osm_tcb_ranked(r->q, x, &r->qo, &rk) < 0)
        goto out;
    osm_members rt = { .v = malloc((rk.n + 1) * sizeof *rt.v), .n = rk.n, .steps = rk.steps };
    osm_way *ways = malloc((rk.n + 1) * sizeof *ways);
    if (!rt.v || !ways) {
        free(rt.v);
        free(ways);
        osm_ranking_free(&rk);
        goto out;
    }
    for (size_t i = 0; i < rk.n; i++) {
        const osm_ranked *e = &rk.v[i];
        rt.v[i] = (osm_member){ e->pd, e->comps, e->comps, e->via, e->why_off, e->why_len };
        ways[i] = e->way;
    }
    write_members(r, "TCB (strongest way in first)", &rt, ways);
    free(rt.v);
    free(ways);
    osm_ranking_free(&rk);
    write_members(r, "Impact boundary", &ib, NULL);
    fputs("</div></section>\n", f);
    rc = 0;
out:
    osm_members_free(&tcb);
    osm_members_free(&ib);
    return rc;
}

static int write_page(osm_report *r)
{
    size_t total;
    osm_all all;
    osm_qopts qo = r->qo;
    qo.why = false;
    if (osm_query_all(r->q, &qo, true, &all) < 0)
        return -1;
    if (choose_pds(r, &total, &all) < 0) {
        osm_all_free(&all);
        return -1;
    }
    osm_report_page_head(r->f, r->o->title);
    write_header(r);
    write_summary(r);
    int rc = write_pd_table(r, total, &all);
    if (rc == 0)
        rc = osm_report_classes(r, &all);
    osm_all_free(&all);
    if (rc < 0)
        return -1;
    fputs("<h2 id=\"sections\">TCB and impact boundary per PD</h2>\n"
          "<p class=\"legend note\"><span><i class=\"sw\" style=\"background:#ffd966\"></i>the PD"
          "</span><span><i class=\"sw\" style=\"background:#f4b6a6\"></i>in its TCB</span>"
          "<span><i class=\"sw\" style=\"background:#b6d3f0\"></i>in its impact boundary</span>"
          "<span><i class=\"sw\" style=\"background:#d7b8e8\"></i>both</span>"
          "<span><i class=\"sw\" style=\"background:#eef1f6\"></i>resource (&ldquo;N &times; TYPE&rdquo;"
          " = N resources of one type in one space)</span>"
          "<span><i class=\"sw\" style=\"background:#dcefd9\"></i>resource space</span></p>\n",
          r->f);
    for (size_t i = 0; i < r->n_pds; i++)
        if (write_pd_section(r, r->pds[i]) < 0)
            return -1;
    if (osm_report_matrix(r) < 0)
        return -1;
    osm_report_page_tail(r->f);
    return 0;
}

int osm_report_write(const osm_store *s, const osm_report_opts *o, FILE *f, char *err,
                     size_t errlen)
{
    osm_report r = { .s = s, .o = o, .f = f, .err = err, .errlen = errlen };
    err[0] = 0;
    r.q = osm_query_new(s);
    if (!r.q) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r.qo = (osm_qopts){ .mode = o->mode, .property = o->property, .why = true };
    int rc = -1;
    if (o->types) {
        char bad[64];
        if (osm_typeset_parse(r.q, o->types, &r.types, bad) < 0) {
            if (bad[0])
                snprintf(err, errlen, "no resource or space of type '%s' in the state", bad);
            else
                snprintf(err, errlen, "bad type list '%s'", o->types);
            goto out;
        }
        r.qo.types = &r.types;
    }
    rc = write_page(&r);
    if (rc < 0 && !err[0])
        snprintf(err, errlen, "out of memory");
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "write error");
        rc = -1;
    }
out:
    if (o->types)
        osm_typeset_free(&r.types);
    free(r.pds);
    osm_report_svg_free(&r);
    osm_query_free(r.q);
    return rc;
}
