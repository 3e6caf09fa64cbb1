/* libcellulos internals shared by its files (not for PD programs). */
#ifndef CEL_LIB_INTERNAL_H
#define CEL_LIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cellulos.h"

/* Set once HELLO succeeded: before that the heap serves from its bootstrap
 * arena (libseccomp allocates while the filter is being built). */
extern bool cel_lib_connected;

/* One request/reply on this thread's call socket (client.c). */
int cel_lib_call(cel_msg *m, int *fd);
/* In a new thread: make `sock` its call socket and say HELLO as its tid. */
int cel_lib_thread_hello(int sock);
/* A thread PD's last words: THREAD_EXIT with status on sock, then close it. */
void cel_lib_thread_bye(int sock, int status);

/* MO_ALLOC_MAP at an address of the library's window, mapped there
 * (mapping.c); flags CEL_MAP_*.  0 or -errno. */
int cel_lib_map(size_t pages, unsigned perms, unsigned flags, void **addr, cel_badge *mo,
                cel_badge *vmr);
/* munmap + MO_UNMAP_FREE. */
int cel_lib_unmap(cel_badge mo, cel_badge vmr, void *addr, size_t bytes, unsigned flags);

#endif
