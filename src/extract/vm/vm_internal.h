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

#endif
