/* The comparison of systems behind `cellulos compare` (compare.c: the kv
 * scenarios on CellulOS; compare_linux.c, compare_vm.c: the same pair on
 * Linux and in a VM; compare_seed.c: the seed table; compare_mech.c: the
 * mechanism matrix).  Built on libosmosis's comparison engine
 * (osm_compare_pd); `osmosis compare`'s table and page are compare_view.h.
 * docs/compare.md. */
#ifndef CEL_COMPARE_H
#define CEL_COMPARE_H

#include <osmosis/osmosis.h>

/* `cellulos compare` (compare.c). */
int cel_compare_main(int argc, char **argv);

/* Shared by compare.c and compare_linux.c. */
/* Run `cellulos run NAME --dump PATH` with this binary; its exit status. */
int cel_compare_run_scenario(const char *name, const char *path);
/* The kv client and store of a CellulOS state: the first kvclient* and
 * kvstore* PDs; without a store PD the client's thread PD (kv006), else
 * the client itself (kv001: the store is a library in it). */
void cel_compare_kv_pair(const osm_store *s, osm_id *client, osm_id *store);
/* `cellulos compare --mechanisms` (compare_mech.c). */
int cel_compare_mechanisms(const char *dir, const char *rows, bool small, bool json);
/* `cellulos compare --seed-table` (compare_seed.c). */
int cel_compare_seed(const char *dir, bool small, bool json);
/* "PD_4 (kvstore)", "PD_0 (root task)", "PD_5 (kvclient thread)", "PD_kernel (kernel)". */
void cel_compare_label(const osm_store *s, osm_id pd, char *buf, size_t len);
/* Order of PD IDs: by prefix, then by number (PD_9 before PD_10). */
int cel_compare_id_cmp(const char *a, const char *b);
/* The members of the given OSM_COMP_* components of x, in that order: IDs
 * and labels (both freed with cel_compare_strv_free). */
int cel_compare_members(osm_query *q, osm_id x, uint32_t comps, char ***ids, char ***labels,
                        size_t *n);
void cel_compare_strv_free(char **v, size_t n);
/* "a, b, c" and a newline; "(nobody)" when empty. */
void cel_compare_print_list(char **v, size_t n);
/* One side of a two-system comparison (CellulOS vs Linux): three lists of
 * PD IDs and their display labels, each sorted in PD number order. */
typedef struct cel_cmp_lists {
    char **ids[3], **labels[3];
    size_t n[3];
} cel_cmp_lists;

/* Each list on both systems: "  title", then "    CellulOS [n: ]a, b" and
 * "    Linux ..." (or FAILED when that side could not be computed); list k
 * shows its count when bit k of count_mask is set. */
void cel_cmp_lists_print(const char *const titles[3], const cel_cmp_lists *side[2],
                         const bool ok[2], unsigned count_mask);
/* List k's IDs as a JSON array. */
void cel_cmp_lists_json(osm_json *j, const cel_cmp_lists *l, int k);
void cel_cmp_lists_free(cel_cmp_lists *l);
/* Read a state (CellulOS CSV), printing its problems as "cellulos: compare:
 * PATH: ..."; NULL when it cannot be used. */
osm_store *cel_compare_load(const char *path);
/* The first PD (lowest number) named prefix*, a thread PD or not as asked. */
osm_id cel_compare_find_pd(const osm_store *s, const char *prefix, bool thread);

/* compare_linux.c: the store of the kv002 pair on CellulOS and on Linux. */
typedef struct cel_cmp_side {
    bool ok;
    char client[64], store[64];     /* IDs */
    char client_label[96], store_label[96];
    cel_cmp_lists l;                /* CanControl, ControlBy, TCB of the store */
} cel_cmp_side;
/* Fill side[0] from the CellulOS kv002 state, run kv-linux with n puts,
 * extract it into linux_state and fill side[1]; 0 when both worked. */
int cel_compare_linux(const char *cellulos_state, const char *linux_state, unsigned n,
                      cel_cmp_side side[2]);
void cel_compare_linux_print(const cel_cmp_side side[2]);
/* The value of the "linux" key: {"cellulos":{...},"linux":{...}}. */
void cel_compare_linux_json(osm_json *j, const cel_cmp_side side[2]);
void cel_compare_linux_free(cel_cmp_side side[2]);

/* One system's side of `cellulos compare --vm`. */
typedef struct cel_vm_side {
    bool ok;
    char vmm[64], store[64];            /* IDs */
    char vmm_label[96], store_label[96];
    cel_cmp_lists l;                    /* CanControl VMM, CanControl store, TCB store */
} cel_vm_side;

/* Run the guest KV workload under `cellulos vm` and `osmosis vm run`,
 * keeping the states in dir (vm.csv, vm-linux.csv); fill both sides.  0
 * when both worked. */
int cel_compare_vm(const char *dir, bool json, cel_vm_side side[2]);
void cel_compare_vm_print(const cel_vm_side side[2]);
/* The value of the "vm" key: {"cellulos":{...},"linux":{...}}. */
void cel_compare_vm_json(osm_json *j, const cel_vm_side side[2]);
void cel_compare_vm_free(cel_vm_side side[2]);
/* The VMM of a joined state: the host PD holding G_PD_kernel (the join's
 * control edge); OSM_NONE when there is none. */
osm_id cel_compare_find_vmm(const osm_store *s);

#endif
