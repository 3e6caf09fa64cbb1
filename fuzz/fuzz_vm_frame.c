/* libFuzzer target: the guest console output a VM prints (src/extract/vm/
 * vm_frame.c): finding and verifying the state frame among console noise,
 * then loading the guest CSV strictly (osm_vm_guest_load), framed or not.
 * The first byte picks framed / unframed; a found payload must lie inside
 * the input. */
#include <stdint.h>
#include <stdlib.h>

#include "extract/vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *buf = (const char *)data + 1, *p = NULL;
    size_t len = size - 1, n = 0;
    char why[256];
    if (osm_vm_frame_find(buf, len, &p, &n, why, sizeof why) == OSM_VM_FRAME_OK &&
        (p < buf || p + n > buf + len))
        abort();                    /* a payload outside the input */
    osm_diags d;
    osm_diags_init(&d, 20);
    osm_store *g = osm_vm_guest_load(buf, len, data[0] & 1, "fuzz", &d, why, sizeof why);
    osm_store_free(g);
    osm_diags_free(&d);
    return 0;
}
