/* libFuzzer: /proc/PID/status parser and /proc/iomem RAM ranges. */
#include <stddef.h>
#include <stdint.h>

#include "extract/linux/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    osm_lx_status st;
    osm_lx_parse_status((const char *)data, size, &st);
    osm_lx_range r[8];
    size_t total;
    osm_lx_parse_iomem_ram((const char *)data, size, r, 8, &total);
    return 0;
}
