/* libFuzzer: /proc/PID/mountinfo parser. */
#include <stddef.h>
#include <stdint.h>

#include "extract/linux/procparse.h"

static int visit(const osm_lx_mount *m, void *arg)
{
    (*(size_t *)arg) += m->fstype[0] != '\0';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    osm_lx_parse_mountinfo((const char *)data, size, visit, &n);
    return 0;
}
