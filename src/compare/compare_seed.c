/*
 * `cellulos compare --seed-table`: the seed's table -- who can control
 * (CanControl) and whom controls (ControlBy) the KVS, the VM (its VMM PD)
 * and the KVS inside the guest, on CellulOS and on Linux -- from states
 * this command runs and extracts: kv002 and `cellulos vm` on CellulOS; the
 * kv pair as two processes and the QEMU guest on Linux, the whole host
 * extracted each time.  docs/compare.md.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenarios/mechanisms/mech.h"
#include "../cellulos/platform/platform.h"
#include "compare.h"
#include "../scenarios/scenario_kv.h"

enum { KVS, VMM, GUEST, N_SUBJ };
static const char *const subj_name[N_SUBJ] = { "KVS", "VM (VMM)", "guest KVS" };
static const char *const subj_key[N_SUBJ] = { "guest_kvs", "kvs", "vm" };   /* sorted */
static const int subj_by_key[N_SUBJ] = { GUEST, KVS, VMM };

/* One cell pair: the PD and its CanControl / ControlBy. */
typedef struct seed_cell {
    bool ok;
    char id[64], label[96];
    char **ids[2], **labels[2];
    size_t n[2];
} seed_cell;

/* Fill cell for pd of state s; 0 or -1. */
static int cell_fill(seed_cell *c, const osm_store *s, osm_id pd)
{
    if (pd == OSM_NONE)
        return -1;
    osm_query *q = osm_query_new(s);
    if (!q)
        return -1;
    snprintf(c->id, sizeof c->id, "%s", osm_node_id(s, pd));
    cel_compare_label(s, pd, c->label, sizeof c->label);
    int rc = cel_compare_members(q, pd, OSM_COMP_CAN_CONTROL, &c->ids[0], &c->labels[0], &c->n[0]);
    rc = rc ? rc : cel_compare_members(q, pd, OSM_COMP_CONTROL_BY, &c->ids[1], &c->labels[1],
                                       &c->n[1]);
    osm_query_free(q);
    c->ok = rc == 0;
    return rc;
}

static void cell_free(seed_cell *c)
{
    for (int k = 0; k < 2; k++) {
        cel_compare_strv_free(c->ids[k], c->n[k]);
        cel_compare_strv_free(c->labels[k], c->n[k]);
    }
}

/* The guest's store: the first G_ PD named kvstore. */
static osm_id guest_store(const osm_store *s)
{
    osm_id best = OSM_NONE;
    for (osm_id n = osm_store_next_node(s, OSM_NONE); n != OSM_NONE; n = osm_store_next_node(s, n)) {
        const char *nm = osm_node_data_name(s, n);
        if (osm_node_kind(s, n) == OSM_PD && nm && strcmp(nm, "kvstore") == 0 &&
            strncmp(osm_node_id(s, n), "G_", 2) == 0 &&
            (best == OSM_NONE || cel_compare_id_cmp(osm_node_id(s, n), osm_node_id(s, best)) < 0))
            best = n;
    }
    return best;
}

/* Load path and fill the VMM and guest-KVS cells; 0 or -1. */
static int vm_cells(const char *path, seed_cell *vmm, seed_cell *guest)
{
    osm_store *s = cel_compare_load(path);
    int rc = s ? 0 : -1;
    rc = rc ? rc : cell_fill(vmm, s, cel_compare_find_vmm(s));
    rc = rc ? rc : cell_fill(guest, s, guest_store(s));
    osm_store_free(s);
    return rc;
}

/* CellulOS: kv002 and a VM PD of the root task. */
static int cellulos_side(const char *dir, bool small, bool json, seed_cell cells[N_SUBJ])
{
    char path[PATH_MAX], vpath[PATH_MAX], cel[PATH_MAX], kv[PATH_MAX];
    snprintf(path, sizeof path, "%s/kv002.csv", dir);
    snprintf(vpath, sizeof vpath, "%s/vm.csv", dir);
    if (!json)
        fprintf(stderr, "cellulos: compare: running kv002%s\n", small ? "-small" : "");
    int rc = cel_compare_run_scenario(small ? "kv002-small" : "kv002", path) ? -1 : 0;
    osm_store *s = rc ? NULL : cel_compare_load(path);
    osm_id c = OSM_NONE, st = OSM_NONE;
    if (s)
        cel_compare_kv_pair(s, &c, &st);
    rc = s ? cell_fill(&cells[KVS], s, st) : -1;
    osm_store_free(s);
    cel_plat_sibling("cellulos", cel, sizeof cel);
    cel_plat_sibling("kv-linux-static", kv, sizeof kv);
    char *argv[] = { cel, "vm", "--dump", vpath, "--add", kv, "--cmd", KV_GUEST_CMD, NULL };
    if (!json)
        fprintf(stderr, "cellulos: compare: running the guest as a VM PD (cellulos vm)\n");
    if (cel_mech_wait(cel_mech_spawn(argv, -1, -1)) != 0 ||
        vm_cells(vpath, &cells[VMM], &cells[GUEST]))
        rc = -1;
    return rc;
}

/* Linux: the pair as two processes and the QEMU guest, whole host. */
static int linux_side(const char *dir, bool small, bool json, seed_cell cells[N_SUBJ])
{
    char path[PATH_MAX], vpath[PATH_MAX];
    snprintf(path, sizeof path, "%s/mech-processes.csv", dir);
    snprintf(vpath, sizeof vpath, "%s/mech-vm.csv", dir);
    cel_mech_out o;
    if (!json)
        fprintf(stderr, "cellulos: compare: running the kv pair as two Linux processes\n");
    int rc = cel_mech_run(CEL_MECH_PROCS, small ? 1000 : 10000, path, &o) ? -1 : 0;
    osm_store *s = rc ? NULL : cel_compare_load(path);
    rc = s ? cell_fill(&cells[KVS], s, osm_store_find(s, o.store)) : -1;
    osm_store_free(s);
    if (!json)
        fprintf(stderr, "cellulos: compare: running the guest under QEMU (osmosis vm run)\n");
    if (cel_mech_run(CEL_MECH_VM, 1000, vpath, &o) || vm_cells(vpath, &cells[VMM], &cells[GUEST]))
        rc = -1;
    if (o.why[0])
        fprintf(stderr, "cellulos: compare: %s\n", o.why);
    return rc;
}

static void print_cell(const char *sys, const seed_cell *c)
{
    if (!c->ok) {
        printf("  %-9s FAILED (see the messages above)\n", sys);
        return;
    }
    printf("  %-9s %s\n", sys, c->label);
    printf("            CanControl (%zu): ", c->n[0]);
    cel_compare_print_list(c->labels[0], c->n[0]);
    printf("            ControlBy  (%zu): ", c->n[1]);
    cel_compare_print_list(c->labels[1], c->n[1]);
}

static void json_cell(osm_json *j, const seed_cell *c)
{
    if (!c->ok) {
        osm_json_null(j);
        return;
    }
    osm_json_begin_object(j);
    static const char *const keys[2] = { "can_control", "control_by" };
    for (int k = 0; k < 2; k++) {
        osm_json_key(j, keys[k]);
        osm_json_begin_array(j);
        for (size_t i = 0; i < c->n[k]; i++)
            osm_json_string(j, c->ids[k][i]);
        osm_json_end_array(j);
    }
    osm_json_key(j, "pd");
    osm_json_string(j, c->id);
    osm_json_end_object(j);
}

int cel_compare_seed(const char *dir, bool small, bool json)
{
    seed_cell cells[2][N_SUBJ];
    memset(cells, 0, sizeof cells);
    int rc = cellulos_side(dir, small, json, cells[0]);
    rc |= linux_side(dir, small, json, cells[1]);
    static const char *const sys[2] = { "CellulOS", "Linux" };
    if (json) {
        osm_json j;
        osm_json_init(&j, stdout, true);
        osm_json_begin_object(&j);
        for (int k = 0; k < 2; k++) {
            osm_json_key(&j, k ? "linux" : "cellulos");
            osm_json_begin_object(&j);
            for (int o = 0; o < N_SUBJ; o++) {
                osm_json_key(&j, subj_key[o]);
                json_cell(&j, &cells[k][subj_by_key[o]]);
            }
            osm_json_end_object(&j);
        }
        osm_json_end_object(&j);
        osm_json_finish(&j);
    } else {
        printf("The seed's table, from extracted states (Linux: the whole host):\n"
               "CanControl = PDs that can stop, read or change it; ControlBy = PDs it can.\n");
        for (int subj = 0; subj < N_SUBJ; subj++) {
            printf("\n%s\n", subj_name[subj]);
            for (int k = 0; k < 2; k++)
                print_cell(sys[k], &cells[k][subj]);
        }
    }
    for (int k = 0; k < 2; k++)
        for (int subj = 0; subj < N_SUBJ; subj++)
            cell_free(&cells[k][subj]);
    return rc ? 1 : 0;
}
