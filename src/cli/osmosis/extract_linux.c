/* osmosis extract linux: a live Linux host or a captured /proc (docs/linux.md). */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "extract.h"
#include "../../extract/linux/linux.h"

static const char help_linux[] =
    "usage: osmosis extract linux [-o FILE] [--format F] [--pid P1,P2,... | --all]\n"
    "                             [--threads] [--pages] [--no-phys] [--proc DIR] [--json]\n"
    "                             [--no-seccomp-read] [--source auto|bpf|proc] [--verbose]\n"
    "\n"
    "Build a model state of the running Linux system from /proc (docs/linux.md):\n"
    "a PD per process (PD_<pid>) and the kernel (PD_kernel); per process an ADS\n"
    "with a VMR per mapping, MAPped to its FILE and to the physical frames (MO)\n"
    "behind it; open descriptors as FILE/SOCKET/PIPE/... resources; namespaces and\n"
    "cgroups (with limits) and the kernel's exhaustible pools (POOL_*) as spaces;\n"
    "control edges where Linux would let a process signal (T), read (R) or write\n"
    "(W) another, after credentials, capabilities, dumpability, YAMA and seccomp\n"
    "(filters are read and evaluated; what cannot be known is marked uncertain=\n"
    "in the edge's EXTRA).  Processes that exit during the scan are\n"
    "skipped and counted; what could not be seen is said once on stderr.\n"
    "\n"
    "  -o, --output FILE  where to write (default stdout; written whole or not at all)\n"
    "      --format F     csv (CellulOS CSV, default), json (networkx node-link),\n"
    "                     graphml or dot\n"
    "      --pid LIST     only these processes (comma-separated PIDs)\n"
    "      --all          every process (the default)\n"
    "      --threads      one PD per thread, PD_<pid>.<tid>, sharing the ADS\n"
    "      --pages        one MO per physical page instead of runs of frames\n"
    "      --no-phys      do not read pagemap/iomem (no MO resources)\n"
    "      --proc DIR     read a captured copy of /proc (scripts/capture-proc.sh);\n"
    "                     implies --no-phys (pagemap cannot be captured).  A file\n"
    "                     of DIR that is not a regular file (a FIFO, a device), a\n"
    "                     link out of DIR or a file over its size cap (maps 64 MiB)\n"
    "                     is refused by name: exit 2, nothing written\n"
    "      --no-seccomp-read  do not stop filtered processes to read their seccomp\n"
    "                     filters (PTRACE_SECCOMP_GET_FILTER, root only); what they\n"
    "                     may do to others is then marked uncertain\n"
    "      --source S     where descriptors and mappings are read: bpf (BPF\n"
    "                     iterators, one pass over every process; root with BTF),\n"
    "                     proc (/proc/PID/fd, fdinfo and maps), or auto (default:\n"
    "                     bpf when the iterators can be pinned in a BPF filesystem,\n"
    "                     else proc); the state is the same\n"
    "      --verbose      say on stderr which source was used and why\n"
    CLI_JSON_SUMMARY_HELP
    "                     (adds \"processes\", \"threads\", \"exited\", \"denied\",\n"
    "                     \"source\")\n"
    "\n"
    "Processes are read by one thread per CPU (at most 8); the output does not\n"
    "depend on it.  OSMOSIS_LX_WORKERS=N sets the number of threads (1: serial).\n"
    "The BPF iterators are pinned in OSMOSIS_BPF_PIN=DIR, else in /sys/fs/bpf when\n"
    "it is a BPF filesystem: the first run loads them, later runs reuse them.\n";

/* Parse "1,2,3" into a sorted, duplicate-free array; -1 on a bad entry. */
static int parse_pids(const char *s, int **out, size_t *n)
{
    size_t cap = 16, k = 0;
    int *v = malloc(cap * sizeof *v);
    if (!v)
        return -1;
    while (*s) {
        char *end;
        long p = strtol(s, &end, 10);
        if (end == s || p <= 0 || p > INT_MAX || (*end && *end != ',')) {
            free(v);
            return -1;
        }
        if (k == cap) {
            int *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) {
                free(v);
                return -1;
            }
            v = nv;
        }
        v[k++] = (int)p;
        s = *end ? end + 1 : end;
    }
    for (size_t i = 1; i < k; i++)          /* insertion sort: lists are short */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            int t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || v[u - 1] != v[i])
            v[u++] = v[i];
    *out = v;
    *n = u;
    return u ? 0 : -1;
}

int osm_cli_extract_linux(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, 0, 'o' }, { "format", required_argument, 0, 'f' },
        { "pid", required_argument, 0, 'p' },    { "all", no_argument, 0, 'a' },
        { "threads", no_argument, 0, 't' },      { "pages", no_argument, 0, 'P' },
        { "no-phys", no_argument, 0, 'n' },      { "proc", required_argument, 0, 'r' },
        { "no-seccomp-read", no_argument, 0, 'S' },
        { "source", required_argument, 0, 's' }, { "verbose", no_argument, 0, 'v' },
        { "help", no_argument, 0, 'h' },         { "json", no_argument, 0, 'j' },
        { 0, 0, 0, 0 } };
    osm_lx_opts lo = { .proc = "/proc", .live = true };
    const char *out = NULL, *pids = NULL;
    int format = OSM_EXPORT_CSV;
    bool all = false, json = false, verbose = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f':
            format = cli_state_format_parse(optarg);
            if (format < 0)
                return cli_usage_error("extract linux", "unknown format '%s' (" CLI_STATE_FORMATS ")",
                                       optarg);
            break;
        case 'p': pids = optarg; break;
        case 'a': all = true; break;
        case 'j': json = true; break;
        case 't': lo.threads = true; break;
        case 'P': lo.pages = true; break;
        case 'n': lo.no_phys = true; break;
        case 'S': lo.no_seccomp_read = true; break;
        case 'v': verbose = true; break;
        case 's':
            if (!strcmp(optarg, "auto"))
                lo.source = OSM_LX_SOURCE_AUTO;
            else if (!strcmp(optarg, "bpf"))
                lo.source = OSM_LX_SOURCE_BPF;
            else if (!strcmp(optarg, "proc"))
                lo.source = OSM_LX_SOURCE_PROC;
            else
                return cli_usage_error("extract linux", "unknown --source '%s' (auto, bpf, proc)",
                                       optarg);
            break;
        case 'r': lo.proc = optarg; lo.live = false; lo.no_phys = true; break;
        case 'h': fputs(help_linux, stdout); return CLI_OK;
        default: fputs(help_linux, stderr); return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("extract linux", "unexpected argument '%s'", argv[optind]);
    if (pids && all)
        return cli_usage_error("extract linux", "--pid and --all exclude each other");
    int *pv = NULL;
    if (pids && parse_pids(pids, &pv, &lo.n_pids) < 0)
        return cli_usage_error("extract linux", "bad --pid list '%s'", pids);
    lo.pids = pv;
    osm_store *s = osm_store_new();
    osm_lx_report rep;
    int st = CLI_USAGE;
    if (s && osm_lx_extract(&lo, s, &rep) == 0) {
        if (verbose)
            fprintf(stderr, "osmosis extract linux: source %s (%s)\n", rep.source,
                    rep.source_why);
        if (verbose && !strcmp(rep.source, "bpf"))
            fprintf(stderr, "osmosis extract linux: %zu maps or descriptor tables read from "
                            "/proc (not in the BPF snapshot, or not reproducible from it)\n",
                    rep.bpf_fallbacks);
        osm_lx_report_print(&rep, stderr);
        if (pids && rep.processes == 0)
            fprintf(stderr, "osmosis extract linux: none of the requested processes exist\n");
        const cli_count counts[] = { { "denied", rep.denied, NULL },
                                     { "exited", rep.exited, NULL },
                                     { "processes", rep.processes, NULL },
                                     { "source", 0, rep.source },
                                     { "threads", rep.threads, NULL } };
        if (!lo.live && rep.refused)
            /* A copy holding a FIFO, a link out of it or an oversized file
             * is bad input, not a process we could not see: write nothing. */
            fprintf(stderr, "osmosis extract linux: %s: %zu files refused; nothing written\n",
                    lo.proc, rep.refused);
        else if (json)
            st = cli_state_summary("extract linux", s, out, (osm_export_format)format, counts,
                                   sizeof counts / sizeof counts[0]);
        else
            st = cli_write_state(s, out, (osm_export_format)format) < 0 ? CLI_USAGE : CLI_OK;
    }
    osm_store_free(s);
    free(pv);
    return st;
}
