/*
 * Built-in scenarios for `cellulos run NAME`: the root task starts the
 * scenario's driver PD, serves until the driver reports its verdict (DONE),
 * writes the model state at that moment, then ends every PD and checks that
 * teardown left exactly the boot state, that every invariant holds, and
 * that no descriptor leaked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"
#include "scenario_kv.h"

/* Root-side checks of the escape scenario: each attempt was recorded. */
static int check_escape(cel_root *r)
{
    static const struct { const char *kind; unsigned min; } want[] = {
        { "syscall openat", 1 }, { "syscall socket", 1 }, { "syscall mmap", 1 },
        { "syscall clone", 1 }, { "syscall ptrace", 1 }, { "syscall kill", 1 },
        { "syscall execve", 1 }, { "syscall brk", 1 }, { "badge", 3 }, { "malformed", 3 }, { "oversized", 1 },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        unsigned n = cel_denied(r, want[i].kind);
        if (n < want[i].min) {
            fprintf(stderr, "cellulos: escape: expected %u recorded denial(s) of '%s', saw %u\n",
                    want[i].min, want[i].kind, n);
            bad = 1;
        }
    }
    return bad;
}

/* Resident memory of the root task, in KiB (0 when unreadable). */
static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long boot_rss_kib;       /* at the start of cel_scenario_run */

/* The soak's figures: the root task's descriptors and memfds must be back
 * to their boot values (cel_scenario_check_clean checks it after this), and
 * its resident memory may keep only what the model store's arrays grew to
 * (capacity, not a leak): at most SOAK_RSS_SLACK_KIB more than at boot. */
#define SOAK_RSS_SLACK_KIB 4096
static int check_soak(cel_root *r)
{
    int memfds, fds = cel_count_fds(&memfds);
    long rss = rss_kib();
    printf("cellulos: soak: %u denial(s); root task after teardown: %d descriptors, %d memfds, "
           "RSS %ld KiB (%ld KiB at boot)\n", r->denied_total, fds, memfds, rss, boot_rss_kib);
    if (rss > boot_rss_kib + SOAK_RSS_SLACK_KIB) {
        fprintf(stderr, "cellulos: soak: RSS grew by %ld KiB (at most %d allowed)\n",
                rss - boot_rss_kib, SOAK_RSS_SLACK_KIB);
        return 1;
    }
    return 0;
}

static const cel_scenario scenarios[] = {
    { "threads", "cel-threads", NULL, NULL,
      "thread PDs share their creator's ADS; a thread's fault ends its process" },
    { "heap", "cel-threads", "heap", NULL, "a PD's malloc heap is MOs in the model" },
    { "hello", "cel-hello", NULL, NULL,
      "a PD gets an MO from its creator, writes to it; the creator reads the bytes" },
    { "revoke", "cel-hello", "revoke", NULL,
      "revocation: a complying PD loses the mapping, a stubborn one is killed" },
    { "escape", "cel-escape", NULL, check_escape,
      "escape attempts of a confined PD are denied and recorded" },
    { "stress", "cel-stress", NULL, NULL,
      "1000 worker PDs at random: crashes, kills, revocations, fault notices" },
    { "stress-small", "cel-stress", "50", NULL, "the stress workload with 50 worker PDs" },
    { "soak", "cel-stress", "soak", check_soak,
      "1000 worker PDs with crashes, kills, revocations and floods (make soak)" },
    { "bench", "cel-bench", NULL, NULL, "timings for bench/cellulos (null RPC, MO, spawn)" },
};

const cel_scenario *cel_scenario_find(const char *name)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return &scenarios[i];
    return cel_scenario_kv_find(name);
}

void cel_scenario_each(cel_scenario_fn fn, void *ctx)
{
    for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
        fn(scenarios[i].name, scenarios[i].summary, ctx);
    cel_scenario_kv_each(fn, ctx);
}

static void widest_name(const char *name, const char *summary, void *ctx)
{
    (void)summary;
    size_t *w = ctx;
    if (strlen(name) > *w)
        *w = strlen(name);
}

typedef struct list_line {
    FILE *f;
    int width;
} list_line;

static void print_line(const char *name, const char *summary, void *ctx)
{
    const list_line *l = ctx;
    fprintf(l->f, "  %-*s  %s\n", l->width, name, summary);
}

void cel_scenario_list(FILE *f)
{
    size_t w = 0;
    cel_scenario_each(widest_name, &w);     /* one column, however long a name grows */
    list_line l = { f, (int)w };
    cel_scenario_each(print_line, &l);
}

static bool driver_done(cel_root *r)
{
    return r->done || r->live_pds == 0 || r->broken;
}

static uint32_t driver_num;

static bool driver_ended(cel_root *r)
{
    cel_pd *pd = cel_pd_of(r, driver_num);
    return !pd || pd->ended;
}

static bool all_ended(cel_root *r)
{
    return r->live_pds == 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Serve until stop() or the deadline; 0, or -1 on timeout or failure. */
static int serve_until(cel_root *r, bool (*stop)(cel_root *), double deadline)
{
    while (!stop(r)) {
        if (now_s() > deadline)
            return -1;
        if (cel_root_run(r, stop, 200) < 0)
            return -1;
    }
    return 0;
}

/* After a timeout: which PDs were still running, so a hang can be told
 * from a slow machine. */
static void print_live_pds(const cel_root *r)
{
    unsigned shown = 0, live = 0;
    for (uint32_t i = 1; i < r->n_objs; i++) {
        const cel_obj *o = r->objs[i];
        if (!o || o->type != CEL_T_PD || o->u.pd->ended)
            continue;
        if (live++ < 20)
            fprintf(stderr, "cellulos:   still running: %s (%s)%s\n", o->u.pd->id, o->u.pd->name,
                    o->u.pd->hello ? "" : ", never said HELLO"), shown++;
    }
    if (live > shown)
        fprintf(stderr, "cellulos:   ... and %u more\n", live - shown);
}

/* End every PD and serve until their teardown is done. */
int cel_scenario_end_all(cel_root *r, double timeout_s)
{
    for (uint32_t i = 1; i < r->n_objs; i++) {
        cel_obj *o = r->objs[i];
        if (o && o->type == CEL_T_PD)
            cel_pd_kill(r, o->u.pd);
    }
    return serve_until(r, all_ended, now_s() + timeout_s);
}

int cel_scenario_check_clean(cel_root *r, size_t boot_nodes, size_t boot_edges, int boot_fds)
{
    int bad = 0;
    osm_diags d;
    osm_diags_init(&d, 20);
    if (osm_check(r->s, true, &d)) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "cellulos: invariant: %s\n", d.v[i].msg);
        bad = 1;
    }
    osm_diags_free(&d);
    if (osm_store_node_count(r->s) != boot_nodes || osm_store_edge_count(r->s) != boot_edges) {
        fprintf(stderr, "cellulos: teardown left %zu nodes / %zu edges, boot had %zu / %zu\n",
                osm_store_node_count(r->s), osm_store_edge_count(r->s), boot_nodes, boot_edges);
        bad = 1;
    }
    int memfds, fds = cel_count_fds(&memfds);
    if (fds != boot_fds || memfds) {
        fprintf(stderr, "cellulos: %d descriptors (%d memfds) open after teardown, %d before\n",
                fds, memfds, boot_fds);
        bad = 1;
    }
    return bad;
}

int cel_scenario_run(cel_root *r, const cel_scenario *sc, const char *dump_path)
{
    size_t boot_nodes = osm_store_node_count(r->s), boot_edges = osm_store_edge_count(r->s);
    int memfds, boot_fds = cel_count_fds(&memfds);
    boot_rss_kib = rss_kib();
    int err = 0, bad = 0;
    cel_pd *driver = cel_pd_spawn(r, sc->program, sc->arg, NULL, false, 0, &err);
    if (!driver) {
        fprintf(stderr, "cellulos: cannot start %s: %s\n", sc->program, strerror(-err));
        return 1;
    }
    driver_num = r->driver = driver->num;
    double deadline = now_s() + 60;
    if (serve_until(r, driver_done, deadline)) {
        fprintf(stderr, "cellulos: scenario %s timed out after 60 s\n", sc->name);
        print_live_pds(r);
        bad = 1;
    } else if (!r->done) {
        fprintf(stderr, "cellulos: scenario %s: the driver ended without a verdict\n", sc->name);
        bad = 1;
    } else if (!r->done_ok) {
        fprintf(stderr, "cellulos: scenario %s failed: %s\n", sc->name, r->done_note);
        bad = 1;
    }
    if (dump_path && cel_model_dump_file(r, dump_path)) {
        fprintf(stderr, "cellulos: cannot write %s\n", dump_path);
        bad = 1;
    }
    /* The driver exits by itself after its verdict; its linked children die
     * with it; whatever is left is killed. */
    serve_until(r, driver_ended, now_s() + 10);
    if (cel_scenario_end_all(r, 30)) {
        fprintf(stderr, "cellulos: PDs did not end\n");
        return 1;
    }
    if (!bad && sc->check)
        bad = sc->check(r);
    bad |= cel_scenario_check_clean(r, boot_nodes, boot_edges, boot_fds);
    if (r->broken) {
        fprintf(stderr, "cellulos: a model transition broke an invariant or ran out of memory\n");
        bad = 1;
    }
    printf("cellulos: scenario %s: %s (%u denial(s) recorded)\n", sc->name, bad ? "FAILED" : "ok",
           r->denied_total);
    return bad;
}
