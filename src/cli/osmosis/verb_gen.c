/* osmosis gen: a deterministic generator of well-formed, realistic model
 * states for tests and benchmarks (same seed and sizes, same bytes). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "query_cli.h"

static const char help[] =
    "usage: osmosis gen --seed S --pds N --resources M [--shared PCT] [--servers K]\n"
    "                   [-o FILE] [--json]\n"
    "\n"
    "Write a generated CellulOS CSV state: a ROOT_TASK holding physical memory\n"
    "(an MO space) and controlling every PD (HOLD RWT); per PD an address space\n"
    "(ADS, MAPped to physical memory) with VMRs MAPped to MO frames; PCT percent\n"
    "(default 10) of the VMRs map a frame of another PD (shared memory); K block\n"
    "servers (BLOCK spaces) and K file servers whose FILE spaces MAP to them, with\n"
    "files MAPped to blocks and held by client PDs; REQUEST edges to the root\n"
    "(VMR, MO, ADS), clients to file servers (FILE) and file to block servers\n"
    "(BLOCK); some PDs control a child (HOLD T).  M is the approximate number of\n"
    "resources; the state is well-formed (every MODEL.md §1 rule holds).\n"
    "The PRNG is splitmix64, so the output depends only on the arguments.\n"
    "\n"
    "  -o, --output FILE  where to write (default stdout)\n"
    CLI_JSON_SUMMARY_HELP;

typedef struct gen {
    uint64_t rng;
    osm_store *s;
    char buf[64];
} gen;

/* splitmix64: tiny, fast and fully specified, so output is portable. */
static uint64_t rnd(gen *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static uint64_t below(gen *g, uint64_t n) { return n ? rnd(g) % n : 0; }

static osm_id node(gen *g, osm_kind k, const char *data, const char *extra, const char *fmt,
                   uint64_t a, uint64_t b)
{
    snprintf(g->buf, sizeof g->buf, fmt, a, b);
    return osm_store_add_node(g->s, k, g->buf, data, extra);
}

static void edge(gen *g, osm_edge_kind k, osm_id from, osm_id to, uint8_t perms, const char *type)
{
    osm_id t = type ? osm_store_intern(g->s, type, strlen(type)) : OSM_NONE;
    osm_store_add_edge(g->s, k, from, to, perms, t, NULL);
}

typedef struct gparams {
    uint64_t seed, pds, resources, shared, servers;
} gparams;

/* Block and file servers: returns the first file server's index in pd[]. */
static void gen_servers(gen *g, const gparams *p, osm_id *pd, osm_id root, uint64_t n_files,
                        osm_id *files, osm_id *file_srv)
{
    uint64_t k = p->servers;
    for (uint64_t i = 0; i < k; i++) {
        osm_id bs = pd[1 + i], fs = pd[1 + k + i];
        osm_id bsp = node(g, OSM_SPACE, "BLOCK", NULL, "BLOCK_SPACE_%" PRIu64 "%.0" PRIu64, i, 0);
        osm_id fsp = node(g, OSM_SPACE, "FILE", NULL, "FILE_SPACE_%" PRIu64 "%.0" PRIu64, i, 0);
        edge(g, OSM_HOLD, bs, bsp, 0, NULL);
        edge(g, OSM_HOLD, fs, fsp, 0, NULL);
        edge(g, OSM_MAP, fsp, bsp, 0, NULL);
        edge(g, OSM_REQUEST, fs, bs, 0, "BLOCK");
        uint64_t per = n_files / k + 1;
        for (uint64_t f = 0; f < per; f++) {
            uint64_t idx = i * per + f;
            if (idx >= n_files)
                break;
            osm_id fr = node(g, OSM_RESOURCE, "FILE", NULL, "FILE_%" PRIu64 "_%" PRIu64, i, f);
            edge(g, OSM_SUBSET, fr, fsp, 0, NULL);
            edge(g, OSM_HOLD, fs, fr, OSM_PERM_R | OSM_PERM_W, NULL);
            for (uint64_t b = 0; b < 2; b++) {
                osm_id br = node(g, OSM_RESOURCE, "BLOCK", NULL, "BLOCK_%" PRIu64 "_%" PRIu64, i, f * 2 + b);
                edge(g, OSM_SUBSET, br, bsp, 0, NULL);
                edge(g, OSM_HOLD, bs, br, OSM_PERM_R | OSM_PERM_W, NULL);
                edge(g, OSM_HOLD, fs, br, OSM_PERM_R | OSM_PERM_W, NULL);
                edge(g, OSM_MAP, fr, br, 0, NULL);
            }
            files[idx] = fr;
            file_srv[idx] = fs;
        }
    }
    (void)root;
}

static int generate(const gparams *p, osm_store *s)
{
    gen g = { .rng = p->seed, .s = s };
    uint64_t n = p->pds < 2 ? 2 : p->pds;
    uint64_t n_files = p->servers ? p->resources / 20 : 0;
    uint64_t n_mem = (p->resources - n_files * 3) / 2;     /* VMR + MO pairs */
    osm_id *pd = malloc(n * sizeof *pd);
    osm_id *files = malloc((n_files + 1) * sizeof *files);
    osm_id *file_srv = malloc((n_files + 1) * sizeof *file_srv);
    osm_id *mos = malloc((n_mem + 1) * sizeof *mos);
    if (!pd || !files || !file_srv || !mos) {
        free(pd), free(files), free(file_srv), free(mos);
        return -1;
    }
    osm_store_reserve(s, n * 2 + p->resources + 16, p->resources * 3 + n * 8);
    pd[0] = node(&g, OSM_PD, "ROOT_TASK", NULL, "PD_%" PRIu64 "%.0" PRIu64, 0, 0);
    osm_id mosp = node(&g, OSM_SPACE, "MO", NULL, "MO_SPACE_%" PRIu64 "%.0" PRIu64, 0, 0);
    edge(&g, OSM_HOLD, pd[0], mosp, 0, NULL);
    for (uint64_t i = 1; i < n; i++) {
        bool server = i <= 2 * p->servers;
        const char *name = !server ? "app" : i <= p->servers ? "block_server" : "fs_server";
        pd[i] = node(&g, OSM_PD, name, NULL, "PD_%" PRIu64 "%.0" PRIu64, i, 0);
        edge(&g, OSM_HOLD, pd[0], pd[i], OSM_PERM_R | OSM_PERM_W | OSM_PERM_T, NULL);
        edge(&g, OSM_REQUEST, pd[i], pd[0], 0, "MO");
        edge(&g, OSM_REQUEST, pd[i], pd[0], 0, "VMR");
        edge(&g, OSM_REQUEST, pd[i], pd[0], 0, "ADS");
        if (i > 1 && below(&g, 10) == 0)       /* a parent controlling a child */
            edge(&g, OSM_HOLD, pd[1 + below(&g, i - 1)], pd[i], OSM_PERM_T, NULL);
    }
    gen_servers(&g, p, pd, pd[0], n_files, files, file_srv);
    /* Address spaces, VMRs and frames: PD i gets about n_mem / (n - 1). */
    uint64_t done = 0;
    for (uint64_t i = 1; i < n; i++) {
        osm_id ads = node(&g, OSM_SPACE, "ADS", NULL, "ADS_SPACE_%" PRIu64 "%.0" PRIu64, i, 0);
        edge(&g, OSM_HOLD, pd[i], ads, 0, NULL);
        edge(&g, OSM_HOLD, pd[0], ads, 0, NULL);
        edge(&g, OSM_MAP, ads, mosp, 0, NULL);
        uint64_t want = n_mem * i / (n - 1) - done;
        for (uint64_t k = 0; k < want; k++, done++) {
            char ex[64];
            uint64_t pages = 1 + below(&g, 16);
            static const char *const kinds[] = { "ELF_CODE", "ELF_DATA", "STACK", "HEAP", "IPC_BUF" };
            static const uint8_t perms[] = { OSM_PERM_R | OSM_PERM_X, OSM_PERM_R | OSM_PERM_W,
                                             OSM_PERM_R | OSM_PERM_W, OSM_PERM_R | OSM_PERM_W,
                                             OSM_PERM_R | OSM_PERM_W };
            unsigned kind = (unsigned)below(&g, 5);
            snprintf(ex, sizeof ex, "0x%" PRIx64 "_%s_%" PRIu64 "_12", 0x400000 + k * 0x10000,
                     kinds[kind], pages);
            osm_id vmr = node(&g, OSM_RESOURCE, "VMR", ex, "VMR_%" PRIu64 "_%" PRIu64, i, k);
            edge(&g, OSM_SUBSET, vmr, ads, 0, NULL);
            edge(&g, OSM_HOLD, pd[i], vmr, perms[kind], NULL);
            osm_id mo;
            if (done > 0 && below(&g, 100) < p->shared) {   /* shared memory */
                uint64_t j = below(&g, done);
                mo = mos[j];
                edge(&g, OSM_HOLD, pd[i], mo, OSM_PERM_R | OSM_PERM_W, NULL);
            } else {
                snprintf(ex, sizeof ex, "0x%" PRIx64 "_%" PRIu64 "_12", done * 0x10000, pages);
                mo = node(&g, OSM_RESOURCE, "MO", ex, "MO_%" PRIu64 "%.0" PRIu64, done, 0);
                edge(&g, OSM_SUBSET, mo, mosp, 0, NULL);
                edge(&g, OSM_HOLD, pd[0], mo, 0, NULL);
                edge(&g, OSM_HOLD, pd[i], mo, OSM_PERM_R | OSM_PERM_W, NULL);
            }
            mos[done] = mo;
            edge(&g, OSM_MAP, vmr, mo, 0, NULL);
        }
        /* Clients of a file server hold a few of its files. */
        if (n_files && i > 2 * p->servers && below(&g, 3) == 0) {
            uint64_t f0 = below(&g, n_files);
            edge(&g, OSM_REQUEST, pd[i], file_srv[f0], 0, "FILE");
            for (uint64_t f = 0; f < 3; f++) {
                uint64_t fi = (f0 + f) % n_files;
                if (file_srv[fi] == file_srv[f0])
                    edge(&g, OSM_HOLD, pd[i], files[fi], OSM_PERM_R, NULL);
            }
        }
    }
    free(pd), free(files), free(file_srv), free(mos);
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    *out = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "seed", required_argument, 0, 's' }, { "pds", required_argument, 0, 'n' },
        { "resources", required_argument, 0, 'm' }, { "shared", required_argument, 0, 'S' },
        { "servers", required_argument, 0, 'k' }, { "output", required_argument, 0, 'o' },
        { "help", no_argument, 0, 'h' }, { "json", no_argument, 0, 'j' }, { 0, 0, 0, 0 } };
    gparams p = { .shared = 10, .servers = UINT64_MAX };
    bool have_seed = false, have_n = false, have_m = false, json = false;
    const char *out = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        uint64_t *dst = ch == 's' ? &p.seed : ch == 'n' ? &p.pds : ch == 'm' ? &p.resources
                      : ch == 'S' ? &p.shared : ch == 'k' ? &p.servers : NULL;
        if (ch == 'h') {
            fputs(help, stdout);
            return CLI_OK;
        } else if (ch == 'o') {
            out = optarg;
        } else if (ch == 'j') {
            json = true;
        } else if (!dst) {
            fputs(help, stderr);
            return CLI_USAGE;
        } else if (parse_u64(optarg, dst) < 0) {
            return cli_usage_error("gen", "bad number '%s'", optarg);
        }
        have_seed |= ch == 's';
        have_n |= ch == 'n';
        have_m |= ch == 'm';
    }
    if (optind != argc || !have_seed || !have_n || !have_m)
        return cli_usage_error("gen", "--seed, --pds and --resources are required");
    if (p.pds < 2 || p.pds > 10000000 || p.resources > 200000000 || p.shared > 100)
        return cli_usage_error("gen", "need 2 <= pds <= 1e7, resources <= 2e8, shared <= 100");
    if (p.servers == UINT64_MAX)
        p.servers = p.pds >= 8 ? p.pds / 16 + 1 : 0;
    if (2 * p.servers >= p.pds)
        return cli_usage_error("gen", "--servers must leave room for applications");
    osm_store *s = osm_store_new();
    if (!s || generate(&p, s) < 0) {
        osm_store_free(s);
        return qcli_oom("gen");
    }
    int st = json ? cli_state_summary("gen", s, out, OSM_EXPORT_CSV, NULL, 0)
                  : cli_write_csv(s, out) < 0 ? CLI_USAGE : CLI_OK;
    osm_store_free(s);
    return st;
}

OSM_VERB(gen, "gen", run, "generate a well-formed, realistic state (deterministic)");
