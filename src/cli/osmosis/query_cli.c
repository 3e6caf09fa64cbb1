/* Helpers shared by the query verbs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_cli.h"

void qcli_init(qcli *c)
{
    memset(c, 0, sizeof *c);
}

int qcli_oom(const char *verb)
{
    fprintf(stderr, "osmosis %s: out of memory\n", verb);
    return CLI_USAGE;
}

int qcli_open(qcli *c, const char *verb, const char *file)
{
    if (c->mode_arg && osm_mode_parse(c->mode_arg, &c->opts.mode) < 0)
        return cli_usage_error(verb, "bad mode '%s' (ANY or letters of RWXT)", c->mode_arg);
    if (c->property_arg) {
        int p = osm_property_parse(c->property_arg);
        if (p < 0)
            return cli_usage_error(verb, "bad property '%s' (A, I or C)", c->property_arg);
        c->opts.property = (osm_property)p;
        if (p != OSM_PROP_A && c->mode_arg && c->opts.mode)
            return cli_usage_error(verb, "--mode applies to --property A only (I implies W, C implies R)");
    }
    c->lo.quiet = true;
    int st = cli_load(file, &c->lo, &c->loaded);
    if (st == CLI_USAGE)
        return st;
    c->q = osm_query_new(c->loaded.store);
    if (!c->q)
        return qcli_oom(verb);
    if (c->types_arg) {
        char bad[64];
        if (osm_typeset_parse(c->q, c->types_arg, &c->types, bad) < 0) {
            if (bad[0])
                fprintf(stderr, "osmosis %s: type '%s' appears nowhere in %s\n", verb, bad, file);
            else
                fprintf(stderr, "osmosis %s: empty --types list\n", verb);
            return CLI_USAGE;
        }
        c->opts.types = &c->types;
    }
    return CLI_OK;
}

void qcli_close(qcli *c)
{
    osm_typeset_free(&c->types);
    osm_query_free(c->q);
    if (c->loaded.store)
        cli_loaded_free(&c->loaded);
    c->q = NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void qcli_json_types(osm_json *j, const qcli *c)
{
    osm_json_key(j, "types");
    if (!c->types_arg) {
        osm_json_null(j);
        return;
    }
    char *dup = strdup(c->types_arg), *names[256];
    size_t n = 0;
    for (char *t = dup ? strtok(dup, ",") : NULL; t && n < 256; t = strtok(NULL, ","))
        names[n++] = t;
    qsort(names, n, sizeof *names, cmp_str);
    osm_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        if (!i || strcmp(names[i], names[i - 1]))
            osm_json_string(j, names[i]);
    osm_json_end_array(j);
    free(dup);
}

void qcli_json_members(osm_json *j, const osm_query *q, const osm_members *m)
{
    const osm_store *s = osm_query_store(q);
    osm_json_begin_array(j);
    for (size_t i = 0; i < m->n; i++)
        osm_json_string(j, osm_node_id(s, m->v[i].pd));
    osm_json_end_array(j);
}

void qcli_json_ids(osm_json *j, const osm_store *s, osm_id *v, size_t n)
{
    osm_id *w = malloc((n + 1) * sizeof *w);
    osm_json_begin_array(j);
    if (w) {
        memcpy(w, v, n * sizeof *w);
        /* sort by string ID */
        for (size_t i = 1; i < n; i++)
            for (size_t k = i; k > 0 && strcmp(osm_node_id(s, w[k - 1]), osm_node_id(s, w[k])) > 0; k--) {
                osm_id t = w[k]; w[k] = w[k - 1]; w[k - 1] = t;
            }
        for (size_t i = 0; i < n; i++)
            osm_json_string(j, osm_node_id(s, w[i]));
    }
    osm_json_end_array(j);
    free(w);
}

/* The components of a member as "a,b". */
static void comps_str(uint32_t comps, char *buf, size_t len)
{
    buf[0] = 0;
    for (uint32_t b = 1; b <= OSM_COMP_CONTROL_BY; b <<= 1)
        if (comps & b) {
            if (buf[0])
                strncat(buf, ",", len - strlen(buf) - 1);
            strncat(buf, osm_comp_name(b), len - strlen(buf) - 1);
        }
}

void qcli_json_path(osm_json *j, const osm_query *q, const osm_step *st, size_t n)
{
    const osm_store *s = osm_query_store(q);
    osm_json_begin_array(j);
    for (size_t k = 0; k < n; k++) {
        osm_id v = st[k].node;
        osm_kind kind = osm_node_kind(s, v);
        osm_json_begin_object(j);
        osm_json_key(j, "node");
        osm_json_string(j, osm_node_id(s, v));
        osm_json_key(j, "kind");
        osm_json_string(j, osm_kind_name(kind));
        osm_json_key(j, "type");    /* a PD has a name, not a type */
        if (kind == OSM_PD)
            osm_json_null(j);
        else
            osm_json_string(j, osm_node_data_name(s, v));
        osm_json_key(j, "name");
        if (kind == OSM_PD)
            osm_json_string(j, osm_node_data_name(s, v));
        else
            osm_json_null(j);
        osm_json_key(j, "edge");    /* the edge from the previous step */
        if (!k) {
            osm_json_null(j);
        } else {
            osm_json_begin_object(j);
            osm_json_key(j, "kind");
            osm_json_string(j, osm_edge_kind_name((osm_edge_kind)OSM_ADJ_KIND(st[k].info)));
            osm_json_key(j, "dir");
            osm_json_string(j, st[k].back ? "back" : "fwd");
            osm_json_end_object(j);
        }
        osm_json_key(j, "perms");
        uint8_t perms = (uint8_t)OSM_ADJ_PERMS(st[k].info);
        if (!k || !(perms & OSM_PERM_RWXT)) {
            osm_json_null(j);
        } else {
            char pb[8];
            osm_json_string(j, osm_perms_format(perms, pb));
        }
        osm_json_end_object(j);
    }
    osm_json_end_array(j);
}

void qcli_json_names(osm_json *j, const osm_query *q, const osm_id *pds, size_t n)
{
    const osm_store *s = osm_query_store(q);
    osm_id *w = malloc((n + 1) * sizeof *w);
    osm_json_begin_object(j);
    if (w) {
        memcpy(w, pds, n * sizeof *w);
        for (size_t i = 1; i < n; i++)   /* keys sorted by ID, as the arrays */
            for (size_t k = i; k > 0 && strcmp(osm_node_id(s, w[k - 1]), osm_node_id(s, w[k])) > 0; k--) {
                osm_id t = w[k]; w[k] = w[k - 1]; w[k - 1] = t;
            }
        for (size_t i = 0; i < n; i++)
            if (!i || w[i] != w[i - 1]) {
                osm_json_key(j, osm_node_id(s, w[i]));
                osm_json_string(j, osm_node_data_name(s, w[i]));
            }
    }
    osm_json_end_object(j);
    free(w);
}

/* "components": [names of the bits in comps], "via": ID or null. */
static void json_comps_via(osm_json *j, const osm_store *s, uint32_t comps, osm_id via)
{
    osm_json_key(j, "components");
    osm_json_begin_array(j);
    for (uint32_t b = 1; b <= OSM_COMP_CONTROL_BY; b <<= 1)
        if (comps & b)
            osm_json_string(j, osm_comp_name(b));
    osm_json_end_array(j);
    osm_json_key(j, "via");
    if (via == OSM_NONE)
        osm_json_null(j);
    else
        osm_json_string(j, osm_node_id(s, via));
}

void qcli_json_ranked(osm_json *j, const osm_query *q, const osm_ranking *r)
{
    const osm_store *s = osm_query_store(q);
    osm_json_begin_array(j);
    for (size_t i = 0; i < r->n; i++) {
        const osm_ranked *e = &r->v[i];
        osm_json_begin_object(j);
        osm_json_key(j, "pd");
        osm_json_string(j, osm_node_id(s, e->pd));
        osm_json_key(j, "name");
        osm_json_string(j, osm_node_data_name(s, e->pd));
        osm_json_key(j, "way");
        osm_json_string(j, osm_way_name(e->way));
        json_comps_via(j, s, e->comps, e->via);
        if (e->why_len) {
            osm_json_key(j, "path");
            qcli_json_path(j, q, r->steps + e->why_off, e->why_len);
        }
        osm_json_end_object(j);
    }
    osm_json_end_array(j);
}

void qcli_print_ranked(const osm_query *q, const osm_ranking *r, bool why)
{
    const osm_store *s = osm_query_store(q);
    if (!r->n)
        return;
    printf("  %-16s %-16s %-20s %s\n", "WAY", "PD", "NAME", "VIA");
    for (size_t i = 0; i < r->n; i++) {
        const osm_ranked *e = &r->v[i];
        printf("  %-16s %-16s %-20s %s\n", osm_way_name(e->way), osm_node_id(s, e->pd),
               osm_node_data_name(s, e->pd), e->via == OSM_NONE ? "-" : osm_node_id(s, e->via));
        if (why && e->why_len) {
            char *chain = osm_steps_format(q, r->steps + e->why_off, e->why_len);
            printf("      why: %s\n", chain ? chain : "?");
            free(chain);
        }
    }
}

void qcli_json_why(osm_json *j, const osm_query *q, const osm_members *m)
{
    const osm_store *s = osm_query_store(q);
    osm_json_begin_object(j);
    for (size_t i = 0; i < m->n; i++) {
        const osm_member *e = &m->v[i];
        osm_json_key(j, osm_node_id(s, e->pd));
        osm_json_begin_object(j);
        osm_json_key(j, "component");
        osm_json_string(j, osm_comp_name(e->comp));
        json_comps_via(j, s, e->comps, e->via);
        osm_json_key(j, "path");
        qcli_json_path(j, q, &m->steps[e->why_off], e->why_len);
        osm_json_end_object(j);
    }
    osm_json_end_object(j);
}

void qcli_print_members(const osm_query *q, const osm_members *m, bool why)
{
    const osm_store *s = osm_query_store(q);
    if (!m->n)
        return;
    printf("  %-16s %-20s %-40s %s\n", "PD", "NAME", "COMPONENTS", "VIA");
    for (size_t i = 0; i < m->n; i++) {
        const osm_member *e = &m->v[i];
        char cb[160];
        comps_str(e->comps, cb, sizeof cb);
        printf("  %-16s %-20s %-40s %s\n", osm_node_id(s, e->pd), osm_node_data_name(s, e->pd), cb,
               e->via == OSM_NONE ? "-" : osm_node_id(s, e->via));
        if (why && e->why_len) {
            char *chain = osm_steps_format(q, &m->steps[e->why_off], e->why_len);
            printf("      why: %s\n", chain ? chain : "?");
            free(chain);
        }
    }
}

int qcli_parse_depth(const char *s, uint32_t *out)
{
    if (!strcasecmp(s, "inf") || !strcasecmp(s, "infinity")) {
        *out = OSM_DEPTH_INF;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v >= OSM_DEPTH_INF)
        return -1;
    *out = (uint32_t)v;
    return 0;
}
