/*
 * `cellulos compare --linux`: the kv002 client/store pair on CellulOS and
 * as two ordinary Linux processes (kv-linux, same workload, SQLite on a
 * tmpfs file, a socket between them), extracted with `osmosis extract
 * linux --pid CLIENT,STORE` while both are alive.  For the store on each
 * system: who can control it (CanControl), whom it controls (ControlBy)
 * and its TCB (MODEL.md §4).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cellulos/platform/platform.h"
#include "compare.h"
#include "../scenarios/scenario_kv.h"

enum { CAN, BY, TCB, N_LISTS };
static const char *const list_keys[N_LISTS] = { "can_control", "control_by", "tcb_store" };

static int wait_child(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Start kv-linux N DIR with pipes on its stdin (*in) and stdout (*out). */
static pid_t start_pair(unsigned n, const char *dir, int *in, int *out)
{
    char prog[PATH_MAX], arg[16];
    cel_plat_sibling("kv-linux", prog, sizeof prog);
    snprintf(arg, sizeof arg, "%u", n);
    int pi[2], po[2];
    if (pipe2(pi, O_CLOEXEC))
        return -1;
    if (pipe2(po, O_CLOEXEC)) {
        close(pi[0]), close(pi[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pi[0], STDIN_FILENO);
        dup2(po[1], STDOUT_FILENO);
        execl(prog, prog, arg, dir, (char *)NULL);
        _exit(127);
    }
    close(pi[0]), close(po[1]);
    *in = pi[1], *out = po[0];
    if (pid < 0)
        close(pi[1]), close(po[0]);
    return pid;
}

/* `osmosis extract linux --pid C,S -o path`; its exit status. */
static int extract(int client, int store, const char *path)
{
    char prog[PATH_MAX], pids[48];
    cel_plat_sibling("osmosis", prog, sizeof prog);
    snprintf(pids, sizeof pids, "%d,%d", client, store);
    pid_t pid = fork();
    if (pid == 0) {
        execl(prog, prog, "extract", "linux", "--pid", pids, "-o", path, (char *)NULL);
        _exit(127);
    }
    return pid < 0 ? -1 : wait_child(pid);
}

/* Run the Linux pair, extract it into path while it lives; 0 when the
 * workload verified and the extraction succeeded. */
static int run_linux(unsigned n, const char *path)
{
    char dir[] = "/dev/shm/cellulos-kv-XXXXXX";     /* tmpfs */
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cellulos: compare: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int in = -1, out = -1, c = 0, s = 0;
    unsigned bad = 1;
    pid_t pid = start_pair(n, dir, &in, &out);
    FILE *f = pid > 0 ? fdopen(out, "r") : NULL;
    int rc = f && fscanf(f, "ready %d %d %u", &c, &s, &bad) == 3 && bad == 0 ? 0 : -1;
    if (rc)
        fprintf(stderr, "cellulos: compare: kv-linux: the workload failed (%u check(s))\n", bad);
    if (!rc && (rc = extract(c, s, path)))
        fprintf(stderr, "cellulos: compare: osmosis extract linux failed (exit %d)\n", rc);
    if (in >= 0)
        close(in);      /* the pair ends */
    if (f)
        fclose(f);
    else if (out >= 0)
        close(out);
    if (pid > 0 && wait_child(pid) != 0 && !rc)
        rc = -1;
    static const char *const files[] = { "kv.db", "kv.db-journal", "client.log" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    return rc;
}

/* Load a state and fill one side for its kvclient / kvstore PDs. */
static int side_fill(cel_cmp_side *d, const char *path)
{
    osm_store *s = cel_compare_load(path);
    int rc = s ? 0 : -1;
    osm_id c = rc ? OSM_NONE : cel_compare_find_pd(s, "kvclient", false);
    osm_id st = rc ? OSM_NONE : cel_compare_find_pd(s, "kvstore", false);
    osm_query *q = c != OSM_NONE && st != OSM_NONE ? osm_query_new(s) : NULL;
    if (!q) {
        fprintf(stderr, "cellulos: compare: %s: no kvclient/kvstore pair\n", path);
        osm_store_free(s);
        return -1;
    }
    snprintf(d->client, sizeof d->client, "%s", osm_node_id(s, c));
    snprintf(d->store, sizeof d->store, "%s", osm_node_id(s, st));
    cel_compare_label(s, c, d->client_label, sizeof d->client_label);
    cel_compare_label(s, st, d->store_label, sizeof d->store_label);
    static const uint32_t comps[N_LISTS] = { OSM_COMP_CAN_CONTROL, OSM_COMP_CONTROL_BY,
                                             OSM_COMP_TCB };
    for (int k = 0; k < N_LISTS && !rc; k++)
        rc = cel_compare_members(q, st, comps[k], &d->l.ids[k], &d->l.labels[k], &d->l.n[k]);
    osm_query_free(q);
    osm_store_free(s);
    d->ok = rc == 0;
    return rc;
}

int cel_compare_linux(const char *cellulos_state, const char *linux_state, unsigned n,
                      cel_cmp_side side[2])
{
    memset(side, 0, 2 * sizeof *side);
    int rc = side_fill(&side[0], cellulos_state);
    if (run_linux(n, linux_state) || side_fill(&side[1], linux_state))
        rc = -1;
    return rc;
}

void cel_compare_linux_print(const cel_cmp_side side[2])
{
    static const char *const titles[N_LISTS] = {
        "who can control the store (CanControl)", "whom the store controls (ControlBy)",
        "TCB of the store (MODEL.md §4)" };
    static const char *const sys[2] = { "CellulOS", "Linux" };
    printf("\nCellulOS vs Linux: the kv002 pair (client and store in separate processes;\n"
           "on Linux two processes of one ordinary user, SQLite on a tmpfs file):\n");
    for (int i = 0; i < 2; i++)
        if (side[i].ok)
            printf("  %-9s store %s, client %s\n", sys[i], side[i].store_label,
                   side[i].client_label);
    const bool ok[2] = { side[0].ok, side[1].ok };
    const cel_cmp_lists *l[2] = { &side[0].l, &side[1].l };
    cel_cmp_lists_print(titles, l, ok, 1u << TCB);
    printf("  (On CellulOS the store's creator, the driver PD, also holds its badge at run\n"
           "  time; the model shows the root task's control only: docs/cellulos.md.)\n");
}

void cel_compare_linux_json(osm_json *j, const cel_cmp_side side[2])
{
    static const char *const sys[2] = { "cellulos", "linux" };
    osm_json_begin_object(j);
    for (int i = 0; i < 2; i++) {
        osm_json_key(j, sys[i]);
        if (!side[i].ok) {
            osm_json_null(j);
            continue;
        }
        osm_json_begin_object(j);
        for (int k = 0; k < N_LISTS; k++) {
            if (k == BY) {      /* sorted keys: can_control client control_by store tcb_store */
                osm_json_key(j, "client");
                osm_json_string(j, side[i].client);
            }
            if (k == TCB) {
                osm_json_key(j, "store");
                osm_json_string(j, side[i].store);
            }
            osm_json_key(j, list_keys[k]);
            cel_cmp_lists_json(j, &side[i].l, k);
        }
        osm_json_end_object(j);
    }
    osm_json_end_object(j);
}

void cel_compare_linux_free(cel_cmp_side side[2])
{
    for (int i = 0; i < 2; i++)
        cel_cmp_lists_free(&side[i].l);
}
