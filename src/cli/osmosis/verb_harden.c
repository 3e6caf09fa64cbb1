/* osmosis whatif / harden: the TCB and impact boundary with parts of the
 * graph cut away, and which cuts shrink a TCB most (src/query/harden.c). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query_cli.h"

static const char whatif_help[] =
    "usage: osmosis whatif FILE PD --cut SPEC [--cut SPEC ...] [--property A|I|C]\n"
    "                      [--types LIST] [--mode M] [--json] [--process]\n"
    "\n"
    "The TCB and impact boundary of PD before and after removing parts of the\n"
    "graph, for each property (A, I and C; only P with --property P), with the\n"
    "PDs that leave each.  Cut specs (repeatable, applied together):\n"
    "  node:ID        the node and every edge touching it\n"
    "  edge:FROM>TO   every edge from FROM to TO\n"
    "  control:PD     every PD->PD HOLD edge out of PD (it controls no one)\n"
    "  control:A>B    the control (PD->PD HOLD) edge from A to B\n"
    "  type:T         every resource and resource space of type T\n"
    "  kind:K         every edge of kind K (HOLD, MAP, SUBSET, REQUEST)\n"
    "\n"
    "      --types, --mode, --property, --process as for osmosis tcb\n"
    "      --json          {\"query\":\"whatif\",\"pd\",\"cuts\",\"edges_removed\",\n"
    "                      \"result\":{\"A\":{\"tcb\":{\"before\",\"after\",\"removed\"},\n"
    "                      \"ib\":{...}},...},\"names\"}\n"
    "\n"
    "Exit status: 0 answered, 2 usage error, unknown PD/node/type or bad cut.\n"
    "See docs/query.md (\"What-if cuts\").\n";

static const char harden_help[] =
    "usage: osmosis harden FILE PD [--top K] [--member PD ...] [--cut SPEC ...]\n"
    "                      [--property A|I|C] [--types LIST] [--mode M] [--json]\n"
    "                      [--process]\n"
    "\n"
    "What to change to shrink PD's TCB.  Ranks every single cut that can matter\n"
    "(one edge, one resource or resource space, one control edge, each on the\n"
    "chain of some TCB member) by how many PDs it takes out of the TCB, the same\n"
    "count as removing it and re-running tcb.  Then, for each --member (default:\n"
    "the member with the strongest way in, see tcb --rank), the smallest set of\n"
    "cuts that takes it out of the TCB (a minimum cut over all its reasons).\n"
    "\n"
    "      --top K         show the K best single cuts (default 10; 0 = all)\n"
    "      --member PD     a TCB member to compute the minimum cut for\n"
    "                      (repeatable)\n"
    "      --cut SPEC      harden the state as it would be after this cut\n"
    "                      (whatif syntax; repeatable)\n"
    "      --types, --mode, --property, --process as for osmosis tcb\n"
    "      --json          {\"query\":\"harden\",\"pd\",\"property\",\"tcb_size\",\n"
    "                      \"candidates\",\"result\":[{\"cut\",\"count\",\"removes\"}],\n"
    "                      \"min_cuts\":[{\"member\",\"exact\",\"cuts\"}],\"names\"}\n"
    "\n"
    "Exit status: 0 answered, 2 usage error, unknown PD or bad cut.\n"
    "See docs/query.md (\"Harden\").\n";

typedef struct hargs {
    qcli c;
    const char **cuts;
    size_t n_cuts;
    const char **members;
    size_t n_members;
    long top;
} hargs;

/* Parse the shared options; CLI_OK, or the status (help printed). */
static int parse(int argc, char **argv, const char *verb, const char *help, hargs *a, bool *done)
{
    static const struct option opts[] = {
        { "types", required_argument, 0, 't' }, { "mode", required_argument, 0, 'm' },
        { "property", required_argument, 0, 'P' }, { "json", no_argument, 0, 'j' },
        { "process", no_argument, 0, 'p' }, { "cut", required_argument, 0, 'c' },
        { "top", required_argument, 0, 'k' }, { "member", required_argument, 0, 'M' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    bool harden = !strcmp(verb, "harden");
    int ch;
    char *end;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 't': a->c.types_arg = optarg; break;
        case 'm': a->c.mode_arg = optarg; break;
        case 'P': a->c.property_arg = optarg; break;
        case 'j': a->c.json = true; break;
        case 'p': a->c.lo.process = true; break;
        case 'c': a->cuts[a->n_cuts++] = optarg; break;
        case 'k':
            a->top = strtol(optarg, &end, 10);
            if (!harden || !*optarg || *end || a->top < 0)
                return cli_usage_error(verb, harden ? "--top wants a number >= 0, not '%s'"
                                                    : "--top is for harden ('%s')", optarg);
            break;
        case 'M':
            if (!harden)
                return cli_usage_error(verb, "--member is for harden ('%s')", optarg);
            a->members[a->n_members++] = optarg;
            break;
        case 'h': fputs(help, stdout); *done = true; return CLI_OK;
        default: fputs(help, stderr); return CLI_USAGE;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(verb, "expected FILE PD");
    if (!harden && !a->n_cuts)
        return cli_usage_error(verb, "give at least one --cut SPEC");
    return CLI_OK;
}

/* Parse and apply every --cut; the specs' edges removed in *edges. */
static int apply_cuts(hargs *a, const char *verb, osm_id x, long *edges)
{
    *edges = 0;
    for (size_t i = 0; i < a->n_cuts; i++) {
        osm_cut cut;
        char err[256];
        if (osm_cut_parse(a->c.q, a->cuts[i], &cut, err, sizeof err) < 0)
            return cli_usage_error(verb, "--cut %s: %s", a->cuts[i], err);
        if (cut.kind == OSM_CUT_NODE && cut.a == x)
            return cli_usage_error(verb, "--cut %s removes %s itself", a->cuts[i],
                                   osm_node_id(a->c.loaded.store, x));
        long n = osm_cut_apply(a->c.q, &cut);
        if (n < 0)
            return qcli_oom(verb);
        *edges += n;
    }
    return CLI_OK;
}

/* ---- whatif ------------------------------------------------------------------ */

/* Members of `before` missing from `after`, into out (natural order is
 * not needed: the JSON and text lists are sorted by ID like the answers). */
static size_t left(const osm_members *before, const osm_members *after, osm_id bound,
                   osm_id *out)
{
    uint8_t *in_after = calloc(bound + 1, 1);
    size_t n = 0;
    if (!in_after)
        return 0;
    for (size_t i = 0; i < after->n; i++)
        in_after[after->v[i].pd] = 1;
    for (size_t i = 0; i < before->n; i++)
        if (!in_after[before->v[i].pd])
            out[n++] = before->v[i].pd;
    free(in_after);
    return n;
}

typedef struct view_ans {
    osm_members tcb[2], ib[2];      /* [0] before, [1] after */
} view_ans;

static void view_free(view_ans *v)
{
    for (int k = 0; k < 2; k++) {
        osm_members_free(&v->tcb[k]);
        osm_members_free(&v->ib[k]);
    }
}

static void json_side(osm_json *j, const osm_query *q, const char *key, const osm_members *m,
                      osm_id bound)
{
    osm_id *gone = malloc((m[0].n + 1) * sizeof *gone);
    size_t ng = gone ? left(&m[0], &m[1], bound, gone) : 0;
    osm_json_key(j, key);
    osm_json_begin_object(j);
    osm_json_key(j, "before");
    qcli_json_members(j, q, &m[0]);
    osm_json_key(j, "after");
    qcli_json_members(j, q, &m[1]);
    osm_json_key(j, "removed");
    qcli_json_ids(j, osm_query_store(q), gone, ng);
    osm_json_end_object(j);
    free(gone);
}

static void print_side(const osm_query *q, const char *what, const osm_members *m, osm_id bound)
{
    osm_id *gone = malloc((m[0].n + 1) * sizeof *gone);
    size_t ng = gone ? left(&m[0], &m[1], bound, gone) : 0;
    printf("    %-16s %5zu -> %5zu", what, m[0].n, m[1].n);
    if (ng) {
        printf("  leave:");
        for (size_t i = 0; i < ng; i++)
            printf(" %s", osm_node_id(osm_query_store(q), gone[i]));
    }
    printf("\n");
    free(gone);
}

static int run_whatif(int argc, char **argv)
{
    const char *cuts[argc > 0 ? argc : 1];
    hargs a = { .cuts = cuts, .members = cuts, .top = 10 };
    qcli_init(&a.c);
    bool done = false;
    int st = parse(argc, argv, "whatif", whatif_help, &a, &done);
    if (st != CLI_OK || done)
        return st;
    if ((st = qcli_open(&a.c, "whatif", argv[optind])) != CLI_OK) {
        qcli_close(&a.c);
        return st;
    }
    const osm_store *s = a.c.loaded.store;
    osm_query *q = a.c.q;
    osm_id x = cli_find_pd(s, "whatif", argv[optind + 1]);
    int props[3], np = 0;
    if (a.c.property_arg)
        props[np++] = a.c.opts.property;
    else
        for (int p = 0; p < 3; p++)
            props[np++] = p;
    view_ans va[3];
    memset(va, 0, sizeof va);
    long edges = 0;
    st = x == OSM_NONE ? CLI_USAGE : CLI_OK;
    /* Before: no cut; after: every cut at once. */
    for (int phase = 0; st == CLI_OK && phase < 2; phase++) {
        if (phase == 1 && (st = apply_cuts(&a, "whatif", x, &edges)) != CLI_OK)
            break;
        for (int i = 0; i < np; i++) {
            osm_qopts o = a.c.opts;
            o.property = (osm_property)props[i];
            if (o.property != OSM_PROP_A)
                o.mode = 0;
            if (osm_tcb(q, x, &o, &va[i].tcb[phase]) < 0 || osm_ib(q, x, &o, &va[i].ib[phase]) < 0) {
                st = qcli_oom("whatif");
                break;
            }
        }
    }
    osm_id bound = osm_store_node_bound(s);
    if (st == CLI_OK && a.c.json) {
        osm_json j;
        osm_json_init(&j, stdout, false);
        osm_json_begin_object(&j);
        osm_json_key(&j, "query");
        osm_json_string(&j, "whatif");
        osm_json_key(&j, "pd");
        osm_json_string(&j, argv[optind + 1]);
        qcli_json_types(&j, &a.c);
        osm_json_key(&j, "cuts");
        osm_json_begin_array(&j);
        for (size_t i = 0; i < a.n_cuts; i++)
            osm_json_string(&j, a.cuts[i]);
        osm_json_end_array(&j);
        osm_json_key(&j, "edges_removed");
        osm_json_int(&j, edges);
        osm_json_key(&j, "result");
        osm_json_begin_object(&j);
        for (int i = 0; i < np; i++) {
            osm_json_key(&j, (const char *[]){ "A", "I", "C" }[props[i]]);
            osm_json_begin_object(&j);
            json_side(&j, q, "tcb", va[i].tcb, bound);
            json_side(&j, q, "ib", va[i].ib, bound);
            osm_json_end_object(&j);
        }
        osm_json_end_object(&j);
        /* Names of everything listed: the before answers hold them all. */
        size_t nn = 0;
        for (int i = 0; i < np; i++)
            nn += va[i].tcb[0].n + va[i].ib[0].n;
        osm_id *pds = malloc((nn + 1) * sizeof *pds);
        nn = 0;
        for (int i = 0; pds && i < np; i++) {
            for (size_t k = 0; k < va[i].tcb[0].n; k++)
                pds[nn++] = va[i].tcb[0].v[k].pd;
            for (size_t k = 0; k < va[i].ib[0].n; k++)
                pds[nn++] = va[i].ib[0].v[k].pd;
        }
        osm_json_key(&j, "names");
        qcli_json_names(&j, q, pds, nn);
        free(pds);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else if (st == CLI_OK) {
        printf("whatif %s with %zu cut%s (%ld edges removed):", argv[optind + 1], a.n_cuts,
               a.n_cuts == 1 ? "" : "s", edges);
        for (size_t i = 0; i < a.n_cuts; i++)
            printf(" %s", a.cuts[i]);
        printf("\n");
        for (int i = 0; i < np; i++) {
            printf("  property %s\n", (const char *[]){ "A", "I", "C" }[props[i]]);
            print_side(q, "TCB", va[i].tcb, bound);
            print_side(q, "impact boundary", va[i].ib, bound);
        }
    }
    for (int i = 0; i < np; i++)
        view_free(&va[i]);
    qcli_close(&a.c);
    return st;
}

/* ---- harden ------------------------------------------------------------------- */

/* The min cut of one member, as JSON or text. */
static int report_min_cut(hargs *a, osm_id x, osm_id m, osm_json *j)
{
    osm_query *q = a->c.q;
    const osm_store *s = a->c.loaded.store;
    osm_cut *cuts;
    size_t n;
    bool exact;
    int r = osm_min_cut(q, x, m, &a->c.opts, &cuts, &n, &exact);
    if (r < 0)
        return qcli_oom("harden");
    if (j) {
        osm_json_begin_object(j);
        osm_json_key(j, "member");
        osm_json_string(j, osm_node_id(s, m));
        osm_json_key(j, "in_tcb");
        osm_json_bool(j, r == 0);
        osm_json_key(j, "exact");
        osm_json_bool(j, exact);
        osm_json_key(j, "cuts");
        osm_json_begin_array(j);
    } else if (r == 1) {
        printf("  %s is not in the TCB: nothing to cut\n", osm_node_id(s, m));
    } else {
        printf("  to take %s (%s) out: %zu cut%s%s:", osm_node_id(s, m), osm_node_data_name(s, m),
               n, n == 1 ? "" : "s", exact ? "" : " (an upper bound: search limits reached)");
    }
    for (size_t i = 0; i < n; i++) {
        char *spec = osm_cut_format(q, &cuts[i]);
        if (j)
            osm_json_string(j, spec ? spec : "?");
        else
            printf(" --cut %s", spec ? spec : "?");
        free(spec);
    }
    if (j) {
        osm_json_end_array(j);
        osm_json_end_object(j);
    } else if (r == 0) {
        printf("\n");
    }
    free(cuts);
    return CLI_OK;
}

static void print_ranking(const hargs *a, const osm_harden *h, size_t shown, const char *pd)
{
    const osm_store *s = a->c.loaded.store;
    printf("harden %s (property %s): TCB %zu PDs, %zu single cuts examined, %zu remove some\n",
           pd, (const char *[]){ "A", "I", "C" }[a->c.opts.property], h->tcb_size,
           h->n_candidates, h->n);
    if (!shown) {
        printf("  no single cut removes a PD from the TCB\n");
        return;
    }
    printf("  %-4s %7s  %-40s %s\n", "RANK", "REMOVES", "CUT", "PDS LEAVING");
    for (size_t i = 0; i < shown; i++) {
        char *spec = osm_cut_format(a->c.q, &h->v[i].cut);
        printf("  %-4zu %7zu  %-40s", i + 1, h->v[i].n_removed, spec ? spec : "?");
        for (size_t k = 0; k < h->v[i].n_removed && k < 8; k++)
            printf(" %s", osm_node_id(s, h->v[i].removed[k]));
        if (h->v[i].n_removed > 8)
            printf(" ...");
        printf("\n");
        free(spec);
    }
}

static void json_ranking(osm_json *j, const hargs *a, const osm_harden *h, size_t shown)
{
    const osm_store *s = a->c.loaded.store;
    osm_json_key(j, "tcb_size");
    osm_json_uint(j, h->tcb_size);
    osm_json_key(j, "candidates");
    osm_json_uint(j, h->n_candidates);
    osm_json_key(j, "result");
    osm_json_begin_array(j);
    for (size_t i = 0; i < shown; i++) {
        char *spec = osm_cut_format(a->c.q, &h->v[i].cut);
        osm_json_begin_object(j);
        osm_json_key(j, "cut");
        osm_json_string(j, spec ? spec : "?");
        osm_json_key(j, "count");
        osm_json_uint(j, h->v[i].n_removed);
        osm_json_key(j, "removes");
        qcli_json_ids(j, s, h->v[i].removed, h->v[i].n_removed);
        osm_json_end_object(j);
        free(spec);
    }
    osm_json_end_array(j);
}

/* The members to min-cut: those asked for, else the strongest-ranked one. */
static int chosen_members(hargs *a, osm_id x, osm_id *out, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < a->n_members; i++) {
        osm_id m = cli_find_pd(a->c.loaded.store, "harden", a->members[i]);
        if (m == OSM_NONE)
            return CLI_USAGE;
        if (m == x)
            return cli_usage_error("harden", "--member %s is the PD itself", a->members[i]);
        out[(*n)++] = m;
    }
    if (a->n_members)
        return CLI_OK;
    osm_ranking r;
    osm_qopts o = a->c.opts;
    o.why = false;
    if (osm_tcb_ranked(a->c.q, x, &o, &r) < 0)
        return qcli_oom("harden");
    if (r.n)
        out[(*n)++] = r.v[0].pd;
    osm_ranking_free(&r);
    return CLI_OK;
}

static int run_harden(int argc, char **argv)
{
    const char *cuts[argc > 0 ? argc : 1], *members[argc > 0 ? argc : 1];
    hargs a = { .cuts = cuts, .members = members, .top = 10 };
    qcli_init(&a.c);
    bool done = false;
    int st = parse(argc, argv, "harden", harden_help, &a, &done);
    if (st != CLI_OK || done)
        return st;
    if ((st = qcli_open(&a.c, "harden", argv[optind])) != CLI_OK) {
        qcli_close(&a.c);
        return st;
    }
    osm_id x = cli_find_pd(a.c.loaded.store, "harden", argv[optind + 1]);
    osm_id mem[argc > 0 ? argc : 1];
    size_t nm = 0;
    long edges;
    osm_harden h = { 0 };
    if (x == OSM_NONE)
        st = CLI_USAGE;
    if (st == CLI_OK)
        st = apply_cuts(&a, "harden", x, &edges);
    if (st == CLI_OK)
        st = chosen_members(&a, x, mem, &nm);
    if (st == CLI_OK && osm_harden_rank(a.c.q, x, &a.c.opts, &h) < 0)
        st = qcli_oom("harden");
    if (st != CLI_OK) {
        qcli_close(&a.c);
        return st;
    }
    size_t shown = a.top && (size_t)a.top < h.n ? (size_t)a.top : h.n;
    osm_json j;
    if (a.c.json) {
        osm_json_init(&j, stdout, false);
        osm_json_begin_object(&j);
        osm_json_key(&j, "query");
        osm_json_string(&j, "harden");
        osm_json_key(&j, "pd");
        osm_json_string(&j, argv[optind + 1]);
        qcli_json_types(&j, &a.c);
        osm_json_key(&j, "property");
        osm_json_string(&j, (const char *[]){ "A", "I", "C" }[a.c.opts.property]);
        json_ranking(&j, &a, &h, shown);
        osm_json_key(&j, "min_cuts");
        osm_json_begin_array(&j);
    } else {
        print_ranking(&a, &h, shown, argv[optind + 1]);
        if (nm)
            printf("smallest cuts:\n");
    }
    for (size_t i = 0; st == CLI_OK && i < nm; i++)
        st = report_min_cut(&a, x, mem[i], a.c.json ? &j : NULL);
    if (a.c.json) {
        osm_json_end_array(&j);
        size_t nn = 0;
        for (size_t i = 0; i < shown; i++)
            nn += h.v[i].n_removed;
        osm_id *pds = malloc((nn + nm + 1) * sizeof *pds);
        nn = 0;
        for (size_t i = 0; pds && i < shown; i++)
            for (size_t k = 0; k < h.v[i].n_removed; k++)
                pds[nn++] = h.v[i].removed[k];
        for (size_t i = 0; pds && i < nm; i++)
            pds[nn++] = mem[i];
        osm_json_key(&j, "names");
        qcli_json_names(&j, a.c.q, pds, pds ? nn : 0);
        free(pds);
        osm_json_end_object(&j);
        osm_json_finish(&j);
    }
    osm_harden_free(&h);
    qcli_close(&a.c);
    return st;
}

OSM_VERB(whatif, "whatif", run_whatif, "TCB / impact boundary of a PD after cutting edges or nodes");
OSM_VERB(harden, "harden", run_harden, "single cuts ranked by PDs leaving a TCB; minimum cuts");
