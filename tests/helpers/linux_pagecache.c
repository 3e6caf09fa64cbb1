/*
 * Test helper: one way of using a file's page cache, then sleep until
 * killed.
 *
 *   linux_pagecache read FILE OUT       mmap MAP_SHARED PROT_READ, read every page
 *   linux_pagecache write FILE OUT      open O_RDWR, write(2) one byte, keep it open
 *   linux_pagecache private FILE OUT    mmap MAP_PRIVATE PROT_READ|PROT_WRITE, read every page
 *   linux_pagecache private-write FILE OUT   the same, then write page 1
 *
 * When ready it writes OUT (atomically, by rename): "PID" on the first line,
 * then for a mapping one line per page "PAGE PFN FILE EXCLUSIVE" from its own
 * /proc/self/pagemap (PFN 0 unless root; FILE = bit 61, page cache or shmem;
 * EXCLUSIVE = bit 56): the kernel's own answer, as ground truth.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write OUT.tmp with the pid and, for a mapping, its pages; rename it. */
static int pc_report(const char *out, const char *map, size_t pages, size_t psz)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%d\n", (int)getpid());
    int pm = map ? open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC) : -1;
    for (size_t i = 0; map && i < pages; i++) {
        uint64_t e = 0;
        off_t off = (off_t)(((uintptr_t)map / psz + i) * sizeof e);
        if (pm < 0 || pread(pm, &e, sizeof e, off) != (ssize_t)sizeof e) {
            fclose(f);
            return -1;
        }
        fprintf(f, "%zu %llu %d %d\n", i, (unsigned long long)(e & ((1ull << 55) - 1)),
                (int)(e >> 61 & 1), (int)(e >> 56 & 1));
    }
    if (pm >= 0)
        close(pm);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, out);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: linux_pagecache read|write|private|private-write FILE OUT\n");
        return 2;
    }
    const char *mode = argv[1];
    bool rd = !strcmp(mode, "read"), wr = !strcmp(mode, "write");
    bool pv = !strcmp(mode, "private"), pw = !strcmp(mode, "private-write");
    if (!rd && !wr && !pv && !pw) {
        fprintf(stderr, "linux_pagecache: unknown mode '%s'\n", mode);
        return 2;
    }
    int fd = open(argv[2], (wr ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        perror(argv[2]);
        return 1;
    }
    size_t psz = (size_t)sysconf(_SC_PAGESIZE), len = (size_t)st.st_size;
    size_t pages = len / psz;
    char *m = NULL;
    if (wr) {
        char b;
        if (pread(fd, &b, 1, 0) != 1 || pwrite(fd, &b, 1, 0) != 1) {
            perror("write");
            return 1;
        }
    } else {
        m = mmap(NULL, len, rd ? PROT_READ : PROT_READ | PROT_WRITE,
                 rd ? MAP_SHARED : MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED || pages < 2) {
            perror("mmap");
            return 1;
        }
        close(fd);
        volatile char sum = 0;
        for (size_t i = 0; i < pages; i++)
            sum = (char)(sum + m[i * psz]);
        if (pw)
            m[psz] = (char)(m[psz] + 1);    /* copy-on-write: page 1 becomes private */
    }
    if (pc_report(argv[3], m, pages, psz) < 0) {
        perror(argv[3]);
        return 1;
    }
    for (;;)
        pause();
}
