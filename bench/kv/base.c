/*
 * Baseline of bench/kv: the kv workload of cel-kvclient (N puts of 100-byte
 * values in transactions of 100, N gets verified, every tenth key deleted,
 * N gets) on plain SQLite with its own unix VFS, database and rollback
 * journal on a tmpfs directory, same pragmas.  Prints kv_workload_ns.
 *
 *   kv-base DIR N
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VLEN 100
#define TXN 100

static void value_of(unsigned i, unsigned char *v)
{
    uint32_t x = i * 2654435761u + 12345;
    for (unsigned j = 0; j < VLEN; j++) {
        x = x * 1103515245u + 12345;
        v[j] = (unsigned char)(x >> 16);
    }
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    unsigned n = (unsigned)strtoul(argv[2], NULL, 10), bad = 0;
    char path[4096], k[16];
    unsigned char v[VLEN];
    snprintf(path, sizeof path, "%s/kv.db", argv[1]);
    remove(path);
    sqlite3 *db;
    sqlite3_stmt *put, *get, *del;
    if (sqlite3_open(path, &db) ||
        sqlite3_exec(db, "PRAGMA page_size=4096; PRAGMA journal_mode=DELETE; PRAGMA temp_store=MEMORY;"
                         "CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID;", NULL, NULL, NULL) ||
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO kv(k, v) VALUES(?, ?)", -1, &put, NULL) ||
        sqlite3_prepare_v2(db, "SELECT v FROM kv WHERE k = ?", -1, &get, NULL) ||
        sqlite3_prepare_v2(db, "DELETE FROM kv WHERE k = ?", -1, &del, NULL))
        return 1;
    int64_t t0 = now_ns();     /* the workload, as cel-kvclient times it */
    for (unsigned i = 0; i < n; i++) {
        if (i % TXN == 0)
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        snprintf(k, sizeof k, "key%07u", i);
        value_of(i, v);
        sqlite3_bind_blob(put, 1, k, (int)strlen(k), SQLITE_STATIC);
        sqlite3_bind_blob(put, 2, v, VLEN, SQLITE_STATIC);
        bad += sqlite3_step(put) != SQLITE_DONE;
        sqlite3_reset(put);
        if (i % TXN == TXN - 1 || i + 1 == n)
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < n; i++) {
            snprintf(k, sizeof k, "key%07u", i);
            value_of(i, v);
            sqlite3_bind_blob(get, 1, k, (int)strlen(k), SQLITE_STATIC);
            int rc = sqlite3_step(get);
            bool gone = pass == 1 && i % 10 == 0;
            bad += gone ? rc != SQLITE_DONE
                        : rc != SQLITE_ROW || memcmp(sqlite3_column_blob(get, 0), v, VLEN);
            sqlite3_reset(get);
        }
        if (pass == 0) {
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
            for (unsigned i = 0; i < n; i += 10) {
                snprintf(k, sizeof k, "key%07u", i);
                sqlite3_bind_blob(del, 1, k, (int)strlen(k), SQLITE_STATIC);
                bad += sqlite3_step(del) != SQLITE_DONE;
                sqlite3_reset(del);
            }
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        }
    }
    int64_t t1 = now_ns();
    sqlite3_finalize(put), sqlite3_finalize(get), sqlite3_finalize(del);
    sqlite3_close(db);
    remove(path);
    if (bad) {
        fprintf(stderr, "kv-base: %u check(s) failed\n", bad);
        return 1;
    }
    printf("kv_workload_ns %lld\n", (long long)(t1 - t0));
    return 0;
}
