/* libFuzzer target: joining a guest state to its VMM (osm_vm_join_into,
 * src/extract/vm/vm_join.c), the path both `osmosis extract vm` and the
 * CellulOS VM PD take.  The input is the guest's CellulOS CSV (loaded
 * strictly, as a guest capture is); the host side is a small fixed VMM with
 * an address space and a 1 MiB guest-RAM VMR backed by one MO, whose size
 * and permissions the first byte varies.  After a join the state must pass
 * the rules check; a failed join must leave the host side as it was. */
#include <stdint.h>
#include <stdlib.h>

#include "extract/vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    osm_diags d;
    osm_diags_init(&d, 20);
    char why[512];
    osm_store *g = osm_vm_guest_load((const char *)data + 1, size - 1, true, "fuzz", &d, why,
                                     sizeof why);
    osm_diags_free(&d);
    if (!g)
        return 0;
    osm_store *s = osm_store_new();
    osm_id vmm = osm_store_add_node(s, OSM_PD, "PD_vmm", "vmm", "");
    osm_id ads = osm_store_add_node(s, OSM_SPACE, "ADS_vmm", "VIRTUAL_MEMORY", "");
    osm_id vmr = osm_store_add_node(s, OSM_RESOURCE, "VMR_vmm_ram", "VMR", "");
    osm_id mo = osm_store_add_node(s, OSM_RESOURCE, "MO_ram", "MO", "");
    if (vmm == OSM_NONE || ads == OSM_NONE || vmr == OSM_NONE || mo == OSM_NONE)
        abort();
    osm_store_add_edge(s, OSM_HOLD, vmm, ads, OSM_PERM_R | OSM_PERM_W, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_HOLD, vmm, vmr, OSM_PERM_R | OSM_PERM_W, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_SUBSET, vmr, ads, 0, OSM_NONE, NULL);
    osm_store_add_edge(s, OSM_MAP, vmr, mo, OSM_PERM_R | OSM_PERM_W, OSM_NONE, NULL);
    size_t nodes = osm_store_node_count(s), edges = osm_store_edge_count(s);
    osm_vm_host h = { .vmm = vmm, .ads = ads, .backing_mo = mo, .ram_vmr = "VMR_vmm_ram",
                      .ram_start = 0x7f0000000000ull,
                      .ram_len = (uint64_t)(1 + (data[0] & 0x0f)) << 20,
                      .ram_perms = (uint8_t)((data[0] & 0x10 ? OSM_PERM_R : 0) |
                                             (data[0] & 0x20 ? OSM_PERM_W : 0)),
                      .tag = "1", .prefix = data[0] & 0x40 ? "G_" : "" };
    osm_vm_joined joined = { 0 };
    osm_vm_join_report rep;
    if (osm_vm_join_into(&h, g, s, &joined, &rep, why, sizeof why) == 0) {
        osm_vm_unjoin(s, joined.nodes, joined.n);
        free(joined.nodes);
    }
    if (osm_store_node_count(s) != nodes || osm_store_edge_count(s) != edges)
        abort();                    /* unjoin (or a failed join) left something */
    osm_store_free(s);
    osm_store_free(g);
    return 0;
}
