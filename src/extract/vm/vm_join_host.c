/*
 * The Linux host side of a VM join (docs/vm.md): QEMU is an ordinary
 * process; the join reads the host frames behind every guest run from its
 * pagemap and extracts it with the Linux extractor, host MOs cut at the
 * edges of every run, then links the guest to it (vm_join.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

static int add_piece(vm_join *j, uint64_t pfn, uint64_t n)
{
    if (j->n_pc == j->cap_pc) {
        size_t cap = j->cap_pc ? j->cap_pc * 2 : 256;
        vm_piece *np = realloc(j->pc, cap * sizeof *np);
        if (!np)
            return vm_fail(j, "out of memory");
        j->pc = np;
        j->cap_pc = cap;
    }
    j->pc[j->n_pc++] = (vm_piece){ pfn, n };
    return 0;
}

/* The host frames behind every guest run, as pieces of contiguous frames. */
static int read_host_frames(vm_join *j)
{
    uint64_t *pfn = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < j->n_mo; i++) {
        vm_gmo *m = &j->mo[i];
        if (m->pages > cap) {
            free(pfn);
            cap = m->pages;
            if (!(pfn = malloc(cap * sizeof *pfn)))
                return vm_fail(j, "out of memory");
        }
        uint64_t hva = j->ram.start + (m->gpa - j->ram.offset);
        if (vm_read_pagemap(j->qemu_pid, hva, m->pages, pfn, j->why, j->whysz) < 0) {
            free(pfn);
            return -1;
        }
        m->first = j->n_pc;
        for (uint64_t p = 0; p < m->pages;) {
            if (!pfn[p]) {
                j->rep->pages_unbacked++;
                p++;
                continue;
            }
            uint64_t q = p + 1;
            while (q < m->pages && pfn[q] == pfn[q - 1] + 1)
                q++;
            if (add_piece(j, pfn[p], q - p) < 0) {
                free(pfn);
                return -1;
            }
            p = q;
        }
        m->n_pieces = j->n_pc - m->first;
    }
    free(pfn);
    return 0;
}

/* QEMU alone, with host MOs cut at the edges of every piece. */
static int extract_host(vm_join *j)
{
    uint64_t *cuts = malloc((2 * j->n_pc + 1) * sizeof *cuts);
    if (!cuts)
        return vm_fail(j, "out of memory");
    for (size_t i = 0; i < j->n_pc; i++) {
        cuts[2 * i] = j->pc[i].pfn;
        cuts[2 * i + 1] = j->pc[i].pfn + j->pc[i].n;
    }
    int pid = j->qemu_pid;
    osm_lx_opts lo = { .proc = "/proc", .pids = &pid, .n_pids = 1, .live = true,
                       .cut_pfns = cuts, .n_cut_pfns = 2 * j->n_pc };
    int rc = osm_lx_extract(&lo, j->out, &j->rep->host);
    free(cuts);
    if (rc < 0)
        return vm_fail(j, "the host extraction failed");
    char id[48];
    snprintf(id, sizeof id, "PD_%d", pid);
    j->qemu = osm_store_find(j->out, id);
    snprintf(id, sizeof id, "ADS_%d", pid);
    j->ads = osm_store_find(j->out, id);
    if (j->qemu == OSM_NONE || j->ads == OSM_NONE)
        return vm_fail(j, "process %d exited before the host side could be extracted", pid);
    snprintf(j->rep->ram_vmr, sizeof j->rep->ram_vmr, "VMR_%d_%llx", pid,
             (unsigned long long)j->ram.start);
    return 0;
}

int osm_vm_join(const osm_vm_join_opts *o, const osm_store *guest, osm_store *out,
                osm_vm_join_report *rep, char *why, size_t whysz)
{
    vm_join j = { .g = guest, .out = out, .rep = rep, .why = why, .whysz = whysz,
                  .prefix = o->prefix, .qemu_pid = o->qemu_pid, .ram_path = o->ram_path,
                  .backing_mo = OSM_NONE };
    memset(rep, 0, sizeof *rep);
    snprintf(j.tag, sizeof j.tag, "%d", o->qemu_pid);
    snprintf(j.vmm_id, sizeof j.vmm_id, "PD_%d", o->qemu_pid);
    int rc = -1;
    if (vm_check_guest(&j) < 0 || vm_find_ram(o->qemu_pid, o->ram_path, &j.ram, why, whysz) < 0)
        goto out;
    rep->ram_start = j.ram.start;
    rep->ram_len = j.ram.end - j.ram.start;
    if (vm_collect_guest_mos(&j) < 0 || read_host_frames(&j) < 0 || extract_host(&j) < 0 ||
        vm_link(&j) < 0)
        goto out;
    rc = 0;
out:
    vm_join_free(&j);
    return rc;
}
