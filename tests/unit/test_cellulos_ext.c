/* Unit tests of the validation of the CEL_OP_EXT_BASE operations (the
 * one-call MO path and thread PDs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cellulos/proto/badge.h"
#include "cellulos/proto/proto.h"

static char why[64];

static int check_req(const cel_msg *m)
{
    why[0] = '\0';
    return cel_msg_check(m, sizeof *m, false, false, why, sizeof why);
}

static void alloc_map(cel_msg *m, uint64_t pages, uint64_t vaddr, uint32_t perms)
{
    cel_msg_init(m, (cel_op)CEL_OP_MO_ALLOC_MAP, 1);
    m->u.alloc_map.pages = pages;
    m->u.alloc_map.vaddr = vaddr;
    m->u.alloc_map.perms = perms;
}

static void test_op_numbering(void **state)
{
    (void)state;
    assert_true(cel_op_known(CEL_OP_PING));
    assert_true(cel_op_known(CEL_OP_MO_ALLOC_MAP));
    assert_true(cel_op_known(CEL_OP_THREAD_EXIT));
    assert_false(cel_op_known(CEL_OP_COUNT));
    assert_false(cel_op_known(CEL_OP_EXT_BASE - 1));
    assert_false(cel_op_known(CEL_OP_EXT_END));
    assert_string_equal(cel_op_name(CEL_OP_MO_ALLOC_MAP), "MO_ALLOC_MAP");
    assert_string_equal(cel_op_name(CEL_OP_THREAD_CREATE), "THREAD_CREATE");
    assert_string_equal(cel_op_name(CEL_OP_EXT_END), "?");
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_EXT_END, 1);
    assert_int_equal(check_req(&m), -1);
    assert_string_equal(why, "unknown operation");
}

static void test_alloc_map(void **state)
{
    (void)state;
    cel_msg m;
    alloc_map(&m, 1, 0x200000000000ull, CEL_PERM_R | CEL_PERM_W);
    assert_int_equal(check_req(&m), 0);
    m.u.alloc_map.flags = CEL_MAP_HEAP;
    assert_int_equal(check_req(&m), 0);
    m.u.alloc_map.flags = 2;                        /* unknown flag */
    assert_int_equal(check_req(&m), -1);
    alloc_map(&m, 1, 0x200000000000ull, CEL_PERM_X);  /* no executable MOs */
    assert_int_equal(check_req(&m), -1);
    alloc_map(&m, 1, 0x200000000000ull, 0);         /* no access at all */
    assert_int_equal(check_req(&m), -1);
    alloc_map(&m, 0, 0x200000000000ull, CEL_PERM_R);
    assert_int_equal(check_req(&m), -1);
    assert_string_equal(why, "MO size out of range");
    alloc_map(&m, 1, 0, CEL_PERM_R);                /* no address */
    assert_int_equal(check_req(&m), -1);
    assert_string_equal(why, "bad VMR address or size");
    alloc_map(&m, 1, 0x200000000800ull, CEL_PERM_R);  /* not page-aligned */
    assert_int_equal(check_req(&m), -1);
    alloc_map(&m, 1, 1ull << 47, CEL_PERM_R);       /* above user space */
    assert_int_equal(check_req(&m), -1);
    alloc_map(&m, 2, (1ull << 47) - 4096, CEL_PERM_R);  /* runs past its end */
    assert_int_equal(check_req(&m), -1);
    alloc_map(&m, 1, (1ull << 47) - 4096, CEL_PERM_R);  /* ends exactly there */
    assert_int_equal(check_req(&m), 0);
    m.u.alloc_map.mo = 5;                           /* reply fields in a request */
    assert_int_equal(check_req(&m), -1);
}

static void test_unmap_free_and_threads(void **state)
{
    (void)state;
    cel_msg m;
    cel_msg_init(&m, (cel_op)CEL_OP_MO_UNMAP_FREE, 1);
    m.u.unmap_free.flags = CEL_MAP_HEAP;
    assert_int_equal(check_req(&m), 0);
    m.u.unmap_free.reserved = 1;
    assert_int_equal(check_req(&m), -1);

    cel_msg_init(&m, (cel_op)CEL_OP_THREAD_CREATE, 1);
    m.u.thread.n_pass = CEL_PASS_MAX;
    m.u.thread.pass[0].perms = CEL_PERM_R | CEL_PERM_W;
    assert_int_equal(check_req(&m), 0);
    m.u.thread.n_pass = CEL_PASS_MAX + 1;
    assert_int_equal(check_req(&m), -1);
    assert_string_equal(why, "too many passed resources");
    m.u.thread.n_pass = 1;
    m.u.thread.pass[0].perms = 0x10;
    assert_int_equal(check_req(&m), -1);
    assert_string_equal(why, "bad permission bits");

    cel_msg_init(&m, (cel_op)CEL_OP_THREAD_EXIT, 1);
    m.u.thread.status = -5;                          /* any status */
    assert_int_equal(check_req(&m), 0);
    m.u.thread.n_pass = 1;                           /* nothing to pass on exit */
    assert_int_equal(check_req(&m), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_op_numbering),
        cmocka_unit_test(test_alloc_map),
        cmocka_unit_test(test_unmap_free_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
