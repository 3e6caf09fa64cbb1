/*
 * Baseline of bench/kv: the kv workload of cel-kvclient (workload.c: N puts
 * of 100-byte values in transactions of 100, N gets verified, every tenth
 * key deleted, N gets) on the same SQL (kv_sql.c) as the store in a PD, but
 * through SQLite's own unix VFS, database and rollback journal on a tmpfs
 * directory.  Prints kv_workload_ns.
 *
 *   kv-base DIR N
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../src/scenarios/kv/kv_sql.h"

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
    unsigned n = (unsigned)strtoul(argv[2], NULL, 10);
    char path[4096], why[128];
    snprintf(path, sizeof path, "%s/kv.db", argv[1]);
    remove(path);
    cel_kv *kv;
    if (cel_kv_open_vfs(path, NULL, &kv, why, sizeof why)) {
        fprintf(stderr, "kv-base: %s: %s\n", path, why);
        return 1;
    }
    int64_t t0 = now_ns();     /* the workload, as cel-kvclient times it */
    unsigned bad = cel_kvw_put_range(&cel_kv_workload_ops, kv, 0, n / 2);
    bad += cel_kvw_put_range(&cel_kv_workload_ops, kv, n / 2, n);
    bad += cel_kvw_verify(&cel_kv_workload_ops, kv, n);
    int64_t t1 = now_ns();
    cel_kv_close(kv);
    remove(path);
    if (bad) {
        fprintf(stderr, "kv-base: %u check(s) failed\n", bad);
        return 1;
    }
    printf("kv_workload_ns %lld\n", (long long)(t1 - t0));
    return 0;
}
