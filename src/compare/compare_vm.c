/*
 * `cellulos compare --vm`: a guest running the key-value pair (kv-linux,
 * statically linked with SQLite: a client and a store process), once as a
 * VM PD of the CellulOS root task (`cellulos vm`) and once under QEMU as an
 * ordinary Linux process (`osmosis vm run`), both joined to their host's
 * model by the same join.  For each: who can control the VMM PD, who can
 * control the guest's store, and the store's TCB (MODEL.md §4).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../scenarios/mechanisms/mech.h"
#include "../cellulos/platform/platform.h"
#include "compare.h"
#include "../scenarios/scenario_kv.h"

enum { CAN_VMM, CAN_STORE, TCB_STORE, N_LISTS };
static const char *const list_keys[N_LISTS] = { "can_control_store", "can_control_vmm",
                                                "tcb_store" };
static const int list_order[N_LISTS] = { CAN_STORE, CAN_VMM, TCB_STORE };   /* sorted keys */

/* Run argv (stdout to /dev/null: the table is ours); its exit status. */
static int run_quiet(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return pid < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

osm_id cel_compare_find_vmm(const osm_store *s)
{
    osm_id gk = osm_store_find(s, "G_PD_kernel");
    if (gk == OSM_NONE)
        return OSM_NONE;
    for (osm_id e = osm_store_first_in(s, gk); e != OSM_NONE; e = osm_store_next_in(s, e)) {
        osm_edge ed;
        if (osm_store_edge(s, e, &ed) && ed.kind == OSM_HOLD &&
            osm_node_kind(s, ed.from) == OSM_PD && strncmp(osm_node_id(s, ed.from), "G_", 2))
            return ed.from;
    }
    return OSM_NONE;
}

/* Load a joined state and fill one side. */
static int side_fill(cel_vm_side *d, const char *path)
{
    osm_store *s = cel_compare_load(path);
    int rc = s ? 0 : -1;
    osm_id vmm = rc ? OSM_NONE : cel_compare_find_vmm(s);
    osm_id st = rc ? OSM_NONE : cel_compare_find_pd(s, "kvstore", false);
    osm_query *q = vmm != OSM_NONE && st != OSM_NONE ? osm_query_new(s) : NULL;
    if (!q) {
        fprintf(stderr, "cellulos: compare: %s: no VMM holding G_PD_kernel, or no guest kvstore\n",
                path);
        osm_store_free(s);
        return -1;
    }
    snprintf(d->vmm, sizeof d->vmm, "%s", osm_node_id(s, vmm));
    snprintf(d->store, sizeof d->store, "%s", osm_node_id(s, st));
    cel_compare_label(s, vmm, d->vmm_label, sizeof d->vmm_label);
    cel_compare_label(s, st, d->store_label, sizeof d->store_label);
    const osm_id of[N_LISTS] = { vmm, st, st };
    const uint32_t comps[N_LISTS] = { OSM_COMP_CAN_CONTROL, OSM_COMP_CAN_CONTROL, OSM_COMP_TCB };
    for (int k = 0; k < N_LISTS && !rc; k++)
        rc = cel_compare_members(q, of[k], comps[k], &d->l.ids[k], &d->l.labels[k], &d->l.n[k]);
    osm_query_free(q);
    osm_store_free(s);
    d->ok = rc == 0;
    return rc;
}

int cel_compare_vm(const char *dir, bool json, cel_vm_side side[2])
{
    char cel[PATH_MAX], osm[PATH_MAX], kv[PATH_MAX], path[2][PATH_MAX];
    cel_plat_sibling("cellulos", cel, sizeof cel);
    cel_plat_sibling("osmosis", osm, sizeof osm);
    cel_plat_sibling("kv-linux-static", kv, sizeof kv);
    snprintf(path[0], sizeof path[0], "%s/vm.csv", dir);
    snprintf(path[1], sizeof path[1], "%s/vm-linux.csv", dir);
    memset(side, 0, 2 * sizeof *side);
    char *const argv[2][16] = {
        { cel, "vm", "--dump", path[0], "--add", kv, "--cmd", KV_GUEST_CMD, NULL },
        { osm, "vm", "run", "--accel", "tcg", "--add", kv, "--cmd", KV_GUEST_CMD, "-o", path[1],
          NULL },
    };
    static const char *const what[2] = { "the guest as a VM PD (cellulos vm)",
                                          "the guest under QEMU on Linux (osmosis vm run)" };
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        if (!json)
            fprintf(stderr, "cellulos: compare: running %s\n", what[i]);
        int st = run_quiet(argv[i]);
        if (st != 0) {
            fprintf(stderr, "cellulos: compare: %s failed (exit %d)\n", what[i], st);
            rc = -1;
        } else if (side_fill(&side[i], path[i])) {
            rc = -1;
        }
    }
    return rc;
}

void cel_compare_vm_print(const cel_vm_side side[2])
{
    static const char *const titles[N_LISTS] = {
        "who can control the VMM (CanControl)", "who can control the guest's store (CanControl)",
        "TCB of the guest's store (MODEL.md §4)" };
    static const char *const sys[2] = { "CellulOS", "Linux" };
    printf("\nCellulOS vs Linux: a VM running the kv pair (kv-linux with SQLite: client and\n"
           "store processes in the guest; guest IDs G_):\n");
    for (int i = 0; i < 2; i++)
        if (side[i].ok)
            printf("  %-9s VMM %s, store %s\n", sys[i], side[i].vmm_label, side[i].store_label);
    const bool ok[2] = { side[0].ok, side[1].ok };
    const cel_cmp_lists *l[2] = { &side[0].l, &side[1].l };
    cel_cmp_lists_print(titles, l, ok, 7u);
}

void cel_compare_vm_json(osm_json *j, const cel_vm_side side[2])
{
    static const char *const sys[2] = { "cellulos", "linux" };
    osm_json_begin_object(j);
    for (int i = 0; i < 2; i++) {
        osm_json_key(j, sys[i]);
        if (!side[i].ok) {
            osm_json_null(j);
            continue;
        }
        osm_json_begin_object(j);   /* sorted keys: can_control_*, store, tcb_store, vmm */
        for (int o = 0; o < N_LISTS; o++) {
            int k = list_order[o];
            if (k == TCB_STORE) {
                osm_json_key(j, "store");
                osm_json_string(j, side[i].store);
            }
            osm_json_key(j, list_keys[o]);
            cel_cmp_lists_json(j, &side[i].l, k);
        }
        osm_json_key(j, "vmm");
        osm_json_string(j, side[i].vmm);
        osm_json_end_object(j);
    }
    osm_json_end_object(j);
}

void cel_compare_vm_free(cel_vm_side side[2])
{
    for (int i = 0; i < 2; i++)
        cel_cmp_lists_free(&side[i].l);
}
