/*
 * The host side of a VM join: which mapping of the QEMU process backs guest
 * RAM, and which host frames sit behind a guest-physical range (QEMU's
 * /proc/PID/pagemap at the host-virtual address of that range).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm_internal.h"
#include "../../format/file_read.h"

typedef struct ram_search {
    const char *path;           /* wanted backing file, or NULL for the memfd */
    osm_lx_vma best;
    bool found;
} ram_search;

/* Whether v's path names the backing: the file itself (maybe "(deleted)"),
 * or QEMU's memfd backend ("/memfd:memory-backend-memfd (deleted)"). */
static bool is_backing(const osm_lx_vma *v, const char *path)
{
    const char *want = path ? path : "/memfd:memory-backend-memfd";
    size_t wl = strlen(want);
    if (strncmp(v->path, want, wl) != 0)
        return false;
    return v->path[wl] == 0 || v->path[wl] == ' ';
}

static int ram_cb(const osm_lx_vma *v, void *arg)
{
    ram_search *r = arg;
    if (is_backing(v, r->path) && v->r &&
        (!r->found || v->end - v->start > r->best.end - r->best.start)) {
        r->best = *v;
        r->found = true;
    }
    return 0;
}

/* Read QEMU's /proc/PID/maps (regular, at most 64 MiB like every maps
 * file the Linux extractor reads); NULL with errno. */
static char *slurp(const char *path, size_t *len)
{
    char why[160];
    return osm_file_read(path, 64 * OSM_MIB, "a maps file", len, why, sizeof why);
}

int vm_find_ram(int pid, const char *path, osm_lx_vma *out, char *why, size_t whysz)
{
    char f[64];
    snprintf(f, sizeof f, "/proc/%d/maps", pid);
    size_t len;
    char *b = slurp(f, &len);
    if (!b) {
        snprintf(why, whysz, "cannot read %s: %s (is %d a running QEMU process?)", f,
                 strerror(errno), pid);
        return -1;
    }
    ram_search r = { .path = path };
    osm_lx_parse_maps(b, len, ram_cb, &r);
    free(b);
    if (!r.found) {
        snprintf(why, whysz, "process %d maps no %s: start QEMU with a shared memory backend "
                             "(-object memory-backend-memfd,id=ram,size=M,share=on -machine "
                             "memory-backend=ram, or memory-backend-file and --ram-path)",
                 pid, path ? path : "memory-backend-memfd");
        return -1;
    }
    *out = r.best;
    return 0;
}

int vm_read_pagemap(int pid, uint64_t hva, uint64_t pages, uint64_t *pfn, char *why,
                    size_t whysz)
{
    char f[64];
    snprintf(f, sizeof f, "/proc/%d/pagemap", pid);
    int fd = open(f, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, whysz, "cannot open %s: %s", f, strerror(errno));
        return -1;
    }
    size_t want = (size_t)pages * 8, got = 0;
    off_t at = (off_t)(hva / 4096 * 8);
    while (got < want) {
        ssize_t k = pread(fd, (char *)pfn + got, want - got, at + (off_t)got);
        if (k <= 0) {
            snprintf(why, whysz, "cannot read %s: %s", f, k < 0 ? strerror(errno) : "short read");
            close(fd);
            return -1;
        }
        got += (size_t)k;
    }
    close(fd);
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t e = pfn[i];
        if (!(e & OSM_LX_PM_PRESENT) || (e & OSM_LX_PM_SWAPPED)) {
            pfn[i] = 0;         /* not in host RAM now */
            continue;
        }
        pfn[i] = e & OSM_LX_PM_PFN_MASK;
        if (pfn[i] == 0) {
            snprintf(why, whysz, "%s shows no frame numbers: reading them needs CAP_SYS_ADMIN "
                                 "(run as root)", f);
            return -1;
        }
    }
    return 0;
}
