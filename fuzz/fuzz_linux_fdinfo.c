/* libFuzzer: /proc/PID/fdinfo/FD parser. */
#include <stddef.h>
#include <stdint.h>

#include "extract/linux/procparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    osm_lx_fdinfo fi;
    osm_lx_parse_fdinfo((const char *)data, size, &fi);
    return 0;
}
