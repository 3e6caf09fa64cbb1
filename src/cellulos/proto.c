/* Message validation shared by the root task and libcellulos (proto.h). */
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "srv_proto.h"

static const char *const op_names[CEL_OP_COUNT] = {
    [CEL_OP_HELLO] = "HELLO", [CEL_OP_PING] = "PING", [CEL_OP_MO_ALLOC] = "MO_ALLOC",
    [CEL_OP_MO_ATTACH] = "MO_ATTACH", [CEL_OP_VMR_MAP] = "VMR_MAP",
    [CEL_OP_VMR_UNMAP] = "VMR_UNMAP", [CEL_OP_MO_FREE] = "MO_FREE",
    [CEL_OP_PD_CREATE] = "PD_CREATE", [CEL_OP_PD_WAIT] = "PD_WAIT",
    [CEL_OP_PD_KILL] = "PD_KILL", [CEL_OP_GRANT] = "GRANT", [CEL_OP_REVOKE] = "REVOKE",
    [CEL_OP_EP_ALLOC] = "EP_ALLOC", [CEL_OP_EP_SEND] = "EP_SEND", [CEL_OP_EP_RECV] = "EP_RECV",
    [CEL_OP_DUMP] = "DUMP", [CEL_OP_DONE] = "DONE", [CEL_OP_REVOKE_NOTIFY] = "REVOKE_NOTIFY",
};

const char *cel_op_name(unsigned op)
{
    if (op >= CEL_OP_SRV_FIRST)
        return cel_srv_op_name(op);
    return op > 0 && op < CEL_OP_COUNT ? op_names[op] : "?";
}

void cel_msg_init(cel_msg *m, cel_op op, uint32_t seq)
{
    memset(m, 0, sizeof *m);
    m->h.magic = CEL_MAGIC;
    m->h.op = (uint16_t)op;
    m->h.seq = seq;
}

static bool has_nul(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

#define PERM_OK(p) (((p) & ~0x0fu) == 0)   /* R, W, X, T only */

/* Per-op shape checks of a request body. */
static const char *check_request(const cel_msg *m)
{
    switch (m->h.op) {
    case CEL_OP_MO_ALLOC:
        if (m->u.mo_alloc.pages == 0 || m->u.mo_alloc.pages > CEL_MO_MAX_PAGES)
            return "MO size out of range";
        return NULL;
    case CEL_OP_VMR_MAP:
        if (!PERM_OK(m->u.vmr_map.perms) || m->u.vmr_map.reserved)
            return "bad permission bits";
        if (m->u.vmr_map.bytes == 0 || (m->u.vmr_map.vaddr & 0xfff))
            return "bad VMR address or size";
        return NULL;
    case CEL_OP_PD_CREATE: {
        const cel_b_pd_create *c = &m->u.pd_create;
        if (!has_nul(c->program, sizeof c->program) || !has_nul(c->arg, sizeof c->arg))
            return "unterminated string";
        if (c->n_pass > CEL_PASS_MAX)
            return "too many passed resources";
        if (c->flags & ~CEL_PD_LINKED)
            return "unknown PD flags";
        for (uint32_t i = 0; i < c->n_pass; i++)
            if (!PERM_OK(c->pass[i].perms) || c->pass[i].reserved)
                return "bad permission bits";
        return NULL;
    }
    case CEL_OP_GRANT:
        if (!PERM_OK(m->u.grant.perms) || m->u.grant.reserved)
            return "bad permission bits";
        return NULL;
    case CEL_OP_EP_SEND:
        return has_nul(m->u.ep.text, sizeof m->u.ep.text) ? NULL : "unterminated string";
    case CEL_OP_DONE:
        return has_nul(m->u.done.note, sizeof m->u.done.note) ? NULL : "unterminated string";
    default:
        return m->h.op >= CEL_OP_SRV_FIRST ? cel_srv_check_request(m) : NULL;
    }
}

int cel_msg_check(const cel_msg *m, size_t got, bool truncated, bool reply,
                  char *why, size_t why_len)
{
    const char *bad = NULL;
    if (truncated || got > sizeof *m)
        bad = "oversized message";
    else if (got != sizeof *m)
        bad = "short message";
    else if (m->h.magic != CEL_MAGIC)
        bad = "bad magic";
    else if ((m->h.op == 0 && !reply) ||
             (m->h.op >= CEL_OP_COUNT && (m->h.op < CEL_OP_SRV_FIRST || m->h.op >= CEL_OP_SRV_END)))
        bad = "unknown operation";   /* replies to garbage carry op 0 */
    else if ((m->h.flags & ~CEL_F_REPLY) || !!(m->h.flags & CEL_F_REPLY) != reply)
        bad = "bad flags";
    else if (!reply && m->h.status != 0)
        bad = "status set in a request";
    else if (!reply)
        bad = check_request(m);
    else if (m->h.op == CEL_OP_HELLO && !has_nul(m->u.hello_r.pd_id, sizeof m->u.hello_r.pd_id))
        bad = "unterminated string";
    if (!bad)
        return 0;
    if (why && why_len)
        snprintf(why, why_len, "%s", bad);
    return -1;
}
