/*
 * Test helper (ground truth): print the frame numbers (decimal, one per
 * line, sorted, unique) of every present page of process argv[1], read
 * straight from /proc/PID/maps + pagemap, independent of the extractor.
 * With "-c" also require /proc/kpagecount >= 2 for frames listed in the
 * file argv[3] (one PFN per line) and fail naming the first that is not.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int check_counts(const char *file)
{
    FILE *f = fopen(file, "r");
    int kc = open("/proc/kpagecount", O_RDONLY);
    if (!f || kc < 0)
        return 2;
    uint64_t pfn, cnt;
    while (fscanf(f, "%" SCNu64, &pfn) == 1) {
        if (pread(kc, &cnt, 8, (off_t)(pfn * 8)) != 8 || cnt < 2) {
            printf("frame %" PRIu64 " has kpagecount %" PRIu64 "\n", pfn, cnt);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "-c"))
        return check_counts(argv[3]);
    if (argc != 2)
        return 2;
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/maps", argv[1]);
    FILE *maps = fopen(path, "r");
    snprintf(path, sizeof path, "/proc/%s/pagemap", argv[1]);
    int pm = open(path, O_RDONLY);
    if (!maps || pm < 0)
        return 1;
    size_t n = 0, cap = 1 << 16;
    uint64_t *v = malloc(cap * sizeof *v);
    char line[1024];
    while (fgets(line, sizeof line, maps)) {
        uint64_t s, e;
        char perms[8];
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &s, &e, perms) != 3 ||
            !strcmp(perms, "---p") || strstr(line, "[vsyscall]"))
            continue;
        for (uint64_t a = s; a < e; a += 4096) {
            uint64_t ent;
            if (pread(pm, &ent, 8, (off_t)(a / 4096 * 8)) != 8)
                break;
            if (!(ent >> 63) || ((ent >> 62) & 1) || !(ent & ((1ull << 55) - 1)))
                continue;
            if (n == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            v[n++] = ent & ((1ull << 55) - 1);
        }
    }
    qsort(v, n, sizeof *v, cmp);
    for (size_t i = 0; i < n; i++)
        if (!i || v[i] != v[i - 1])
            printf("%" PRIu64 "\n", v[i]);
    free(v);
    fclose(maps);
    close(pm);
    return 0;
}
