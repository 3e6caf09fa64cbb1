/* osmosis tcb / ib / shared-resources / shared-spaces / servers /
 * indirect-servers / can-control / control-by: the dependency queries. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query_cli.h"

static const char help_fmt[] =
    "usage: osmosis %s FILE PD%s [--types T1,T2] [--mode ANY|R|W|X|RW...]\n"
    "                  [--property A|I|C] [--why] [--json] [--process]%s\n"
    "\n"
    "%s\n"
    "\n"
    "      --types LIST    only these resource types (VMR also selects ADS spaces)\n"
    "      --mode M        access mode for shared resources (A view; default ANY)\n"
    "      --property P    A availability (default), I integrity (mode W, control\n"
    "                      chains carrying W), C confidentiality (mode R, chains R)\n"
    "      --why           the reason of every member: component, witness, chain\n"
    "      --json          machine-readable output (sorted IDs; \"names\" maps\n"
    "                      every PD listed to its name)\n"
    "%s"
    "      --process       apply the CellulOS processing split first\n"
    "\n"
    "Exit status: 0 answered, 2 usage error, unknown PD/type or bad mode.\n"
    "See docs/query.md for the exact semantics.\n";

typedef struct qverb {
    const char *name;
    uint32_t comps;     /* 0 = TCB / IB by property */
    bool ib;
    const char *what;
} qverb;

static const qverb verbs[] = {
    { "tcb", 0, false, "The trusted computing base of PD: every PD that can slow, starve, stop\n"
                       "(A), change (I) or see (C) what PD relies on (MODEL.md §4)." },
    { "ib", 0, true, "The impact boundary of PD: every PD whose TCB contains PD." },
    { "shared-resources", OSM_COMP_SHARED_RESOURCES, false,
      "PDs that can touch (in --mode) a resource PD depends on." },
    { "shared-spaces", OSM_COMP_SHARED_SPACES, false,
      "PDs that draw resources from the same spaces as PD." },
    { "servers", OSM_COMP_SERVERS, false,
      "PDs that hold a space PD draws from, or that PD sends REQUESTs to." },
    { "indirect-servers", OSM_COMP_INDIRECT_SERVERS, false,
      "The servers behind PD's servers: holders of spaces its spaces MAP to, and\n"
      "PDs reached by two or more REQUEST edges." },
    { "can-control", OSM_COMP_CAN_CONTROL, false,
      "PDs with a chain of PD->PD HOLD edges to PD: the edge into PD carries what\n"
      "the property needs (A any, I W, C R), every earlier edge W (the source can\n"
      "act as the next PD); a signal-only or read-only edge ends a chain." },
    { "control-by", OSM_COMP_CONTROL_BY, false,
      "PDs that PD reaches by a chain of PD->PD HOLD edges: the edge into each\n"
      "carries what the property needs (A any, I W, C R), every earlier edge W." },
};

static void print_help(FILE *f, const qverb *v)
{
    bool tcb = !v->comps && !v->ib;
    fprintf(f, help_fmt, v->name, v->comps ? "" : "|--all", tcb ? " [--rank]" : "", v->what,
            tcb ? "      --rank          each member with its strongest way in (control > write\n"
                  "                      > partial-control > server > read > pool),\n"
                  "                      strongest first; JSON adds \"ranked\"\n" : "");
}

/* Answer for one PD (with chains when asked). */
static int answer_one(osm_query *q, const qverb *v, osm_id x, const osm_qopts *o, osm_members *m)
{
    if (!v->comps)
        return v->ib ? osm_ib(q, x, o, m) : osm_tcb(q, x, o, m);
    return osm_query_components(q, x, v->comps, o, m);
}

static void json_header(osm_json *j, const qverb *v, const qcli *c, const char *pd)
{
    char mb[8];
    osm_json_begin_object(j);
    osm_json_key(j, "query");
    osm_json_string(j, v->name);
    osm_json_key(j, "pd");
    if (pd)
        osm_json_string(j, pd);
    else
        osm_json_null(j);
    qcli_json_types(j, c);
    osm_json_key(j, "mode");
    osm_json_string(j, osm_mode_format(c->opts.mode, mb));
    osm_json_key(j, "property");
    osm_json_string(j, (const char *[]){ "A", "I", "C" }[c->opts.property]);
}

/* The member PDs of m (for the "names" map). */
static osm_id *member_pds(const osm_members *m)
{
    osm_id *v = malloc((m->n + 1) * sizeof *v);
    for (size_t i = 0; v && i < m->n; i++)
        v[i] = m->v[i].pd;
    return v;
}

static int run_one(const qverb *v, qcli *c, const char *pd_id, bool rank)
{
    osm_id x = cli_find_pd(c->loaded.store, v->name, pd_id);
    if (x == OSM_NONE)
        return CLI_USAGE;
    osm_members m;
    if (answer_one(c->q, v, x, &c->opts, &m) < 0)
        return qcli_oom(v->name);
    osm_ranking rk = { 0 };
    if (rank && osm_tcb_ranked(c->q, x, &c->opts, &rk) < 0) {
        osm_members_free(&m);
        return qcli_oom(v->name);
    }
    if (c->json) {
        osm_json j;
        osm_json_init(&j, stdout, false);
        json_header(&j, v, c, pd_id);
        osm_id *pds = member_pds(&m);
        osm_json_key(&j, "names");     /* before "result", which stays last */
        qcli_json_names(&j, c->q, pds, pds ? m.n : 0);
        free(pds);
        osm_json_key(&j, "result");
        qcli_json_members(&j, c->q, &m);
        if (c->opts.why) {
            osm_json_key(&j, "why");
            qcli_json_why(&j, c->q, &m);
        }
        if (rank) {
            osm_json_key(&j, "ranked");
            qcli_json_ranked(&j, c->q, &rk);
        }
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else {
        printf("%s of %s: %zu PD%s%s\n", v->name, pd_id, m.n, m.n == 1 ? "" : "s",
               rank ? ", strongest way in first" : "");
        if (rank)
            qcli_print_ranked(c->q, &rk, c->opts.why);
        else
            qcli_print_members(c->q, &m, c->opts.why);
    }
    osm_ranking_free(&rk);
    osm_members_free(&m);
    return CLI_OK;
}

static int run_all(const qverb *v, qcli *c)
{
    const osm_store *s = c->loaded.store;
    osm_all a;
    if (osm_query_all(c->q, &c->opts, v->ib, &a) < 0)
        return qcli_oom(v->name);
    const size_t *off = v->ib ? a.ib_off : a.tcb_off;
    const osm_member *mv = v->ib ? a.ib : a.tcb;
    osm_json j;
    if (c->json) {
        osm_json_init(&j, stdout, false);
        json_header(&j, v, c, NULL);
        osm_json_key(&j, "names");
        qcli_json_names(&j, c->q, a.pds, a.n_pds);
        osm_json_key(&j, "result");
        osm_json_begin_object(&j);
    } else {
        printf("%s of every PD (%zu PDs)\n", v->name, a.n_pds);
        printf("  %-16s %-20s %5s  %s\n", "PD", "NAME", "COUNT", "MEMBERS");
    }
    for (size_t i = 0; i < a.n_pds; i++) {
        const char *id = osm_node_id(s, a.pds[i]);
        osm_members m = { .v = (osm_member *)&mv[off[i]], .n = off[i + 1] - off[i] };
        if (c->json) {
            osm_json_key(&j, id);
            qcli_json_members(&j, c->q, &m);
            continue;
        }
        printf("  %-16s %-20s %5zu ", id, osm_node_data_name(s, a.pds[i]), m.n);
        for (size_t k = 0; k < m.n; k++)
            printf(" %s", osm_node_id(s, m.v[k].pd));
        printf("\n");
    }
    if (c->json) {
        osm_json_end_object(&j);
        if (c->opts.why) {     /* chains need one single-PD query each */
            osm_json_key(&j, "why");
            osm_json_begin_object(&j);
            for (size_t i = 0; i < a.n_pds; i++) {
                osm_members m;
                if (answer_one(c->q, v, a.pds[i], &c->opts, &m) < 0) {
                    osm_all_free(&a);
                    return qcli_oom(v->name);
                }
                osm_json_key(&j, osm_node_id(s, a.pds[i]));
                qcli_json_why(&j, c->q, &m);
                osm_members_free(&m);
            }
            osm_json_end_object(&j);
        }
        osm_json_end_object(&j);
        osm_json_finish(&j);
    }
    osm_all_free(&a);
    return CLI_OK;
}

static int run_verb(const qverb *v, int argc, char **argv)
{
    static const struct option opts[] = {
        { "types", required_argument, 0, 't' }, { "mode", required_argument, 0, 'm' },
        { "property", required_argument, 0, 'P' }, { "why", no_argument, 0, 'w' },
        { "json", no_argument, 0, 'j' }, { "process", no_argument, 0, 'p' },
        { "all", no_argument, 0, 'a' }, { "rank", no_argument, 0, 'r' },
        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    qcli c;
    qcli_init(&c);
    bool all = false, rank = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 't': c.types_arg = optarg; break;
        case 'm': c.mode_arg = optarg; break;
        case 'P': c.property_arg = optarg; break;
        case 'w': c.opts.why = true; break;
        case 'j': c.json = true; break;
        case 'p': c.lo.process = true; break;
        case 'a': all = true; break;
        case 'r': rank = true; break;
        case 'h': print_help(stdout, v); return CLI_OK;
        default: print_help(stderr, v); return CLI_USAGE;
        }
    }
    int want = all ? 1 : 2;
    if (argc - optind != want)
        return cli_usage_error(v->name, all ? "expected FILE with --all" : "expected FILE PD");
    if (all && v->comps)
        return cli_usage_error(v->name, "--all is for tcb and ib");
    if (rank && (v->comps || v->ib || all))
        return cli_usage_error(v->name, "--rank is for tcb of one PD");
    int st = qcli_open(&c, v->name, argv[optind]);
    if (st == CLI_OK)
        st = all ? run_all(v, &c) : run_one(v, &c, argv[optind + 1], rank);
    qcli_close(&c);
    return st;
}

static int run_tcb(int argc, char **argv) { return run_verb(&verbs[0], argc, argv); }
static int run_ib(int argc, char **argv) { return run_verb(&verbs[1], argc, argv); }
static int run_sr(int argc, char **argv) { return run_verb(&verbs[2], argc, argv); }
static int run_ss(int argc, char **argv) { return run_verb(&verbs[3], argc, argv); }
static int run_sv(int argc, char **argv) { return run_verb(&verbs[4], argc, argv); }
static int run_is(int argc, char **argv) { return run_verb(&verbs[5], argc, argv); }
static int run_cc(int argc, char **argv) { return run_verb(&verbs[6], argc, argv); }
static int run_cb(int argc, char **argv) { return run_verb(&verbs[7], argc, argv); }

OSM_VERB(tcb, "tcb", run_tcb, "trusted computing base of a PD (A/I/C views)");
OSM_VERB(ib, "ib", run_ib, "impact boundary of a PD (A/I/C views)");
OSM_VERB(shared_resources, "shared-resources", run_sr, "PDs touching resources a PD depends on");
OSM_VERB(shared_spaces, "shared-spaces", run_ss, "PDs drawing from the same spaces as a PD");
OSM_VERB(servers, "servers", run_sv, "PDs providing a PD's resources");
OSM_VERB(indirect_servers, "indirect-servers", run_is, "servers behind a PD's servers");
OSM_VERB(can_control, "can-control", run_cc, "PDs with a control chain to a PD");
OSM_VERB(control_by, "control-by", run_cb, "PDs a PD controls through a chain");
