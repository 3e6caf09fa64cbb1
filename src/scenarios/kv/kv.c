/* libcellulos: the key-value store on SQLite (kv.h). */
#include <errno.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

/* Once per process: SQLite single-threaded, heap from brk only. */
static int kv_init(void)
{
    static int done;
    if (done)
        return 0;
    mallopt(M_MMAP_MAX, 0);     /* anonymous mmap is denied in a PD */
    if (sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
        sqlite3_initialize() != SQLITE_OK)
        return -EINVAL;
    done = 1;
    return 0;
}

int cel_kv_open(cel_fs *fs, const char *name, cel_kv **out)
{
    static unsigned vfs_seq;
    char vfs[32], why[128];
    snprintf(vfs, sizeof vfs, "cellulos-%u", ++vfs_seq);
    int rc = kv_init();
    rc = rc ? rc : cel_sqlite_vfs_register(fs, vfs);
    if (rc)
        return rc;
    rc = cel_kv_open_vfs(name, vfs, out, why, sizeof why);
    if (rc)
        fprintf(stderr, "cel-kv: %s\n", why);
    return rc;
}

/* ---- either way ------------------------------------------------------------------ */

static int remote(cel_kvc *c, unsigned op, const void *key, size_t klen, const void *val,
                  size_t vlen, cel_rpc *m)
{
    cel_session *s = c->remote;
    if (klen + vlen > s->bytes)
        return -E2BIG;
    if (klen)
        memcpy(s->buf, key, klen);
    if (vlen)
        memcpy(s->buf + klen, val, vlen);
    memset(m, 0, sizeof *m);
    m->op = op;
    m->a[0] = klen;
    m->a[1] = vlen;
    return cel_rpc_call(s, m);
}

int cel_kvc_put(cel_kvc *c, const void *key, size_t klen, const void *val, size_t vlen)
{
    cel_rpc m;
    return c->local ? cel_kv_put(c->local, key, klen, val, vlen)
                    : remote(c, CEL_KV_PUT, key, klen, val, vlen, &m);
}

int cel_kvc_get(cel_kvc *c, const void *key, size_t klen, void *val, size_t cap, size_t *vlen)
{
    if (c->local)
        return cel_kv_get(c->local, key, klen, val, cap, vlen);
    cel_rpc m;
    int rc = remote(c, CEL_KV_GET, key, klen, NULL, 0, &m);
    if (rc)
        return rc;
    *vlen = m.a[0];
    memcpy(val, c->remote->buf, m.a[0] < cap ? m.a[0] : cap);
    return 0;
}

int cel_kvc_del(cel_kvc *c, const void *key, size_t klen)
{
    cel_rpc m;
    return c->local ? cel_kv_del(c->local, key, klen) : remote(c, CEL_KV_DEL, key, klen, NULL, 0, &m);
}

int cel_kvc_begin(cel_kvc *c)
{
    cel_rpc m;
    return c->local ? cel_kv_begin(c->local) : remote(c, CEL_KV_BEGIN, NULL, 0, NULL, 0, &m);
}

int cel_kvc_commit(cel_kvc *c)
{
    cel_rpc m;
    return c->local ? cel_kv_commit(c->local) : remote(c, CEL_KV_COMMIT, NULL, 0, NULL, 0, &m);
}
