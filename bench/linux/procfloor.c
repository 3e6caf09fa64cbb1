/*
 * The /proc floor for the Linux extractor benchmark: the system calls
 * `osmosis extract linux --pid ...` makes on /proc for those processes, and
 * nothing else -- no parsing (beyond telling which descriptors need their
 * fdinfo), no model, no output, one thread.  No tool that reads this
 * information from /proc can be faster than this on one core, so the bench
 * prints osmosis/floor and lsof/floor next to lsof/osmosis.
 *
 *   procfloor [--frames] PID,PID,...
 *
 * Per process, as the extractor does it: open /proc/PID; read status,
 * cgroup and maps whole (one read when it fits, 64 KiB buffer); readlink
 * the 8 ns/ links; list fd/ with getdents64 and readlink each descriptor,
 * then read fdinfo/N for files, devices, memfds and eventfds and lstat the
 * link of pipes and other anon inodes (sockets need neither); kill(pid, 0).
 * Once per run: the mount table (the extractor reads one per mount
 * namespace), here the first process's.
 * With --frames also one PAGEMAP_SCAN walk over the user address space and
 * one pread of pagemap per span of present ranges closer than 512 pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PAGEMAP_SCAN
/* The ABI of <linux/fs.h> since 6.7, for older userspace headers. */
struct page_region {
    uint64_t start, end, categories;
};
struct pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_PRESENT (1 << 3)
#endif

enum { BUF = 64 * 1024, LAST = 2048, VEC = 512, GAP = 512 };
static char buf[BUF];

/* One /proc file read whole into buf, like lx_read_file. */
static void read_whole(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf - 1)) >= LAST)
        ;
    close(fd);
}

struct dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static int starts(const char *s, const char *pre)
{
    return strncmp(s, pre, strlen(pre)) == 0;
}

static void fds(int pidfd)
{
    int fddir = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fddir < 0)
        return;
    int infodir = -1;
    char dents[16384] __attribute__((aligned(8)));
    char link[256];
    long n;
    while ((n = syscall(SYS_getdents64, fddir, dents, sizeof dents)) > 0) {
        for (long off = 0; off < n;) {
            const struct dirent64 *de = (const void *)(dents + off);
            off += de->d_reclen;
            if (de->d_name[0] < '0' || de->d_name[0] > '9')
                continue;
            ssize_t l = readlinkat(fddir, de->d_name, link, sizeof link - 1);
            if (l < 0)
                continue;
            link[l] = '\0';
            struct stat sb;
            if (starts(link, "socket:["))
                continue;
            if (link[0] == '/' || !strcmp(link, "anon_inode:[eventfd]")) {
                if (infodir == -1)
                    infodir = openat(pidfd, "fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (infodir >= 0)
                    read_whole(infodir, de->d_name);
            } else {
                fstatat(fddir, de->d_name, &sb, AT_SYMLINK_NOFOLLOW);
            }
        }
        if ((size_t)n + 512 <= sizeof dents)
            break;
    }
    if (infodir >= 0)
        close(infodir);
    close(fddir);
}

/* Pagemap entries of pages [s, e), in 64 KiB preads. */
static void read_span(int pm, uint64_t s, uint64_t e)
{
    while (s < e) {
        size_t want = (e - s) * 8 < sizeof buf ? (e - s) * 8 : sizeof buf;
        if (pread(pm, buf, want, (off_t)(s * 8)) <= 0)
            return;
        s += want / 8;
    }
}

static void frames(int pidfd)
{
    int pm = openat(pidfd, "pagemap", O_RDONLY | O_CLOEXEC);
    if (pm < 0)
        return;
    struct page_region vec[VEC];
    uint64_t at = 0, hi = 0x7ffffffff000ull, s0 = 0, s1 = 0;
    int have = 0;
    while (at < hi) {
        struct pm_scan_arg a = { .size = sizeof a, .start = at, .end = hi,
                                 .vec = (uintptr_t)vec, .vec_len = VEC,
                                 .category_mask = PAGE_IS_PRESENT,
                                 .return_mask = PAGE_IS_PRESENT };
        int k = ioctl(pm, PAGEMAP_SCAN, &a);
        if (k < 0)
            break;
        for (int i = 0; i < k; i++) {   /* near ranges share a pread, as in the extractor */
            uint64_t s = vec[i].start / 4096, e = vec[i].end / 4096;
            if (have && s <= s1 + GAP) {
                s1 = e > s1 ? e : s1;
                continue;
            }
            if (have)
                read_span(pm, s0, s1);
            s0 = s;
            s1 = e;
            have = 1;
        }
        if (a.walk_end <= at)
            break;
        at = a.walk_end;
    }
    if (have)
        read_span(pm, s0, s1);
    close(pm);
}

static void one(int procfd, int pid, int with_frames, int first)
{
    static const char *const ns[] = { "ns/cgroup", "ns/ipc", "ns/mnt", "ns/net",
                                      "ns/pid", "ns/time", "ns/user", "ns/uts" };
    char name[16], link[128];
    snprintf(name, sizeof name, "%d", pid);
    int pidfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0)
        return;
    read_whole(pidfd, "status");
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        if (readlinkat(pidfd, ns[i], link, sizeof link) < 0)
            break;
    read_whole(pidfd, "cgroup");
    read_whole(pidfd, "maps");
    if (first)
        read_whole(pidfd, "mountinfo");
    fds(pidfd);
    if (with_frames)
        frames(pidfd);
    kill(pid, 0);
    close(pidfd);
}

int main(int argc, char **argv)
{
    int with_frames = argc > 1 && !strcmp(argv[1], "--frames");
    if (argc != 2 + with_frames) {
        fprintf(stderr, "usage: procfloor [--frames] PID,PID,...\n");
        return 2;
    }
    int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0) {
        perror("/proc");
        return 1;
    }
    int first = 1;
    for (char *s = argv[1 + with_frames], *end; *s; s = end + (*end == ','), first = 0) {
        long pid = strtol(s, &end, 10);
        if (end == s) {
            fprintf(stderr, "procfloor: bad pid list\n");
            return 2;
        }
        one(procfd, (int)pid, with_frames, first);
    }
    close(procfd);
    return 0;
}
