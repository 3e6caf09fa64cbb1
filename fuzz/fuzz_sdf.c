/* libFuzzer target: the SDF parser and validator (src/extract/sdf/sdf_parse*.c)
 * on arbitrary bytes.  The first byte picks the architecture and core count
 * so that every arch-specific path is reached; prefill files have a fixed
 * pretend size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "extract/sdf/sdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t prefill(void *ctx, const char *path, char *why, size_t whysz)
{
    (void)ctx;
    if (path[0] == 'u')
        snprintf(why, whysz, "is a FIFO, not a regular file");
    return path[0] == 'e' ? 0 : path[0] == 'u' ? -2 : path[0] == 'm' ? -1 : 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    sdf_config cfg;
    sdf_config_default(&cfg, (sdf_arch)(data[0] % 3));
    cfg.num_cores = data[0] & 0x10 ? 4 : 1;
    cfg.iommu = !(data[0] & 0x20);
    cfg.prefill_size = prefill;
    sdf_system sys;
    char *err = NULL;
    sdf_parse((const char *)data + 1, size - 1, "fuzz.system", &cfg, &sys, &err);
    free(err);
    sdf_system_free(&sys);
    return 0;
}
