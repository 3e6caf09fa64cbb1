/* The key-value store's SQL over any SQLite VFS (kv_sql.h). */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv_sql.h"

/* One database is opened by one store and nothing else (the cellulos VFS has
 * no locks, and neither fixture shares its file), so SQLite may keep its
 * cache across transactions instead of re-validating it against the file
 * before each one: locking_mode=EXCLUSIVE says exactly that. */
#define KV_SETUP_SQL                                                                      \
    "PRAGMA page_size=4096; PRAGMA journal_mode=DELETE; PRAGMA temp_store=MEMORY;"       \
    "PRAGMA locking_mode=EXCLUSIVE;"                                                      \
    "CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID;"

struct cel_kv {
    sqlite3 *db;
    sqlite3_stmt *put, *get, *del;
};

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

int cel_kv_open_vfs(const char *path, const char *vfs, cel_kv **out, char *why, size_t whysz)
{
    cel_kv *kv = calloc(1, sizeof *kv);
    if (!kv) {
        if (why)
            snprintf(why, whysz, "out of memory");
        return -ENOMEM;
    }
    int rc = sq_err(sqlite3_open_v2(path, &kv->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs));
    rc = rc ? rc : sq_err(sqlite3_exec(kv->db, KV_SETUP_SQL, NULL, NULL, NULL));
    rc = rc ? rc : sq_err(sqlite3_prepare_v2(kv->db, "INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?)",
                                             -1, &kv->put, NULL));
    rc = rc ? rc : sq_err(sqlite3_prepare_v2(kv->db, "SELECT v FROM kv WHERE k = ?", -1, &kv->get, NULL));
    rc = rc ? rc : sq_err(sqlite3_prepare_v2(kv->db, "DELETE FROM kv WHERE k = ?", -1, &kv->del, NULL));
    if (rc) {
        if (why)
            snprintf(why, whysz, "%s", kv->db ? sqlite3_errmsg(kv->db) : "cannot open");
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

static int w_put(void *st, const void *k, size_t kl, const void *v, size_t vl)
{
    return cel_kv_put(st, k, kl, v, vl);
}

static int w_get(void *st, const void *k, size_t kl, void *v, size_t cap, size_t *vl)
{
    return cel_kv_get(st, k, kl, v, cap, vl);
}

static int w_del(void *st, const void *k, size_t kl)
{
    return cel_kv_del(st, k, kl);
}

static int w_begin(void *st)
{
    return cel_kv_begin(st);
}

static int w_commit(void *st)
{
    return cel_kv_commit(st);
}

const cel_kvw_ops cel_kv_workload_ops = { w_put, w_get, w_del, w_begin, w_commit };
