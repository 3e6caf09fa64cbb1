/*
 * libcellulos: a key-value store on real SQLite over the FS server
 * (sqlite_vfs.c), usable as a library in a PD (cel_kv_*) or as a server PD
 * (cel-kvstore) reached over a session (cel_kvc_* picks either).
 *
 * SQLite runs confined: single-threaded, its memory from the PD's heap
 * (libcellulos serves malloc from MOs; glibc's mmap'ed chunks are turned
 * off too, for a libc malloc, because anonymous mmap is denied), its files
 * through the "cellulos" VFS, which has no xFetch, so no file is ever
 * mmap'ed; the rollback journal lives in the same FS namespace as the
 * database.
 */
#ifndef CEL_KV_H
#define CEL_KV_H

#include <stddef.h>

#include "../../cellulos/lib/fs_client.h"
#include "kv_sql.h"

#define CEL_KV_MAX (64 * 1024)      /* key + value bytes in one request */

/* Open (or create) database `name` in the namespace fs is mounted on. */
int cel_kv_open(cel_fs *fs, const char *name, cel_kv **kv);

/* Register a SQLite VFS named `name` whose files live on fs (sqlite_vfs.c). */
int cel_sqlite_vfs_register(cel_fs *fs, const char *name);

/* The store server's requests. */
enum {
    CEL_KV_PUT = CEL_RPC_USER,      /* a0 = key length, a1 = value length; key, value in buffer */
    CEL_KV_GET,                     /* a0 = key length -> value in buffer, a0 = its length */
    CEL_KV_DEL,                     /* a0 = key length */
    CEL_KV_BEGIN,
    CEL_KV_COMMIT,
};

/* A store reached either way. */
typedef struct cel_kvc {
    cel_kv *local;
    cel_session *remote;
} cel_kvc;

int cel_kvc_put(cel_kvc *c, const void *key, size_t klen, const void *val, size_t vlen);
int cel_kvc_get(cel_kvc *c, const void *key, size_t klen, void *val, size_t cap, size_t *vlen);
int cel_kvc_del(cel_kvc *c, const void *key, size_t klen);
int cel_kvc_begin(cel_kvc *c);
int cel_kvc_commit(cel_kvc *c);

int cel_kvstore_main(int argc, char **argv);    /* the server (servers/kvstore.c) */

#endif
