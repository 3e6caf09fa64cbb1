/*
 * Capability badges: a 64-bit value {type:8, perms:8, space:16, object:32}.
 *
 * A badge is not a secret: it is meaningful only in the hold registry of the
 * connection it arrives on (the root task looks the exact value up in the
 * caller's registry), the way a seL4 capability is meaningful only in its
 * CSpace.  A forged badge, a badge with widened permissions or another PD's
 * badge is therefore simply absent from the caller's registry and refused.
 * Object numbers are never reused within a root task's life, so a stale
 * badge cannot alias a newer object.
 */
#ifndef CEL_BADGE_H
#define CEL_BADGE_H

#include <stdint.h>

typedef enum cel_type {
    CEL_T_NONE = 0,
    CEL_T_PD = 1,
    CEL_T_ADS = 2,
    CEL_T_VMR = 3,
    CEL_T_MO = 4,
    CEL_T_VCPU = 5,
    CEL_T_PCPU = 6,
    CEL_T_EP = 7,
    CEL_T_COUNT = 8
} cel_type;

/* Permission bits of a badge: the model's R, W, X, T (OSM_PERM_*). */
enum { CEL_PERM_R = 1, CEL_PERM_W = 2, CEL_PERM_X = 4, CEL_PERM_T = 8 };

static inline uint64_t cel_badge_make(unsigned type, unsigned perms, unsigned space, uint32_t obj)
{
    return ((uint64_t)(type & 0xff) << 56) | ((uint64_t)(perms & 0xff) << 48) |
           ((uint64_t)(space & 0xffff) << 32) | obj;
}
static inline unsigned cel_badge_type(uint64_t b) { return (unsigned)(b >> 56); }
static inline unsigned cel_badge_perms(uint64_t b) { return (unsigned)(b >> 48) & 0xff; }
static inline unsigned cel_badge_space(uint64_t b) { return (unsigned)(b >> 32) & 0xffff; }
static inline uint32_t cel_badge_obj(uint64_t b) { return (uint32_t)b; }

#endif
