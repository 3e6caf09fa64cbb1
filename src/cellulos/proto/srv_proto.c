/* Shape checks and names of the resource-server operations (srv_proto.h),
 * shared by the root task and libcellulos. */
#include <string.h>

#include "srv_proto.h"

static const char *const srv_names[CEL_OP_SRV_END - CEL_OP_SRV_FIRST] = {
    "DOOR", "CONNECT", "SPACE_CREATE", "RES_CREATE", "RES_MAP", "RES_UNMAP",
    "RES_GRANT", "RES_REVOKE", "RES_DELETE", "AUDIT",
};

const char *cel_srv_op_name(unsigned op)
{
    return op >= CEL_OP_SRV_FIRST && op < CEL_OP_SRV_END ? srv_names[op - CEL_OP_SRV_FIRST] : "?";
}

/* A resource type name: upper-case letter, then upper case, digits, '_'. */
static bool type_ok(const char *t, size_t cap)
{
    if (!memchr(t, '\0', cap) || !(t[0] >= 'A' && t[0] <= 'Z'))
        return false;
    for (const char *c = t; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

/* Free text that goes into the model's EXTRA column: printable, no comma or
 * quote (the CSV has no quoting), NUL-terminated. */
static bool text_ok(const char *t, size_t cap)
{
    if (!memchr(t, '\0', cap))
        return false;
    for (const char *c = t; *c; c++)
        if (*c < 0x20 || *c > 0x7e || *c == ',' || *c == '"')
            return false;
    return true;
}

const char *cel_srv_check_request(const cel_msg *m)
{
    const void *b = m->u.raw;
    switch (m->h.op) {
    case CEL_OP_CONNECT:
        return text_ok(((const cel_b_connect *)b)->text, CEL_TEXT_MAX) ? NULL : "bad text";
    case CEL_OP_SPACE_CREATE:
        return type_ok(((const cel_b_space_create *)b)->type, CEL_SRV_TYPE_MAX) ? NULL
                                                                              : "bad type name";
    case CEL_OP_RES_CREATE:
        return text_ok(((const cel_b_res_create *)b)->extra, CEL_TEXT_MAX) ? NULL : "bad text";
    case CEL_OP_RES_MAP:
    case CEL_OP_RES_UNMAP: {
        const cel_b_res_map *r = b;
        return (r->perms & ~0x0fu) || r->reserved ? "bad permission bits" : NULL;
    }
    case CEL_OP_RES_GRANT: {
        const cel_b_res_grant *g = b;
        return (g->perms & ~0x0fu) || g->reserved ? "bad permission bits" : NULL;
    }
    default:
        return NULL;
    }
}
