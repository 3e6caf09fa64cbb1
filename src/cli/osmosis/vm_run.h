/* `osmosis vm run`: options shared by the launcher's files. */
#ifndef OSM_VM_RUN_H
#define OSM_VM_RUN_H

#include <stddef.h>

#include "vm_cli.h"

typedef struct vm_run_opts {
    const char *kernel, *initrd, *cmd;
    unsigned mem_mib;
    const char *busybox, *guest_osmosis, *qemu;
    const char **add;               /* extra static programs for /bin */
    size_t n_add;
    const char *accel;              /* auto, kvm, tcg */
    unsigned timeout_s;
    const char *console, *capture;  /* where to keep the guest console / capture */
    const char *keep;               /* leave QEMU stopped, write its PID here */
    vm_cli_join join;
} vm_run_opts;

/* Write the guest initramfs to path (vm_initramfs.c); 0 or -1 with why. */
int vm_initramfs_write(const vm_run_opts *o, const char *path, char *why, size_t whysz);

#endif
