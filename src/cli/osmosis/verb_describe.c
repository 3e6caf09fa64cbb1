/*
 * osmosis describe FILE PD: one process (or container) on one screen, in
 * words, from a Linux extraction (docs/linux.md): credentials, capabilities
 * and the user namespace they are scoped to, seccomp, root and cwd,
 * namespaces (private, shared, PID 1's), cgroups and limits, open files, who
 * shares writable memory and files with it and through what, who can control
 * it and whom it can control, and its TCB size per property.
 *
 * Each part of the description is one section function in `sections[]`
 * below: it prints its lines (text) or the value of its JSON key.  Adding a
 * section is one function and one row.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "describe.h"
#include "../../extract/linux/linux.h"

static const char help[] =
    "usage: osmosis describe FILE PD [--json]\n"
    "\n"
    "Describe one PD of a Linux extraction (osmosis extract linux) in words:\n"
    "  credentials; capabilities (effective, permitted, ambient, bounding) by\n"
    "  name, marked when they are scoped to a user namespace other than the\n"
    "  initial one; seccomp mode; root and working directory;\n"
    "  each namespace: private (no other process in it) or shared with N other\n"
    "  processes, and whether it is PID 1's;\n"
    "  cgroups with their limits; open files (descriptors) with their paths;\n"
    "  the PDs that can write memory or files it uses, and through which (by\n"
    "  path), the kernel aside; the PDs that can control it and those it can\n"
    "  control; the size of its TCB for availability (A), integrity (I) and\n"
    "  confidentiality (C).\n"
    "On a state that is not a Linux extraction (a CellulOS dump), what Linux\n"
    "alone records (capabilities, namespaces, ...) is said to be unknown.\n"
    "\n"
    "      --json   the same as one JSON object (sorted keys, sorted IDs)\n";

/* The initial user namespace's inode number: fixed by the kernel
 * (PROC_USER_INIT_INO), so a dump taken anywhere can be judged. */
#define INIT_USERNS_INODE 4026531837ull

/* Undo the extractor's escaping of '%' and ';' in paths (%25, %3B), in place. */
static char *unescape_path(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '%' && r[1] && r[2]) {
            char hex[3] = { r[1], r[2], 0 }, *end;
            long v = strtol(hex, &end, 16);
            if (!*end) {
                *w++ = (char)v;
                r += 2;
                continue;
            }
        }
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

/* The PD's scalar facts, from its EXTRA.  linux: the state records them
 * (a Linux extraction); otherwise they are unknown, not "none". */
typedef struct pd_facts {
    bool is_linux, scoped;
    char uid[64], gid[64], sec[16], nnp[8], userns[32];
    char eff[1024], prm[1024], amb[1024], bnd[1024];
    char root[4096], cwd[4096];
    bool have_root, have_cwd;
} pd_facts;

/* Names of the capability set under key, or "unknown" when not recorded. */
static void cap_set(const char *extra, const char *key, char *out, size_t sz)
{
    char hex[24];
    if (dsc_extra_get(extra, key, hex, sizeof hex))
        osm_lx_cap_names(strtoull(hex, NULL, 16), out, sz);
    else
        snprintf(out, sz, "unknown (not recorded)");
}

static void read_facts(const osm_store *s, osm_id pd, pd_facts *x)
{
    const char *e = osm_node_extra(s, pd);
    char hex[24];
    memset(x, 0, sizeof *x);
    x->is_linux = dsc_extra_get(e, "cap_eff", hex, sizeof hex) != NULL;
    dsc_extra_get(e, "uid", x->uid, sizeof x->uid);
    dsc_extra_get(e, "gid", x->gid, sizeof x->gid);
    dsc_extra_get(e, "seccomp", x->sec, sizeof x->sec);
    dsc_extra_get(e, "no_new_privs", x->nnp, sizeof x->nnp);
    dsc_extra_get(e, "userns", x->userns, sizeof x->userns);
    unsigned long long ns = strtoull(x->userns, NULL, 10);
    x->scoped = ns != 0 && ns != INIT_USERNS_INODE;
    cap_set(e, "cap_eff", x->eff, sizeof x->eff);
    cap_set(e, "cap_prm", x->prm, sizeof x->prm);
    cap_set(e, "cap_amb", x->amb, sizeof x->amb);
    cap_set(e, "cap_bnd", x->bnd, sizeof x->bnd);
    x->have_root = dsc_extra_get(e, "root", x->root, sizeof x->root) != NULL;
    x->have_cwd = dsc_extra_get(e, "cwd", x->cwd, sizeof x->cwd) != NULL;
    unescape_path(x->root);
    unescape_path(x->cwd);
}

/* What every section gets: the query, the PD, its facts, and where to
 * write (j for JSON, else the text stream f). */
typedef struct dctx {
    osm_query *q;
    const osm_store *s;
    osm_id pd;
    const pd_facts *x;
    osm_json *j;
    FILE *f;
} dctx;

static bool is_kernel(const osm_store *s, osm_id n)
{
    return !strcmp(osm_node_id(s, n), "PD_kernel");
}

/* A resource as a person reads it: its path when its EXTRA is one (the
 * Linux extractor puts a file's path there), else its ID. */
static const char *resource_label(const osm_store *s, osm_id r)
{
    const char *x = osm_node_extra(s, r);
    return x[0] == '/' ? x : osm_node_id(s, r);
}

/* ---- header, credentials, capabilities, seccomp, directories ------------- */

static int sec_header(const dctx *d)
{
    fprintf(d->f, "%s  %s\n", osm_node_id(d->s, d->pd), osm_node_data_name(d->s, d->pd));
    return 0;
}

static int sec_credentials(const dctx *d)
{
    const pd_facts *x = d->x;
    fprintf(d->f, "uid (real,eff,saved,fs): %s   gid: %s\n", x->uid[0] ? x->uid : "?",
            x->gid[0] ? x->gid : "?");
    return 0;
}

static int sec_capabilities(const dctx *d)
{
    const pd_facts *x = d->x;
    if (!x->is_linux) {
        fprintf(d->f, "capabilities: unknown (not recorded: not a Linux extraction)\n");
        return 0;
    }
    fprintf(d->f, "capabilities (effective): %s\n", x->eff);
    fprintf(d->f, "capabilities (permitted): %s\n", x->prm);
    fprintf(d->f, "capabilities (ambient):   %s\n", x->amb);
    fprintf(d->f, "capabilities (bounding):  %s\n", x->bnd);
    if (x->scoped)
        fprintf(d->f, "  (scoped to user namespace NS_user_%s, not the initial one: they act on\n"
                      "   what that namespace owns, not on the host's resources)\n", x->userns);
    return 0;
}

/* JSON: the user namespace the capabilities are scoped to. */
static int sec_capabilities_scope(const dctx *d)
{
    const pd_facts *x = d->x;
    if (!x->is_linux || !x->userns[0] || !strcmp(x->userns, "0"))
        osm_json_string(d->j, "unknown");
    else if (!x->scoped)
        osm_json_string(d->j, "initial user namespace");
    else {
        char id[48];
        snprintf(id, sizeof id, "NS_user_%s", x->userns);
        osm_json_string(d->j, id);
    }
    return 0;
}

static int sec_seccomp(const dctx *d)
{
    fprintf(d->f, "seccomp: %s   no_new_privs: %s\n", d->x->sec[0] ? d->x->sec : "?",
            d->x->nnp[0] ? d->x->nnp : "?");
    return 0;
}

static int sec_dirs(const dctx *d)
{
    const pd_facts *x = d->x;
    fprintf(d->f, "root: %s   cwd: %s\n", x->have_root ? x->root : "unknown",
            x->have_cwd ? x->cwd : "unknown");
    return 0;
}

/* JSON scalars: one function per key, the value only. */
#define JSON_FACT(fn, expr)                                                       \
    static int fn(const dctx *d)                                                  \
    {                                                                             \
        osm_json_string(d->j, (expr));                                            \
        return 0;                                                                 \
    }
JSON_FACT(json_id, osm_node_id(d->s, d->pd))
JSON_FACT(json_name, osm_node_data_name(d->s, d->pd))
JSON_FACT(json_uid, d->x->uid)
JSON_FACT(json_gid, d->x->gid)
JSON_FACT(json_seccomp, d->x->sec)
JSON_FACT(json_nnp, d->x->nnp)
JSON_FACT(json_eff, d->x->is_linux ? d->x->eff : "unknown")
JSON_FACT(json_prm, d->x->is_linux ? d->x->prm : "unknown")
JSON_FACT(json_amb, d->x->is_linux ? d->x->amb : "unknown")
JSON_FACT(json_bnd, d->x->is_linux ? d->x->bnd : "unknown")

static int json_root(const dctx *d)
{
    d->x->have_root ? osm_json_string(d->j, d->x->root) : osm_json_null(d->j);
    return 0;
}

static int json_cwd(const dctx *d)
{
    d->x->have_cwd ? osm_json_string(d->j, d->x->cwd) : osm_json_null(d->j);
    return 0;
}

/* ---- namespaces ------------------------------------------------------------ */

/* The process part of a PD ID: "PD_12" of "PD_12.13" (thread PDs). */
static size_t process_prefix(const char *id)
{
    const char *dot = strchr(id, '.');
    return dot ? (size_t)(dot - id) : strlen(id);
}

/* The PD holding membership resource r ("SPACE#PID"), or OSM_NONE. */
static osm_id member_holder(const osm_store *s, osm_id r)
{
    for (osm_id e = osm_store_first_in(s, r); e != OSM_NONE; e = osm_store_next_in(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        if (ed.kind == OSM_HOLD && osm_node_kind(s, ed.from) == OSM_PD)
            return ed.from;
    }
    return OSM_NONE;
}

/* Other processes (not pd's, not the kernel) in space: holding it, or
 * holding a membership resource drawn from it (a Linux extraction); thread
 * PDs of one process count once. */
static size_t other_holders(const osm_store *s, osm_id space, osm_id pd)
{
    const char *mine = osm_node_id(s, pd);
    size_t mine_len = process_prefix(mine), n = 0;
    const char **seen = NULL;
    size_t n_seen = 0;
    for (osm_id e = osm_store_first_in(s, space); e != OSM_NONE; e = osm_store_next_in(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        osm_id who = ed.kind == OSM_HOLD ? ed.from
                     : ed.kind == OSM_SUBSET && strchr(osm_node_id(s, ed.from), '#')
                         ? member_holder(s, ed.from) : OSM_NONE;
        if (who == OSM_NONE || osm_node_kind(s, who) != OSM_PD || is_kernel(s, who))
            continue;
        const char *id = osm_node_id(s, who);
        size_t len = process_prefix(id);
        if (len == mine_len && !strncmp(id, mine, len))
            continue;
        bool dup = false;
        for (size_t i = 0; i < n_seen && !dup; i++)
            dup = process_prefix(seen[i]) == len && !strncmp(seen[i], id, len);
        if (dup)
            continue;
        const char **ns = realloc(seen, (n_seen + 1) * sizeof *ns);
        if (!ns)
            break;              /* out of memory: a lower count, said as such below */
        seen = ns;
        seen[n_seen++] = id;
        n++;
    }
    free(seen);
    return n;
}

static const char *const ns_kinds[] = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" };

/* How pd's namespace `mine` relates to PID 1's. */
static const char *pid1_relation(const osm_store *s, osm_id pd, osm_id mine, const char *type)
{
    osm_id init = osm_store_find(s, "PD_1");
    if (pd == init)
        return "is PID 1";
    if (init == OSM_NONE)
        return "PID 1 not extracted";
    osm_id theirs = dsc_space_of(s, init, type);
    if (theirs == OSM_NONE)
        return "PID 1's unknown";
    return mine == theirs ? "PID 1's" : "not PID 1's";
}

static int sec_namespaces(const dctx *d)
{
    const osm_store *s = d->s;
    char type[16];
    if (d->j)
        osm_json_begin_object(d->j);
    else if (!d->x->is_linux) {
        fprintf(d->f, "namespaces: unknown (not recorded: not a Linux extraction)\n");
        return 0;
    } else
        fprintf(d->f, "namespaces:\n");
    for (size_t i = 0; i < sizeof ns_kinds / sizeof *ns_kinds; i++) {
        snprintf(type, sizeof type, "NS_%s", ns_kinds[i]);
        for (char *t = type + 3; *t; t++)
            *t = (char)(*t - 32);
        osm_id mine = dsc_space_of(s, d->pd, type);
        size_t others = mine == OSM_NONE ? 0 : other_holders(s, mine, d->pd);
        const char *rel = mine == OSM_NONE ? "unknown" : pid1_relation(s, d->pd, mine, type);
        if (d->j) {
            osm_json_key(d->j, ns_kinds[i]);
            osm_json_begin_object(d->j);
            osm_json_key(d->j, "id");
            mine == OSM_NONE ? osm_json_null(d->j) : osm_json_string(d->j, osm_node_id(s, mine));
            osm_json_key(d->j, "other_processes");
            mine == OSM_NONE ? osm_json_null(d->j) : osm_json_uint(d->j, others);
            osm_json_key(d->j, "pid1");
            osm_json_string(d->j, rel);
            osm_json_end_object(d->j);
            continue;
        }
        if (mine == OSM_NONE) {
            fprintf(d->f, "  %-7s %-26s unknown (not readable)\n", ns_kinds[i], "-");
            continue;
        }
        char share[64];
        if (others)
            snprintf(share, sizeof share, "shared with %zu other process%s", others,
                     others == 1 ? "" : "es");
        else
            snprintf(share, sizeof share, "private (no other process in it)");
        fprintf(d->f, "  %-7s %-26s %s; %s\n", ns_kinds[i], osm_node_id(s, mine), share, rel);
    }
    if (d->j)
        osm_json_end_object(d->j);
    return 0;
}

/* ---- cgroups, open files ----------------------------------------------------- */

/* Cgroups pd is in, with their limits. */
static int sec_cgroups(const dctx *d)
{
    const osm_store *s = d->s;
    if (d->j)
        osm_json_begin_array(d->j);
    else
        fprintf(d->f, "cgroups:%s\n", d->x->is_linux ? "" : " unknown (not a Linux extraction)");
    osm_id *cg = NULL;
    size_t n = dsc_spaces_of(s, d->pd, "CGROUP", &cg);
    for (size_t i = 0; i < n; i++) {
        const char *x = osm_node_extra(s, cg[i]), *lim = x;
        for (int k = 0; k < 2 && lim; k++)      /* skip hierarchy= and path= */
            lim = strchr(lim, ';') ? strchr(lim, ';') + 1 : NULL;
        if (d->j) {
            osm_json_begin_object(d->j);
            osm_json_key(d->j, "id");
            osm_json_string(d->j, osm_node_id(s, cg[i]));
            osm_json_key(d->j, "limits");
            osm_json_string(d->j, lim ? lim : "");
            osm_json_end_object(d->j);
        } else
            fprintf(d->f, "  %s%s%s\n", osm_node_id(s, cg[i]), lim ? "  " : "", lim ? lim : "");
    }
    free(cg);
    if (d->j)
        osm_json_end_array(d->j);
    return 0;
}

typedef struct open_file {
    osm_id r;
    uint8_t perms;
    const char *id, *label;
} open_file;

static int cmp_open_file_label(const void *a, const void *b)
{
    const open_file *x = a, *y = b;
    int c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->id, y->id);
}

static int cmp_open_file_id(const void *a, const void *b)
{
    return strcmp(((const open_file *)a)->id, ((const open_file *)b)->id);
}

/* The resources pd holds through descriptors (not its mappings): text
 * sorted by path, JSON by ID. */
static int sec_open_files(const dctx *d)
{
    const osm_store *s = d->s;
    open_file *v = NULL;
    size_t n = 0, cap = 0;
    for (osm_id e = osm_store_first_out(s, d->pd); e != OSM_NONE; e = osm_store_next_out(s, e)) {
        osm_edge ed;
        osm_store_edge(s, e, &ed);
        /* a HOLD with the S or P flag comes from a mapping, not a descriptor */
        if (ed.kind != OSM_HOLD || osm_node_kind(s, ed.to) != OSM_RESOURCE ||
            !osm_lx_is_fd_type(osm_node_data_name(s, ed.to)) ||
            (ed.perms & (OSM_PERM_S | OSM_PERM_P)))
            continue;
        if (n == cap) {
            open_file *nv = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *v);
            if (!nv) {
                free(v);
                return -1;
            }
            v = nv;
        }
        v[n++] = (open_file){ ed.to, ed.perms, osm_node_id(s, ed.to), resource_label(s, ed.to) };
    }
    if (n)
        qsort(v, n, sizeof *v, d->j ? cmp_open_file_id : cmp_open_file_label);
    char p[8];
    if (d->j)
        osm_json_begin_array(d->j);
    else if (!d->x->is_linux && !n)
        fprintf(d->f, "open files: none recorded\n");
    else
        fprintf(d->f, "open files: %zu%s\n", n, n ? "" : " (or unreadable)");
    for (size_t i = 0; i < n; i++) {
        const char *type = osm_node_data_name(s, v[i].r);
        if (d->j) {
            osm_json_begin_object(d->j);
            osm_json_key(d->j, "id");
            osm_json_string(d->j, v[i].id);
            osm_json_key(d->j, "perms");
            osm_json_string(d->j, osm_perms_format(v[i].perms, p));
            osm_json_key(d->j, "type");
            osm_json_string(d->j, type);
            osm_json_key(d->j, "what");     /* the path, or pipe:[N], socket:[N] ... */
            osm_json_string(d->j, osm_node_extra(s, v[i].r));
            osm_json_end_object(d->j);
        } else      /* no letters: an unrestricted hold (MODEL.md), not "NONE" */
            fprintf(d->f, "  %-4s %-7s %s\n", v[i].perms ? osm_perms_format(v[i].perms, p) : "any",
                    type, v[i].label);
    }
    if (d->j)
        osm_json_end_array(d->j);
    free(v);
    return 0;
}

/* ---- who shares with it, who controls it ------------------------------------ */

/* Members of one component restricted to some types and a mode; why: each
 * with its witness (`via`, which the query records only for chains). */
static int component(osm_query *q, osm_id pd, uint32_t comp, const char *const *types,
                     uint8_t mode, bool why, osm_members *out)
{
    const osm_store *s = osm_query_store(q);
    osm_typeset ts = { 0 };
    for (size_t i = 0; types && types[i]; i++) {
        osm_id t = osm_store_type_lookup(s, types[i]);
        if (t != OSM_NONE && osm_query_type_present(q, t) && osm_typeset_add(q, &ts, t) < 0) {
            osm_typeset_free(&ts);
            return -1;
        }
    }
    memset(out, 0, sizeof *out);
    if (types && ts.n == 0)
        return 0;
    osm_qopts o = { .types = types ? &ts : NULL, .mode = mode, .why = why };
    int r = osm_query_components(q, pd, comp, &o, out);
    osm_typeset_free(&ts);
    return r;
}

/* A list of PD members (sorted by ID), the kernel aside; with_via: each
 * with the resource that links them (its path when it has one). */
static void print_members(const dctx *d, const char *title, const osm_members *m, bool with_via)
{
    const osm_store *s = d->s;
    size_t shown = 0;
    if (d->j) {
        osm_json_begin_array(d->j);
        for (size_t i = 0; i < m->n; i++) {
            const osm_member *p = &m->v[i];
            if (is_kernel(s, p->pd))
                continue;
            if (!with_via) {
                osm_json_string(d->j, osm_node_id(s, p->pd));
                continue;
            }
            osm_json_begin_object(d->j);
            osm_json_key(d->j, "pd");
            osm_json_string(d->j, osm_node_id(s, p->pd));
            osm_json_key(d->j, "via");
            p->via == OSM_NONE ? osm_json_null(d->j) : osm_json_string(d->j, osm_node_id(s, p->via));
            osm_json_key(d->j, "via_label");
            p->via == OSM_NONE ? osm_json_null(d->j) : osm_json_string(d->j, resource_label(s, p->via));
            osm_json_end_object(d->j);
        }
        osm_json_end_array(d->j);
        return;
    }
    fprintf(d->f, "%s:", title);
    for (size_t i = 0; i < m->n; i++) {
        const osm_member *p = &m->v[i];
        if (is_kernel(s, p->pd) || shown++ >= 12)
            continue;
        fprintf(d->f, "%s%s (%s)", with_via ? "\n  " : " ", osm_node_id(s, p->pd),
                osm_node_data_name(s, p->pd));
        if (with_via && p->via != OSM_NONE)
            fprintf(d->f, " via %s", resource_label(s, p->via));
    }
    if (shown > 12)
        fprintf(d->f, "%s... and %zu more", with_via ? "\n  " : " ", shown - 12);
    fprintf(d->f, "%s\n", shown ? "" : " nobody (besides the kernel)");
}

static const char *const mem_types[] = { "MO", "MEMFD", "SHM", NULL };
static const char *const file_types[] = { "FILE", "PIPE", "SOCKET", "DEVICE", "EVENTFD", NULL };

/* One member list of a component, printed by print_members. */
static int member_section(const dctx *d, uint32_t comp, const char *const *types,
                          const char *title, bool with_via)
{
    osm_members m;
    if (component(d->q, d->pd, comp, types, types ? OSM_PERM_W : 0, with_via, &m) < 0)
        return -1;
    print_members(d, title, &m, with_via);
    osm_members_free(&m);
    return 0;
}

static int sec_shared_memory(const dctx *d)
{
    return member_section(d, OSM_COMP_SHARED_RESOURCES, mem_types, "writable memory shared with",
                          true);
}

static int sec_shared_files(const dctx *d)
{
    return member_section(d, OSM_COMP_SHARED_RESOURCES, file_types,
                          "writable files/pipes/sockets shared with", true);
}

static int sec_controlled_by(const dctx *d)
{
    return member_section(d, OSM_COMP_CAN_CONTROL, NULL, "can be controlled by", false);
}

static int sec_can_control(const dctx *d)
{
    return member_section(d, OSM_COMP_CONTROL_BY, NULL, "can control", false);
}

static int sec_tcb(const dctx *d)
{
    static const char *const props[] = { "A", "C", "I" };
    osm_members m;
    if (d->j)
        osm_json_begin_object(d->j);
    else
        fprintf(d->f, "TCB size:");
    for (int p = 0; p < 3; p++) {
        osm_qopts o = { .property = (osm_property)osm_property_parse(props[p]) };
        if (osm_tcb(d->q, d->pd, &o, &m) < 0)
            return -1;
        if (d->j) {
            osm_json_key(d->j, props[p]);
            osm_json_uint(d->j, m.n);
        } else
            fprintf(d->f, " %s=%zu", props[p], m.n);
        osm_members_free(&m);
    }
    if (d->j)
        osm_json_end_object(d->j);
    else
        fprintf(d->f, "  PDs (A availability, C confidentiality, I integrity)\n");
    return 0;
}

/* ---- the sections, in one table ---------------------------------------------- */

/* key: the JSON key (NULL: text only); text: position in the text (0: JSON
 * only); fn prints the lines (text) or the key's value (JSON).  The JSON
 * object is written in key order, whatever the table's order. */
typedef struct section {
    const char *key;
    int text;
    int (*fn)(const dctx *d);
} section;

static int sec_pools(const dctx *d)
{
    dsc_pools(d->s, d->pd, d->j, d->f);
    return 0;
}

static int sec_uncertain(const dctx *d)
{
    dsc_uncertain(d->s, d->pd, d->j, d->f);
    return 0;
}

static const section sections[] = {
    { NULL, 1, sec_header },
    { "id", 0, json_id },
    { "name", 0, json_name },
    { NULL, 2, sec_credentials },
    { "uid", 0, json_uid },
    { "gid", 0, json_gid },
    { NULL, 3, sec_capabilities },
    { "capabilities", 0, json_eff },
    { "permitted_capabilities", 0, json_prm },
    { "ambient_capabilities", 0, json_amb },
    { "bounding_capabilities", 0, json_bnd },
    { "capabilities_scope", 0, sec_capabilities_scope },
    { NULL, 4, sec_seccomp },
    { "seccomp", 0, json_seccomp },
    { "no_new_privs", 0, json_nnp },
    { NULL, 5, sec_dirs },
    { "root", 0, json_root },
    { "cwd", 0, json_cwd },
    { "namespaces", 6, sec_namespaces },
    { "cgroups", 7, sec_cgroups },
    { "open_files", 8, sec_open_files },
    { "writable_memory_shared_with", 9, sec_shared_memory },
    { "writable_files_shared_with", 10, sec_shared_files },
    { "controlled_by", 11, sec_controlled_by },
    { "can_control", 12, sec_can_control },
    { "uncertain", 13, sec_uncertain },
    { "pools", 14, sec_pools },
    { "tcb_size", 15, sec_tcb },
};
#define N_SECTIONS (sizeof sections / sizeof sections[0])

static int cmp_section_key(const void *a, const void *b)
{
    return strcmp((*(const section *const *)a)->key, (*(const section *const *)b)->key);
}

static int cmp_section_text(const void *a, const void *b)
{
    return (*(const section *const *)a)->text - (*(const section *const *)b)->text;
}

/* Every section of one mode, in its order (JSON: by key; text: by rank). */
static int describe(osm_query *q, osm_id pd, const pd_facts *x, bool json)
{
    const section *order[N_SECTIONS];
    size_t n = 0;
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (json ? sections[i].key != NULL : sections[i].text > 0)
            order[n++] = &sections[i];
    qsort(order, n, sizeof *order, json ? cmp_section_key : cmp_section_text);
    osm_json j;
    dctx d = { q, osm_query_store(q), pd, x, json ? &j : NULL, stdout };
    if (json) {
        osm_json_init(&j, stdout, false);
        osm_json_begin_object(&j);
    }
    for (size_t i = 0; i < n; i++) {
        if (json)
            osm_json_key(&j, order[i]->key);
        if (order[i]->fn(&d) < 0)
            return -1;
    }
    if (json) {
        osm_json_end_object(&j);
        osm_json_finish(&j);
    }
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = { { "json", no_argument, 0, 'j' },
                                          { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': fputs(help, stdout); return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc - 2)
        return cli_usage_error("describe", "expected FILE and PD");
    cli_load_opts lo = { .quiet = true, .no_control = true };
    cli_loaded l;
    if (cli_load(argv[optind], &lo, &l) == CLI_USAGE)
        return CLI_USAGE;
    osm_id pd = cli_find_pd(l.store, "describe", argv[optind + 1]);
    osm_query *q = pd != OSM_NONE ? osm_query_new(l.store) : NULL;
    int st = CLI_USAGE;
    if (q) {
        pd_facts *x = malloc(sizeof *x);
        int r = -1;
        if (x) {
            read_facts(l.store, pd, x);
            r = describe(q, pd, x, json);
        }
        free(x);
        st = r < 0 ? CLI_USAGE : CLI_OK;
        if (r < 0)
            fprintf(stderr, "osmosis describe: out of memory\n");
    }
    osm_query_free(q);
    cli_loaded_free(&l);
    return st;
}

OSM_VERB(describe, "describe", run, "one process of a Linux extraction, in words");
