/*
 * Parts of `osmosis describe` about what a process shares inside the kernel
 * and what the extraction could not know (docs/linux.md): the spaces it
 * draws from (a Linux extraction models membership of a namespace, cgroup
 * or pool as a resource "SPACE#PID" drawn from that space; other states hold
 * spaces directly), the exhaustible kernel pools it shares with other
 * processes, and the control edges marked uncertain.  Each part is one
 * function that prints text to f or, when j is set, JSON members.
 */
#include <stdlib.h>
#include <string.h>

#include "describe.h"

/* The space resource r is drawn from (its SUBSET edge), or OSM_NONE. */
static osm_id subset_of(const osm_store *s, osm_id r)
{
    for (osm_id e = osm_store_first_out(s, r); e != OSM_NONE; e = osm_store_next_out(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind == OSM_SUBSET)
            return ed.to;
    }
    return OSM_NONE;
}

osm_id dsc_space_of(const osm_store *s, osm_id pd, const char *type)
{
    for (osm_id e = osm_store_first_out(s, pd); e != OSM_NONE; e = osm_store_next_out(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind != OSM_HOLD || strcmp(osm_node_data_name(s, ed.to), type))
            continue;
        if (osm_node_kind(s, ed.to) == OSM_SPACE)
            return ed.to;
        if (osm_node_kind(s, ed.to) == OSM_RESOURCE && strchr(osm_node_id(s, ed.to), '#'))
            return subset_of(s, ed.to);
    }
    return OSM_NONE;
}

size_t dsc_spaces_of(const osm_store *s, osm_id pd, const char *prefix, osm_id **out)
{
    size_t n = 0, cap = 0, pl = strlen(prefix);
    osm_id *v = NULL;
    for (osm_id e = osm_store_first_out(s, pd); e != OSM_NONE; e = osm_store_next_out(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind != OSM_HOLD || strncmp(osm_node_data_name(s, ed.to), prefix, pl))
            continue;
        osm_id sp = osm_node_kind(s, ed.to) == OSM_SPACE ? ed.to : subset_of(s, ed.to);
        if (sp == OSM_NONE)
            continue;
        if (n == cap) {
            osm_id *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        v[n++] = sp;
    }
    for (size_t i = 1; i < n; i++)          /* insertion sort by ID: lists are short */
        for (size_t k = i; k > 0 && strcmp(osm_node_id(s, v[k - 1]), osm_node_id(s, v[k])) > 0;
             k--) {
            osm_id t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    *out = v;
    return n;
}

/* The PDs other than pd (and the kernel, which holds every pool) that draw
 * from space sp: holders of its resources, or of sp itself. */
static size_t others_in(const osm_store *s, osm_id sp, osm_id pd, osm_id *out, size_t max)
{
    size_t n = 0;
    for (osm_id e = osm_store_first_in(s, sp); e != OSM_NONE; e = osm_store_next_in(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        osm_id holder = OSM_NONE;
        if (ed.kind == OSM_SUBSET) {
            for (osm_id h = osm_store_first_in(s, ed.from); h != OSM_NONE && holder == OSM_NONE;
                 h = osm_store_next_in(s, h)) {
                osm_edge hd;
                osm_store_edge(s, h, &hd);
                if (hd.kind == OSM_HOLD && osm_node_kind(s, hd.from) == OSM_PD)
                    holder = hd.from;
            }
        } else if (ed.kind == OSM_HOLD && osm_node_kind(s, ed.from) == OSM_PD &&
                   strcmp(osm_node_id(s, ed.from), "PD_kernel")) {
            holder = ed.from;
        }
        if (holder == OSM_NONE || holder == pd || !strcmp(osm_node_id(s, holder), "PD_kernel"))
            continue;
        if (n < max)
            out[n] = holder;
        n++;
    }
    return n;
}

const char *dsc_extra_get(const char *extra, const char *key, char *buf, size_t sz)
{
    size_t kl = strlen(key);
    buf[0] = '\0';
    for (const char *p = extra; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL)
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            const char *v = p + kl + 1, *e = strchr(v, ';');
            size_t n = e ? (size_t)(e - v) : strlen(v);
            n = n < sz ? n : sz - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
    return NULL;
}

enum { SHOW_MAX = 6 };

void dsc_pools(const osm_store *s, osm_id pd, osm_json *j, FILE *f)
{
    osm_id *sp = NULL;
    size_t n = dsc_spaces_of(s, pd, "POOL_", &sp);
    if (j) {
        osm_json_begin_array(j);
    } else {
        fprintf(f, "exhaustible kernel pools shared with other processes:%s\n",
                n ? "" : " none modelled");
    }
    for (size_t i = 0; i < n; i++) {
        const char *x = osm_node_extra(s, sp[i]);
        char what[160], limit[32], used[32], binds[96];
        dsc_extra_get(x, "what", what, sizeof what);
        dsc_extra_get(x, "limit", limit, sizeof limit);
        dsc_extra_get(x, "used", used, sizeof used);
        dsc_extra_get(x, "binds", binds, sizeof binds);
        osm_id other[SHOW_MAX];
        size_t k = others_in(s, sp[i], pd, other, SHOW_MAX);
        if (j) {
            osm_json_begin_object(j);
            osm_json_key(j, "pool");
            osm_json_string(j, osm_node_id(s, sp[i]));
            osm_json_key(j, "what");
            osm_json_string(j, what);
            osm_json_key(j, "limit");
            osm_json_string(j, limit);
            osm_json_key(j, "used");
            osm_json_string(j, used);
            osm_json_key(j, "binds");
            osm_json_string(j, binds);
            osm_json_key(j, "shared_with");
            osm_json_int(j, (int64_t)k);
            osm_json_end_object(j);
            continue;
        }
        fprintf(f, "  %-40s %s", osm_node_id(s, sp[i]), what);
        if (limit[0])
            fprintf(f, ", limit %s%s%s", limit, used[0] ? ", used " : "", used);
        if (binds[0])
            fprintf(f, ", binds: %s", binds);
        fprintf(f, "\n      shared with %zu other process%s%s", k, k == 1 ? "" : "es",
                k ? ":" : " (its own)");
        for (size_t m = 0; m < k && m < SHOW_MAX; m++)
            fprintf(f, " %s (%s)", osm_node_id(s, other[m]), osm_node_data_name(s, other[m]));
        fprintf(f, "%s\n", k > SHOW_MAX ? " ..." : "");
    }
    if (j)
        osm_json_end_array(j);
    free(sp);
}

/* The uncertain control edges of pd in one direction, grouped by perms and
 * reason: "may signal 87 processes (T): <why>: PD_1 PD_516 ...".  Returns
 * how many edges were uncertain. */
static size_t uncertain_dir(const osm_store *s, osm_id pd, bool in, osm_json *j, FILE *f)
{
    size_t total = 0;
    osm_id *seen = NULL;            /* edges already printed in a group */
    size_t n_seen = 0, cap = 0;
    for (osm_id e = in ? osm_store_first_in(s, pd) : osm_store_first_out(s, pd); e != OSM_NONE;
         e = in ? osm_store_next_in(s, e) : osm_store_next_out(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        const char *why = strstr(osm_edge_extra(s, e), "uncertain=");
        if (ed.kind != OSM_HOLD || osm_node_kind(s, ed.from) != OSM_PD ||
            osm_node_kind(s, ed.to) != OSM_PD || !why)
            continue;
        bool done = false;
        for (size_t i = 0; i < n_seen && !done; i++)
            done = seen[i] == e;
        if (done)
            continue;
        why += strlen("uncertain=");
        char perms[8];
        osm_perms_format(ed.perms, perms);
        /* the group: every later edge with the same perms and reason */
        size_t k = 0;
        if (j) {
            osm_json_begin_object(j);
            osm_json_key(j, in ? "from" : "to");
            osm_json_begin_array(j);
        } else {
            fprintf(f, "  %s (%s): %s\n     ", in ? "may be controlled by" : "may control", perms,
                    why);
        }
        for (osm_id g = e; g != OSM_NONE;
             g = in ? osm_store_next_in(s, g) : osm_store_next_out(s, g)) {
            osm_edge gd;
            osm_store_edge(s, g, &gd);
            const char *gw = strstr(osm_edge_extra(s, g), "uncertain=");
            if (gd.kind != OSM_HOLD || gd.perms != ed.perms || osm_node_kind(s, gd.from) != OSM_PD ||
                osm_node_kind(s, gd.to) != OSM_PD || !gw || strcmp(gw + 10, why))
                continue;
            if (n_seen == cap) {
                osm_id *nv = realloc(seen, (cap = cap ? 2 * cap : 32) * sizeof *seen);
                if (!nv)
                    break;
                seen = nv;
            }
            seen[n_seen++] = g;
            osm_id other = in ? gd.from : gd.to;
            if (j)
                osm_json_string(j, osm_node_id(s, other));
            else if (k < SHOW_MAX)
                fprintf(f, " %s", osm_node_id(s, other));
            k++;
        }
        total += k;
        if (j) {
            osm_json_end_array(j);
            osm_json_key(j, "perms");
            osm_json_string(j, perms);
            osm_json_key(j, "why");
            osm_json_string(j, why);
            osm_json_end_object(j);
        } else {
            fprintf(f, "%s  (%zu)\n", k > SHOW_MAX ? " ..." : "", k);
        }
    }
    free(seen);
    return total;
}

void dsc_uncertain(const osm_store *s, osm_id pd, osm_json *j, FILE *f)
{
    char why[160];
    dsc_extra_get(osm_node_extra(s, pd), "may_why", why, sizeof why);
    if (j) {
        osm_json_begin_object(j);
        osm_json_key(j, "seccomp");
        why[0] ? osm_json_string(j, why) : osm_json_null(j);
        osm_json_key(j, "control");
        osm_json_begin_array(j);
    } else {
        fprintf(f, "uncertain (what the extraction could not know):\n");
        if (why[0])
            fprintf(f, "  what seccomp leaves it over others: %s\n", why);
    }
    size_t shown = uncertain_dir(s, pd, false, j, f) + uncertain_dir(s, pd, true, j, f);
    if (j) {
        osm_json_end_array(j);
        osm_json_end_object(j);
    } else if (!shown && !why[0]) {
        fprintf(f, "  nothing: every control edge to and from it is certain\n");
    }
}
