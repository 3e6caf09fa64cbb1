/* VM PDs: QEMU as a PD of the root task (vmpd.c) and `cellulos compare
 * --vm` (compare_vm.c).  docs/cellulos.md "VM PDs". */
#ifndef CEL_VMPD_H
#define CEL_VMPD_H

#include <osmosis/osmosis.h>

#include "scenario_kv.h"

/* `cellulos vm ...`: exit status 0, 1 or 2. */
int cel_vmpd_main(int argc, char **argv);

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
