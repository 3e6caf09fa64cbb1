/*
 * bench_import: time osm_csv_read_file alone on one file and report what
 * the store holds.
 *
 *   bench_import FILE
 *
 * Prints one line of key=value pairs: bytes, nodes, edges, seconds (wall
 * clock of the import), cpu_seconds (user + system time of the import, which
 * other processes on a shared machine do not inflate), store_bytes
 * (osm_store_memory) and peak_rss (bytes, getrusage) so that run.sh can
 * compute throughput and ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <osmosis/osmosis.h>

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_import FILE\n");
        return 2;
    }
    struct stat sb;
    if (stat(argv[1], &sb) < 0) {
        perror(argv[1]);
        return 2;
    }
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 10);
    osm_csv_stats st;
    double t0 = now(), c0 = cpu_now();
    int r = s ? osm_csv_read_file(s, argv[1], NULL, &d, &st) : -1;
    double t = now() - t0, c = cpu_now() - c0;
    if (r < 0 || d.n) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "%s:%llu: %s\n", argv[1], (unsigned long long)d.v[i].line,
                    d.v[i].msg);
        if (r < 0)
            return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bytes=%lld nodes=%zu edges=%zu seconds=%.4f cpu_seconds=%.4f store_bytes=%zu peak_rss=%lld problems=%zu\n",
           (long long)sb.st_size, osm_store_node_count(s), osm_store_edge_count(s), t, c,
           osm_store_memory(s), (long long)ru.ru_maxrss * 1024, d.errors + d.warnings);
    osm_diags_free(&d);
    osm_store_free(s);
    return 0;
}
