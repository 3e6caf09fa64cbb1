/* VM PDs: QEMU as a PD of the root task (vmpd.c).  docs/cellulos.md "VM PDs". */
#ifndef CEL_VMPD_H
#define CEL_VMPD_H

/* `cellulos vm ...`: exit status 0, 1 or 2. */
int cel_vmpd_main(int argc, char **argv);

#endif
