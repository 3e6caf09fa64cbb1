/* The key-value workload (workload.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "workload.h"

void cel_kvw_key(unsigned i, char k[16])
{
    snprintf(k, 16, "key%07u", i);
}

void cel_kvw_value(unsigned i, unsigned char *v)
{
    uint32_t x = i * 2654435761u + 12345;
    for (unsigned j = 0; j < CEL_KVW_VLEN; j++) {
        x = x * 1103515245u + 12345;
        v[j] = (unsigned char)(x >> 16);
    }
}

unsigned cel_kvw_put_range(const cel_kvw_ops *ops, void *st, unsigned from, unsigned to)
{
    unsigned bad = 0;
    char k[16];
    unsigned char v[CEL_KVW_VLEN];
    for (unsigned i = from; i < to; i++) {
        if ((i - from) % CEL_KVW_TXN == 0 && ops->begin(st))
            bad++;
        cel_kvw_key(i, k);
        cel_kvw_value(i, v);
        bad += ops->put(st, k, strlen(k), v, CEL_KVW_VLEN) != 0;
        if ((i - from) % CEL_KVW_TXN == CEL_KVW_TXN - 1 || i + 1 == to)
            bad += ops->commit(st) != 0;
    }
    return bad;
}

unsigned cel_kvw_verify(const cel_kvw_ops *ops, void *st, unsigned n)
{
    unsigned bad = 0;
    char k[16];
    unsigned char v[CEL_KVW_VLEN], got[CEL_KVW_VLEN * 2];
    for (unsigned i = 0; i < n; i++) {
        size_t len = 0;
        cel_kvw_key(i, k);
        cel_kvw_value(i, v);
        int rc = ops->get(st, k, strlen(k), got, sizeof got, &len);
        bad += rc || len != CEL_KVW_VLEN || memcmp(v, got, CEL_KVW_VLEN);
    }
    bad += ops->begin(st) != 0;
    for (unsigned i = 0; i < n; i += 10) {
        cel_kvw_key(i, k);
        bad += ops->del(st, k, strlen(k)) != 0;
    }
    bad += ops->commit(st) != 0;
    for (unsigned i = 0; i < n; i++) {
        size_t len = 0;
        cel_kvw_key(i, k);
        int rc = ops->get(st, k, strlen(k), got, sizeof got, &len);
        bad += i % 10 ? rc != 0 : rc != -ENOENT;
    }
    return bad;
}
