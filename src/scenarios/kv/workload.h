/*
 * The key-value workload of the kv scenarios, over any store: N puts of
 * 100-byte values in transactions of 100, N gets verified, every tenth key
 * deleted, N gets verified (the deleted ones must be gone).  Used by
 * cel-kvclient (store over CellulOS) and kv-linux (store as a Linux
 * process), so both run the very same workload.  No libcellulos here.
 */
#ifndef CEL_KV_WORKLOAD_H
#define CEL_KV_WORKLOAD_H

#include <stddef.h>

#define CEL_KVW_VLEN 100
#define CEL_KVW_TXN 100

/* A store: each call 0 or -errno; get gives -ENOENT for an absent key. */
typedef struct cel_kvw_ops {
    int (*put)(void *st, const void *key, size_t klen, const void *val, size_t vlen);
    int (*get)(void *st, const void *key, size_t klen, void *val, size_t cap, size_t *vlen);
    int (*del)(void *st, const void *key, size_t klen);
    int (*begin)(void *st);
    int (*commit)(void *st);
} cel_kvw_ops;

/* Key i as text ("key0000042", 16 bytes with the NUL). */
void cel_kvw_key(unsigned i, char k[16]);
/* Value i: CEL_KVW_VLEN pseudo-random bytes. */
void cel_kvw_value(unsigned i, unsigned char *v);
/* Put keys [from, to); the number of failed operations. */
unsigned cel_kvw_put_range(const cel_kvw_ops *ops, void *st, unsigned from, unsigned to);
/* Get keys [0, n) and compare, delete every tenth, get again; failures. */
unsigned cel_kvw_verify(const cel_kvw_ops *ops, void *st, unsigned n);

#endif
