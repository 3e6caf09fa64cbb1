/*
 * The key-value store's SQL: one table in SQLite behind put/get/del and
 * transactions, over whichever VFS the caller names.  Shared by the store in
 * a PD (kv.c, over the cellulos VFS), the Linux fixture kv-linux and the
 * tmpfs baseline of bench/kv, so all three run the very same SQL with the
 * very same pragmas.  Depends on SQLite only (no libcellulos).
 */
#ifndef CEL_KV_SQL_H
#define CEL_KV_SQL_H

#include <stddef.h>

#include "workload.h"

typedef struct cel_kv cel_kv;

/* Open (or create) database `path` through VFS `vfs` (NULL: SQLite's
 * default), set the pragmas and the table up; 0 or -errno.  On failure
 * *why (if given) gets SQLite's message. */
int cel_kv_open_vfs(const char *path, const char *vfs, cel_kv **kv, char *why, size_t whysz);
void cel_kv_close(cel_kv *kv);
int cel_kv_put(cel_kv *kv, const void *key, size_t klen, const void *val, size_t vlen);
/* Copy the value (up to cap bytes) to val, *vlen = its full length;
 * -ENOENT when absent. */
int cel_kv_get(cel_kv *kv, const void *key, size_t klen, void *val, size_t cap, size_t *vlen);
/* -ENOENT when the key was absent. */
int cel_kv_del(cel_kv *kv, const void *key, size_t klen);
/* Group puts and deletes into one transaction (one journal, one sync). */
int cel_kv_begin(cel_kv *kv);
int cel_kv_commit(cel_kv *kv);

/* The workload's operations over a cel_kv (the `st` argument). */
extern const cel_kvw_ops cel_kv_workload_ops;

#endif
