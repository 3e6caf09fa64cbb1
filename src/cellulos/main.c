/*
 * cellulos: the root task of the CellulOS personality on Linux.
 *
 *   cellulos run NAME [--dump FILE] [--policy 1a|1b|2a|2b] [--debug-invariants]
 *   cellulos list
 *
 * Exit status: 0 when the scenario's checks passed, 1 when one failed, 2 for
 * a usage error.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

static const char usage_text[] =
    "usage: cellulos run NAME [--dump FILE] [--policy 1a|1b|2a|2b] [--debug-invariants]\n"
    "                         [--verbose] [--revoke-timeout MS]\n"
    "       cellulos list\n"
    "\n"
    "Run a built-in scenario under the CellulOS root task: the root task starts\n"
    "the scenario's PD programs (cel-* next to this binary) confined by seccomp,\n"
    "serves them every resource, and keeps the exact model state.\n"
    "\n"
    "  --dump FILE          write the model state (CellulOS CSV) when the scenario's\n"
    "                       driver reports its verdict (all its PDs still alive)\n"
    "  --policy P           cleanup policy for ended PDs (MODEL.md §6; default 1a)\n"
    "  --debug-invariants   re-check every model invariant after every transition\n"
    "  --verbose            log PD starts and ends\n"
    "  --revoke-timeout MS  how long a PD has to give up revoked memory (1000)\n"
    "\n"
    "Exit status: 0 scenario checks passed, 1 a check failed, 2 usage error.\n"
    "\n"
    "Scenarios:\n";

static int usage(FILE *f, int status)
{
    fputs(usage_text, f);
    cel_scenario_list(f);
    return status;
}

/* The directory of this binary: PD programs live next to it. */
static void self_dir(char *buf, size_t n)
{
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = '\0';
    snprintf(buf, n, "%s", k > 0 ? dirname(exe) : ".");
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dump", required_argument, NULL, 'd' },
        { "policy", required_argument, NULL, 'p' },
        { "debug-invariants", no_argument, NULL, 'D' },
        { "verbose", no_argument, NULL, 'v' },
        { "revoke-timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *dump = NULL, *policy = "1a";
    bool debug = false, verbose = false;
    long timeout = 1000;
    int c;
    while ((c = getopt_long(argc, argv, "d:p:Dvt:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dump = optarg; break;
        case 'p': policy = optarg; break;
        case 'D': debug = true; break;
        case 'v': verbose = true; break;
        case 't': timeout = strtol(optarg, NULL, 10); break;
        case 'h': return usage(stdout, 0);
        default: return usage(stderr, 2);
        }
    }
    if (optind + 1 != argc)
        return usage(stderr, 2);
    const cel_scenario *sc = cel_scenario_find(argv[optind]);
    cel_policy pol;
    if (!sc) {
        fprintf(stderr, "cellulos: unknown scenario '%s'\n", argv[optind]);
        return usage(stderr, 2);
    }
    if (cel_policy_parse(policy, &pol)) {
        fprintf(stderr, "cellulos: unknown policy '%s' (1a, 1b, 2a or 2b)\n", policy);
        return 2;
    }
    if (timeout < 1 || timeout > 600000) {
        fprintf(stderr, "cellulos: --revoke-timeout must be 1..600000 ms\n");
        return 2;
    }
    char dir[PATH_MAX];
    self_dir(dir, sizeof dir);
    cel_root r;
    if (cel_root_init(&r, dir)) {
        fprintf(stderr, "cellulos: out of memory\n");
        cel_root_fini(&r);
        return 1;
    }
    r.policy = pol;
    r.verbose = verbose;
    r.revoke_timeout_ms = (unsigned)timeout;
    osm_store_set_debug_invariants(r.s, debug);
    int status = 1;
    if (cel_model_boot(&r))
        fprintf(stderr, "cellulos: cannot build the boot model state\n");
    else
        status = cel_scenario_run(&r, sc, dump);
    cel_root_fini(&r);
    return status;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        return usage(stderr, 2);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
        return usage(stdout, 0);
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0) {
        cel_scenario_list(stdout);
        return 0;
    }
    fprintf(stderr, "cellulos: unknown command '%s'\n", argv[1]);
    return usage(stderr, 2);
}
