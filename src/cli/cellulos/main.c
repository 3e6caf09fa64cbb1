/*
 * cellulos: the root task of the CellulOS personality on Linux.
 *
 *   cellulos run NAME [--dump FILE] [--policy 1a|1b|2a|2b] [--debug-invariants]
 *   cellulos compare | vm | serve | dump | list [--json]
 *
 * Exit status: 0 when the scenario's checks passed, 1 when one failed, 2 for
 * a usage error.  A usage error is one line naming the problem and where
 * help is, never the whole help text.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cellulos/platform/platform.h"
#include "../../scenarios/scenario.h"
#include "../../compare/compare.h"
#include "../../scenarios/scenario_kv.h"
#include "../../scenarios/vmpd.h"

#define CEL_SOCKET_DEFAULT "/run/cellulos.sock"

static const char usage_text[] =
    "usage: cellulos run NAME [--dump FILE] [--policy 1a|1b|2a|2b] [--debug-invariants]\n"
    "                         [--verbose] [--revoke-timeout MS] [--crash-dump FILE]\n"
    "       cellulos compare [--json] [--small] [--linux] [--vm] [--dir DIR] [SCENARIO...]\n"
    "       cellulos vm [--dump FILE] [--cmd \"...\"] [--add PROG]... (cellulos vm --help)\n"
    "       cellulos serve [--socket PATH] [--start PROGRAM[:ARG]] [--policy P]\n"
    "                      [--debug-invariants] [--verbose]\n"
    "       cellulos dump [--socket PATH]\n"
    "       cellulos list [--json]\n"
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
    "  --crash-dump FILE    write the model state when a PD first crashes, just\n"
    "                       before its teardown (for `osmosis cleanup`)\n"
    "\n"
    "`compare` runs the key-value scenarios (kv001..kv008 by default) and prints,\n"
    "per scenario, RSI and FR of the client/store pair and both TCBs (docs/servers.md).\n"
    "\n"
    "`vm` boots a Linux guest under QEMU as a VM PD (guest RAM an MO of the root\n"
    "task) and joins the guest's state into the root task's (docs/cellulos.md).\n"
    "\n"
    "`serve` runs the root task as a daemon (until SIGTERM or SIGINT), optionally\n"
    "starting one PD program; `dump` prints the model state of a running root task\n"
    "as CellulOS CSV.  The socket defaults to " CEL_SOCKET_DEFAULT " (mode 0600).\n"
    "\n"
    "Exit status: 0 scenario checks passed, 1 a check failed, 2 usage error,\n"
    "3 the scenario cannot be built honestly on this substrate (it says why)\n"
    "(dump: 2 when no root task answers).\n"
    "Each command has its own --help: 'cellulos run --help', 'cellulos compare --help'...\n"
    "\n"
    "Scenarios (cellulos list):\n";

static const char run_help[] =
    "usage: cellulos run NAME [--dump FILE] [--policy 1a|1b|2a|2b] [--debug-invariants]\n"
    "                         [--verbose] [--revoke-timeout MS] [--crash-dump FILE]\n"
    "\n"
    "Run the built-in scenario NAME under the CellulOS root task: the root task\n"
    "starts the scenario's PD programs confined by seccomp, serves them every\n"
    "resource and keeps the exact model state; at the end it checks that teardown\n"
    "left exactly the boot state.\n"
    "\n"
    "  --dump FILE          write the model state (CellulOS CSV) when the scenario's\n"
    "                       driver reports its verdict (all its PDs still alive)\n"
    "  --policy P           cleanup policy for ended PDs (MODEL.md §6; default 1a)\n"
    "  --debug-invariants   re-check every model invariant after every transition\n"
    "  --verbose            log PD starts and ends\n"
    "  --revoke-timeout MS  how long a PD has to give up revoked memory (1000)\n"
    "  --crash-dump FILE    write the model state when a PD first crashes, just\n"
    "                       before its teardown (for `osmosis cleanup`)\n"
    "\n"
    "The scenario's own output goes to stdout; for JSON, --dump the state and ask\n"
    "`osmosis ... --json` about it.\n"
    "Exit status: 0 checks passed, 1 a check failed, 2 usage error, 3 the scenario\n"
    "cannot be built honestly on this substrate (it says why).\n"
    "\n"
    "Scenarios:\n";

static const char serve_help[] =
    "usage: cellulos serve [--socket PATH] [--start PROGRAM[:ARG]] [--policy P]\n"
    "                      [--debug-invariants] [--verbose]\n"
    "\n"
    "Run the root task as a daemon until SIGTERM or SIGINT, optionally starting\n"
    "one PD program (cel-* next to this binary, or in the helper directory).\n"
    "The socket defaults to " CEL_SOCKET_DEFAULT " (mode 0600); `cellulos dump`\n"
    "reads the model state through it.\n";

static const char dump_help[] =
    "usage: cellulos dump [--socket PATH]\n"
    "\n"
    "Print the model state of a running root task (`cellulos serve`) as\n"
    "CellulOS CSV.  The socket defaults to " CEL_SOCKET_DEFAULT ".\n"
    "Exit status: 0 printed, 1 the dump failed, 2 no root task answers.\n";

static const char list_help[] =
    "usage: cellulos list [--json]\n"
    "\n"
    "The scenarios of `cellulos run`, one per line: NAME and what it shows.\n"
    "  --json   [{\"name\":..,\"summary\":..}, ...] in the same order\n";

static int usage(FILE *f, int status)
{
    fputs(usage_text, f);
    cel_scenario_list(f);
    return status;
}

/* A usage error: one line saying what is wrong and where help is; exit 2. */
static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cellulos%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'cellulos %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

/* After getopt_long returned '?' (opterr is 0, so it printed nothing): the
 * word it stopped at is argv[optind - 1]. */
static int bad_option(const char *cmd, char **argv)
{
    return usage_error(cmd, "unknown option or missing value: '%s'", argv[optind - 1]);
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dump", required_argument, NULL, 'd' },
        { "policy", required_argument, NULL, 'p' },
        { "debug-invariants", no_argument, NULL, 'D' },
        { "verbose", no_argument, NULL, 'v' },
        { "revoke-timeout", required_argument, NULL, 't' },
        { "crash-dump", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *dump = NULL, *policy = "1a", *crash_dump = NULL;
    bool debug = false, verbose = false;
    long timeout = 1000;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "d:p:Dvt:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dump = optarg; break;
        case 'p': policy = optarg; break;
        case 'D': debug = true; break;
        case 'v': verbose = true; break;
        case 't': timeout = strtol(optarg, NULL, 10); break;
        case 'c': crash_dump = optarg; break;
        case 'h':
            fputs(run_help, stdout);
            cel_scenario_list(stdout);
            return 0;
        default: return bad_option("run", argv);
        }
    }
    if (optind == argc)
        return usage_error("run", "no scenario given ('cellulos list' shows them)");
    if (optind + 1 != argc)
        return usage_error("run", "one scenario at a time, not '%s' too", argv[optind + 1]);
    const char *why = cel_scenario_kv_unsupported(argv[optind]);
    if (why) {
        fputs(why, stdout);
        return CEL_EXIT_UNSUPPORTED;
    }
    const cel_scenario *sc = cel_scenario_find(argv[optind]);
    cel_policy pol;
    if (!sc)
        return usage_error("run", "unknown scenario '%s' ('cellulos list' shows them)", argv[optind]);
    if (cel_policy_parse(policy, &pol))
        return usage_error("run", "unknown policy '%s' (1a, 1b, 2a or 2b)", policy);
    if (timeout < 1 || timeout > 600000)
        return usage_error("run", "--revoke-timeout must be 1..600000 ms");
    char dir[PATH_MAX];
    cel_plat_sibling("", dir, sizeof dir);
    cel_root r;
    if (cel_root_init(&r, dir)) {
        fprintf(stderr, "cellulos: out of memory\n");
        cel_root_fini(&r);
        return 1;
    }
    r.policy = pol;
    r.verbose = verbose;
    r.revoke_timeout_ms = (unsigned)timeout;
    r.crash_dump = crash_dump;
    osm_store_set_debug_invariants(r.s, debug);
    int status = 1;
    if (cel_model_boot(&r))
        fprintf(stderr, "cellulos: cannot build the boot model state\n");
    else
        status = cel_scenario_run(&r, sc, dump);
    cel_root_fini(&r);
    return status;
}

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static bool stop_serving(cel_root *r)
{
    (void)r;
    return stop_requested;
}

/* Start PROGRAM[:ARG] as a PD of the root task; it is the one PD whose
 * DONE the root task takes (a verdict is accepted, and changes nothing). */
static int start_program(cel_root *r, const char *spec)
{
    char prog[CEL_NAME_MAX], *colon;
    snprintf(prog, sizeof prog, "%s", spec);
    if ((colon = strchr(prog, ':')))
        *colon++ = '\0';
    int err;
    cel_pd *pd = cel_pd_spawn(r, prog, colon, NULL, false, 0, &err);
    if (!pd) {
        fprintf(stderr, "cellulos: cannot start %s: %s\n", spec, strerror(-err));
        return -1;
    }
    r->driver = pd->num;
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        { "socket", required_argument, NULL, 's' },
        { "start", required_argument, NULL, 'S' },
        { "policy", required_argument, NULL, 'p' },
        { "debug-invariants", no_argument, NULL, 'D' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *sock = CEL_SOCKET_DEFAULT, *start = NULL, *policy = "1a";
    bool debug = false, verbose = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "s:S:p:Dvh", opts, NULL)) != -1) {
        switch (c) {
        case 's': sock = optarg; break;
        case 'S': start = optarg; break;
        case 'p': policy = optarg; break;
        case 'D': debug = true; break;
        case 'v': verbose = true; break;
        case 'h': fputs(serve_help, stdout); return 0;
        default: return bad_option("serve", argv);
        }
    }
    cel_policy pol;
    if (optind != argc)
        return usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (cel_policy_parse(policy, &pol))
        return usage_error("serve", "unknown policy '%s' (1a, 1b, 2a or 2b)", policy);
    char dir[PATH_MAX];
    cel_plat_sibling("", dir, sizeof dir);
    cel_root r;
    int status = 1;
    if (cel_root_init(&r, dir) == 0) {
        r.policy = pol;
        r.verbose = verbose;
        osm_store_set_debug_invariants(r.s, debug);
        struct sigaction sa = { .sa_handler = on_stop };
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigset_t stop_signals;      /* a mask inherited from the caller must not hold them */
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGINT);
        sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);
        int rc = cel_model_boot(&r) ? -EPERM : cel_root_listen(&r, sock);
        if (rc)
            fprintf(stderr, "cellulos: cannot serve on %s: %s\n", sock, strerror(-rc));
        else if (!start || start_program(&r, start) == 0) {
            fprintf(stderr, "cellulos: serving on %s\n", sock);
            while (!stop_requested && cel_root_run(&r, stop_serving, 1000) >= 0)
                ;
            status = cel_scenario_end_all(&r, 30) ? 1 : 0;
        }
        if (!rc)
            unlink(sock);
    }
    cel_root_fini(&r);
    return status;
}

/* Ask a running root task for its state and copy it to stdout. */
static int cmd_dump(int argc, char **argv)
{
    const char *sock = CEL_SOCKET_DEFAULT;
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(dump_help, stdout);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--socket") == 0)
        sock = argv[2];
    else if (argc != 1)
        return usage_error("dump", "unexpected argument '%s'", argv[1]);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) {
        fprintf(stderr, "cellulos: no root task answers on %s: %s\n", sock, strerror(errno));
        if (s >= 0)
            close(s);
        return 2;
    }
    cel_msg m;
    cel_msg_init(&m, CEL_OP_DUMP, 1);
    size_t got = 0;
    bool trunc = false;
    int fd = -1;
    int rc = cel_plat_send(s, &m, sizeof m, -1);
    rc = rc ? rc : cel_plat_recv(s, &m, sizeof m, &got, &trunc, &fd);
    if (!rc && (cel_msg_check(&m, got, trunc, true, NULL, 0) || fd < 0))
        rc = m.h.status ? m.h.status : -EPROTO;
    close(s);
    char buf[65536];
    ssize_t n;
    off_t off = 0;
    while (!rc && (n = pread(fd, buf, sizeof buf, off)) > 0) {
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            rc = -EIO;
        off += n;
    }
    if (fd >= 0)
        close(fd);
    if (rc || fflush(stdout)) {
        fprintf(stderr, "cellulos: dump failed: %s\n", strerror(rc ? -rc : EIO));
        return 1;
    }
    return 0;
}

static void list_json_item(const char *name, const char *summary, void *ctx)
{
    osm_json *j = ctx;
    osm_json_begin_object(j);
    osm_json_key(j, "name");
    osm_json_string(j, name);
    osm_json_key(j, "summary");
    osm_json_string(j, summary);
    osm_json_end_object(j);
}

/* cellulos list [--json] */
static int cmd_list(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(list_help, stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--json")) {
        osm_json j;
        osm_json_init(&j, stdout, false);
        osm_json_begin_array(&j);
        cel_scenario_each(list_json_item, &j);
        osm_json_end_array(&j);
        osm_json_finish(&j);
        return fflush(stdout) ? 1 : 0;
    }
    if (argc != 1)
        return usage_error("list", "unexpected argument '%s'", argv[1]);
    cel_scenario_list(stdout);
    return 0;
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
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "dump") == 0)
        return cmd_dump(argc - 1, argv + 1);
    if (strcmp(argv[1], "compare") == 0)
        return cel_compare_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "vm") == 0)
        return cel_vmpd_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    return usage_error(NULL, "unknown command '%s' (run, compare, vm, serve, dump, list)", argv[1]);
}
