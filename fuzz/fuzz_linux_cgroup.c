/* libFuzzer: /proc/PID/cgroup parser and cgroup limit files. */
#include <stddef.h>
#include <stdint.h>

#include "extract/linux/procparse.h"

static int visit(const osm_lx_cgroup *c, void *arg)
{
    (*(size_t *)arg) += c->path[0] == '/';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    osm_lx_parse_cgroup((const char *)data, size, visit, &n);
    char out[64];
    osm_lx_parse_limit((const char *)data, size, out, sizeof out);
    osm_lx_parse_limit((const char *)data, size, out, 1);
    return 0;
}
