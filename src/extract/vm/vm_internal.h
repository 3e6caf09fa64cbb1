/* Shared state of the VM join's files (not a public interface). */
#ifndef OSM_VM_INTERNAL_H
#define OSM_VM_INTERNAL_H

#include "vm.h"
#include "../linux/procparse.h"

/* The mapping of process pid that backs guest RAM (vm_host.c): the largest
 * readable mapping of `path`, or of QEMU's memfd backend when NULL.  0, or
 * -1 with the reason in why. */
int vm_find_ram(int pid, const char *path, osm_lx_vma *out, char *why, size_t whysz);

/* Host frame numbers of `pages` pages from host-virtual hva of process pid
 * (0 for a page not in host RAM).  0, or -1 with the reason in why. */
int vm_read_pagemap(int pid, uint64_t hva, uint64_t pages, uint64_t *pfn, char *why,
                    size_t whysz);

/* ---- the join's shared state (vm_join.c, vm_join_host.c) ---------------- */

#define VM_GPA_TYPE "GPA"       /* guest-physical memory: virtual from the host's view */

typedef struct vm_piece {       /* host frames [pfn, pfn + n) behind one guest run */
    uint64_t pfn, n;
} vm_piece;

typedef struct vm_gmo {         /* a guest frame run (guest MO) */
    osm_id node;
    uint64_t gpa, pages;
    size_t first, n_pieces;
} vm_gmo;

typedef struct vm_join {
    const osm_store *g;
    osm_store *out;
    osm_vm_join_report *rep;
    char *why;
    size_t whysz;
    const char *prefix;         /* of guest IDs */
    int qemu_pid;               /* Linux host: the QEMU process; 0 otherwise */
    const char *ram_path;       /* Linux host: file backing guest RAM, or NULL */
    char tag[32];               /* GRAM_<tag>_<hva> */
    char vmm_id[64];            /* the VMM PD's ID, for EXTRA texts */
    osm_lx_vma ram;             /* the VMM's mapping backing guest RAM */
    osm_id backing_mo;          /* every slice MAPs to it; OSM_NONE: to the pieces' MOs */
    vm_gmo *mo;
    size_t n_mo;
    vm_piece *pc;
    size_t n_pc, cap_pc;
    osm_id *gmap;               /* guest node -> joined node */
    osm_id qemu, ads;           /* the VMM PD and its address space, in out */
    osm_id *added;              /* nodes the join added */
    size_t n_added, cap_added;
} vm_join;

/* Set the one-line reason; -1. */
int vm_fail(vm_join *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The space a resource is SUBSET of, or OSM_NONE. */
osm_id vm_space_of(const osm_store *s, osm_id r);
/* The guest has a PD_kernel (it is a Linux extraction); 0 or -1. */
int vm_check_guest(vm_join *j);
/* The guest's frame runs, checked against the size of j->ram; 0 or -1. */
int vm_collect_guest_mos(vm_join *j);
/* Copy the guest into out and link it to the host side (j->qemu, j->ads,
 * j->ram, and j->backing_mo or the pieces); 0 or -1. */
int vm_link(vm_join *j);
void vm_join_free(vm_join *j);

#endif
