/* libcellulos: the key-value store on SQLite (kv.h). */
#include <errno.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

struct cel_kv {
    sqlite3 *db;
    sqlite3_stmt *put, *get, *del;
};

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

static int sq_err(int rc)
{
    switch (rc) {
    case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return 0;
    case SQLITE_NOMEM: return -ENOMEM;
    case SQLITE_FULL: return -ENOSPC;
    case SQLITE_NOTFOUND: return -ENOENT;
    default: return -EIO;
    }
}

int cel_kv_open(cel_fs *fs, const char *name, cel_kv **out)
{
    static unsigned vfs_seq;
    char vfs[32];
    int rc = kv_init();
    snprintf(vfs, sizeof vfs, "cellulos-%u", ++vfs_seq);
    rc = rc ? rc : cel_sqlite_vfs_register(fs, vfs);
    cel_kv *kv = rc ? NULL : calloc(1, sizeof *kv);
    if (!kv)
        return rc ? rc : -ENOMEM;
    rc = sq_err(sqlite3_open_v2(name, &kv->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs));
    rc = rc ? rc : sq_err(sqlite3_exec(kv->db,
        "PRAGMA page_size=4096; PRAGMA journal_mode=DELETE; PRAGMA temp_store=MEMORY;"
        "CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID;",
        NULL, NULL, NULL));
    rc = rc ? rc : sq_err(sqlite3_prepare_v2(kv->db, "INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?)",
                                             -1, &kv->put, NULL));
    rc = rc ? rc : sq_err(sqlite3_prepare_v2(kv->db, "SELECT v FROM kv WHERE k = ?", -1, &kv->get, NULL));
    rc = rc ? rc : sq_err(sqlite3_prepare_v2(kv->db, "DELETE FROM kv WHERE k = ?", -1, &kv->del, NULL));
    if (rc) {
        fprintf(stderr, "cel-kv: %s\n", kv->db ? sqlite3_errmsg(kv->db) : "cannot open");
        cel_kv_close(kv);
        return rc;
    }
    *out = kv;
    return 0;
}

void cel_kv_close(cel_kv *kv)
{
    if (!kv)
        return;
    sqlite3_finalize(kv->put);
    sqlite3_finalize(kv->get);
    sqlite3_finalize(kv->del);
    sqlite3_close(kv->db);
    free(kv);
}

/* Run a prepared statement to completion. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : sq_err(rc == SQLITE_ROW ? SQLITE_ERROR : rc);
}

int cel_kv_put(cel_kv *kv, const void *key, size_t klen, const void *val, size_t vlen)
{
    sqlite3_bind_blob(kv->put, 1, key, (int)klen, SQLITE_STATIC);
    sqlite3_bind_blob(kv->put, 2, val, (int)vlen, SQLITE_STATIC);
    return step_done(kv->put);
}

int cel_kv_get(cel_kv *kv, const void *key, size_t klen, void *val, size_t cap, size_t *vlen)
{
    sqlite3_bind_blob(kv->get, 1, key, (int)klen, SQLITE_STATIC);
    int rc = sqlite3_step(kv->get);
    int out = -ENOENT;
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(kv->get, 0);
        memcpy(val, sqlite3_column_blob(kv->get, 0), n < cap ? n : cap);
        *vlen = n;
        out = 0;
    } else if (rc != SQLITE_DONE) {
        out = sq_err(rc);
    }
    sqlite3_reset(kv->get);
    sqlite3_clear_bindings(kv->get);
    return out;
}

int cel_kv_del(cel_kv *kv, const void *key, size_t klen)
{
    sqlite3_bind_blob(kv->del, 1, key, (int)klen, SQLITE_STATIC);
    int rc = step_done(kv->del);
    return rc ? rc : sqlite3_changes(kv->db) ? 0 : -ENOENT;
}

int cel_kv_begin(cel_kv *kv)
{
    return sq_err(sqlite3_exec(kv->db, "BEGIN", NULL, NULL, NULL));
}

int cel_kv_commit(cel_kv *kv)
{
    return sq_err(sqlite3_exec(kv->db, "COMMIT", NULL, NULL, NULL));
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
