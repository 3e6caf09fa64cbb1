/*
 * The CellulOS message protocol between a PD (libcellulos) and the root task.
 *
 * Every message is exactly CEL_MSG_SIZE bytes on a Unix SEQPACKET socket: a
 * fixed header followed by one typed body chosen by `op`.  Fixed size keeps
 * validation trivial (a short or long datagram is malformed by definition)
 * and lets the root task receive into a stack buffer.  A file descriptor may
 * ride along with SCM_RIGHTS (MO attach, dump, hello's seccomp listener).
 *
 * A PD has two sockets to the root task: the call socket (fd CEL_FD_CALL;
 * strict request/reply, driven by the PD) and the notify socket (fd
 * CEL_FD_NOTIFY; root-initiated requests such as "unmap this VMR", answered
 * from a SIGIO handler so they work whatever the PD is doing).
 */
#ifndef CEL_PROTO_H
#define CEL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CEL_MAGIC 0x314c4543u   /* "CEL1" little-endian */
#define CEL_MSG_SIZE 256
#define CEL_PASS_MAX 4          /* resources passed at PD creation */
#define CEL_NAME_MAX 32
#define CEL_TEXT_MAX 64
#define CEL_MO_MAX_PAGES (1u << 18)  /* 1 GiB of 4 KiB pages per MO */
#define CEL_FD_CALL 3
#define CEL_FD_NOTIFY 4
#define CEL_ENV "CELLULOS"      /* set (to "1") in every PD's environment */

/* Operations.  Requests go PD -> root on the call socket, except the
 * notify pair. */
typedef enum cel_op {
    CEL_OP_HELLO = 1,       /* first call; carries the seccomp listener fd */
    CEL_OP_PING,            /* null RPC */
    CEL_OP_MO_ALLOC,        /* new memory object */
    CEL_OP_MO_ATTACH,       /* get the MO's memfd to map it */
    CEL_OP_VMR_MAP,         /* report where it was mapped: a VMR appears */
    CEL_OP_VMR_UNMAP,       /* the PD unmapped a VMR */
    CEL_OP_MO_FREE,         /* drop a hold on an MO */
    CEL_OP_PD_CREATE,       /* spawn a PD from a configuration */
    CEL_OP_PD_WAIT,         /* wait for a PD the caller controls to end */
    CEL_OP_PD_KILL,         /* terminate a PD the caller controls */
    CEL_OP_GRANT,           /* share a held resource with a controlled PD */
    CEL_OP_REVOKE,          /* take a resource back from a controlled PD */
    CEL_OP_EP_ALLOC,        /* new endpoint */
    CEL_OP_EP_SEND,         /* queue a message on an endpoint */
    CEL_OP_EP_RECV,         /* take a message (blocks until one arrives) */
    CEL_OP_DUMP,            /* model state as CellulOS CSV, in a memfd */
    CEL_OP_DONE,            /* a scenario's driver PD reports its verdict */
    CEL_OP_REVOKE_NOTIFY,   /* root -> PD (notify socket): unmap this VMR;
                             * the PD answers with a reply of the same op */
    CEL_OP_COUNT
} cel_op;

/* Operations added after the first protocol, numbered from CEL_OP_EXT_BASE
 * so the original numbering never moves. */
#define CEL_OP_EXT_BASE 100
enum {
    CEL_OP_MO_ALLOC_MAP = CEL_OP_EXT_BASE, /* MO_ALLOC + ATTACH + VMR_MAP at once:
                                            * the PD names the address it will map
                                            * the memfd at (MAP_FIXED_NOREPLACE) */
    CEL_OP_MO_UNMAP_FREE,   /* VMR_UNMAP + MO_FREE of an MO_ALLOC_MAP pair */
    CEL_OP_THREAD_CREATE,   /* a thread PD in the caller's address space; the
                             * reply passes the thread's call socket */
    CEL_OP_THREAD_EXIT,     /* a thread PD's last message; closing its connection
                             * (not waiting for the reply) then ends it */
    CEL_OP_EXT_END
};

/* MO_ALLOC_MAP / MO_UNMAP_FREE flags. */
#define CEL_MAP_HEAP 1u     /* for the process' malloc heap: held by the PD that
                             * owns the address space, even when a thread PD asks */

#define CEL_F_REPLY 1u      /* header flag: this is a reply */

/* PD configuration flags for CEL_OP_PD_CREATE. */
#define CEL_PD_LINKED 1u    /* dies with its creator */

/* Revoke outcomes (reply to CEL_OP_REVOKE, word `outcome`). */
enum { CEL_REVOKE_COMPLIED = 1, CEL_REVOKE_KILLED = 2, CEL_REVOKE_NOT_MAPPED = 3 };
enum { CEL_REVOKE_ENDED = 4 };  /* the PD ended while it was being asked */

typedef struct cel_hdr {
    uint32_t magic;
    uint16_t op;
    uint16_t flags;
    uint32_t seq;
    int32_t status;         /* replies: 0 or a negative errno */
} cel_hdr;

typedef struct cel_pass {
    uint64_t badge;
    uint32_t perms;         /* OSM_PERM_R/W/X/T subset of what the giver holds */
    uint32_t reserved;
} cel_pass;

typedef struct cel_b_hello { uint32_t pid; uint32_t abi; } cel_b_hello;
typedef struct cel_b_hello_r {
    uint64_t self, ads, vcpu;
    uint32_t n_pass, reserved;
    uint64_t pass[CEL_PASS_MAX];
    char pd_id[CEL_NAME_MAX];
} cel_b_hello_r;
typedef struct cel_b_badge { uint64_t badge; } cel_b_badge;
typedef struct cel_b_mo_alloc { uint64_t pages; } cel_b_mo_alloc;
typedef struct cel_b_mo_attach { uint64_t mo; uint64_t bytes; } cel_b_mo_attach;
typedef struct cel_b_vmr_map {
    uint64_t mo, vaddr, bytes;
    uint32_t perms, reserved;
} cel_b_vmr_map;
typedef struct cel_b_pd_create {
    char program[CEL_NAME_MAX];   /* a cel-* binary next to the root task */
    char arg[CEL_TEXT_MAX];       /* one argument for it ("" = none) */
    uint32_t flags;               /* CEL_PD_* */
    uint32_t n_pass;
    cel_pass pass[CEL_PASS_MAX];
    uint64_t fault_ep;            /* 0 = none */
} cel_b_pd_create;
typedef struct cel_b_grant { uint64_t pd, res; uint32_t perms, reserved; } cel_b_grant;
typedef struct cel_b_revoke { uint64_t pd, res; uint32_t outcome, reserved; } cel_b_revoke;
typedef struct cel_b_wait { uint64_t pd; int32_t status, reserved; } cel_b_wait;
typedef struct cel_b_ep_msg {
    uint64_t ep;
    uint64_t word[4];
    char text[CEL_TEXT_MAX];
} cel_b_ep_msg;
typedef struct cel_b_dump { uint64_t bytes; } cel_b_dump;
typedef struct cel_b_done { int32_t ok, reserved; char note[CEL_TEXT_MAX]; } cel_b_done;
typedef struct cel_b_revoke_notify { uint64_t vmr, vaddr, bytes; } cel_b_revoke_notify;
typedef struct cel_b_mo_alloc_map {
    uint64_t pages, vaddr;  /* request: size; page-aligned address to map at */
    uint32_t perms, flags;  /* OSM_PERM_R|W; CEL_MAP_* */
    uint64_t mo, vmr, bytes; /* reply: the badges and the size (memfd attached) */
} cel_b_mo_alloc_map;
typedef struct cel_b_unmap_free { uint64_t mo, vmr; uint32_t flags, reserved; } cel_b_unmap_free;
typedef struct cel_b_thread {
    uint64_t fault_ep;      /* THREAD_CREATE: 0 = none */
    uint64_t pd;            /* reply: the thread PD's badge (RWT) */
    uint32_t flags;         /* reserved, 0 */
    int32_t status;         /* THREAD_EXIT: the thread function's result */
    uint32_t n_pass, reserved;
    cel_pass pass[CEL_PASS_MAX];    /* THREAD_CREATE: resources to pass */
} cel_b_thread;

typedef struct cel_msg {
    cel_hdr h;
    union {
        cel_b_hello hello;
        cel_b_hello_r hello_r;
        cel_b_badge badge;
        cel_b_mo_alloc mo_alloc;
        cel_b_mo_attach mo_attach;
        cel_b_vmr_map vmr_map;
        cel_b_pd_create pd_create;
        cel_b_grant grant;
        cel_b_revoke revoke;
        cel_b_wait wait;
        cel_b_ep_msg ep;
        cel_b_dump dump;
        cel_b_done done;
        cel_b_revoke_notify rnotify;
        cel_b_mo_alloc_map alloc_map;
        cel_b_unmap_free unmap_free;
        cel_b_thread thread;
        uint8_t raw[CEL_MSG_SIZE - sizeof(cel_hdr)];
    } u;
} cel_msg;

_Static_assert(sizeof(cel_msg) == CEL_MSG_SIZE, "cel_msg must be CEL_MSG_SIZE bytes");

/* Validate a received message of `got` bytes (`truncated` when the datagram
 * was longer than the buffer).  `reply` says which direction is expected.
 * Returns 0, or -1 with a reason in `why`.  Checks size, magic, op, flags,
 * NUL-terminated strings, counts and permission bits: after it, handlers may
 * trust every field's shape (not its meaning: badges are checked against the
 * hold registry). */
int cel_msg_check(const cel_msg *m, size_t got, bool truncated, bool reply,
                  char *why, size_t why_len);

/* A fresh request/reply skeleton. */
void cel_msg_init(cel_msg *m, cel_op op, uint32_t seq);

/* The op's name ("MO_ALLOC"), or "?" when out of range. */
const char *cel_op_name(unsigned op);

/* Whether op is a defined operation (either numbering range). */
bool cel_op_known(unsigned op);

#endif
