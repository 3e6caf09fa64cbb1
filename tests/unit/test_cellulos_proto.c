/* Unit tests of the CellulOS protocol validation, badges and hold registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cellulos/proto/proto.h"
#include "cellulos/root/root.h"

static int check(const cel_msg *m, size_t got, bool trunc, bool reply, char *why)
{
    return cel_msg_check(m, got, trunc, reply, why, 64);
}

static void test_valid_requests(void **state)
{
    (void)state;
    cel_msg m;
    char why[64];
    cel_msg_init(&m, CEL_OP_PING, 1);
    assert_int_equal(check(&m, sizeof m, false, false, why), 0);
    cel_msg_init(&m, CEL_OP_MO_ALLOC, 2);
    m.u.mo_alloc.pages = 16;
    assert_int_equal(check(&m, sizeof m, false, false, why), 0);
    cel_msg_init(&m, CEL_OP_PD_CREATE, 3);
    strcpy(m.u.pd_create.program, "cel-hello");
    m.u.pd_create.n_pass = 1;
    m.u.pd_create.pass[0].perms = CEL_PERM_R;
    assert_int_equal(check(&m, sizeof m, false, false, why), 0);
}

static void test_malformed(void **state)
{
    (void)state;
    cel_msg m;
    char why[64];
    cel_msg_init(&m, CEL_OP_PING, 1);
    assert_int_equal(check(&m, sizeof m - 1, false, false, why), -1);
    assert_string_equal(why, "short message");
    assert_int_equal(check(&m, sizeof m, true, false, why), -1);
    assert_string_equal(why, "oversized message");
    m.h.magic = 0;
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    assert_string_equal(why, "bad magic");
    cel_msg_init(&m, CEL_OP_COUNT, 1);
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, 0, 1);
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, CEL_OP_PING, 1);
    m.h.flags = CEL_F_REPLY;                    /* a reply where a request belongs */
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, CEL_OP_PING, 1);
    m.h.status = -1;
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, CEL_OP_MO_ALLOC, 1);       /* zero and absurd sizes */
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    m.u.mo_alloc.pages = (uint64_t)CEL_MO_MAX_PAGES + 1;
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, CEL_OP_PD_CREATE, 1);      /* unterminated program name */
    memset(m.u.pd_create.program, 'a', sizeof m.u.pd_create.program);
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    assert_string_equal(why, "unterminated string");
    cel_msg_init(&m, CEL_OP_PD_CREATE, 1);
    m.u.pd_create.n_pass = CEL_PASS_MAX + 1;
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, CEL_OP_GRANT, 1);          /* S/P flags are not grantable */
    m.u.grant.perms = 0x10;
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
    cel_msg_init(&m, CEL_OP_VMR_MAP, 1);        /* unaligned address */
    m.u.vmr_map.bytes = 4096;
    m.u.vmr_map.vaddr = 0x1001;
    assert_int_equal(check(&m, sizeof m, false, false, why), -1);
}

static void test_badges(void **state)
{
    (void)state;
    uint64_t b = cel_badge_make(CEL_T_MO, CEL_PERM_R | CEL_PERM_W, 0x1234, 0xdeadbeef);
    assert_int_equal(cel_badge_type(b), CEL_T_MO);
    assert_int_equal(cel_badge_perms(b), CEL_PERM_R | CEL_PERM_W);
    assert_int_equal(cel_badge_space(b), 0x1234);
    assert_int_equal(cel_badge_obj(b), 0xdeadbeef);
}

static void test_holds(void **state)
{
    (void)state;
    cel_holds h = { 0 };
    for (uint32_t i = 1; i <= 1000; i++)
        assert_int_equal(cel_holds_add(&h, cel_badge_make(CEL_T_MO, 3, 1, i)), 1);
    assert_int_equal(cel_holds_add(&h, cel_badge_make(CEL_T_MO, 3, 1, 7)), 0);
    assert_int_equal(cel_holds_find(&h, cel_badge_make(CEL_T_MO, 3, 1, 7))->refs, 2);
    /* other perms, other type: not held */
    assert_null(cel_holds_find(&h, cel_badge_make(CEL_T_MO, 7, 1, 7)));
    assert_null(cel_holds_find(&h, cel_badge_make(CEL_T_EP, 3, 1, 7)));
    assert_int_equal(cel_holds_find_obj(&h, 9), cel_badge_make(CEL_T_MO, 3, 1, 9));
    for (uint32_t i = 1; i <= 1000; i += 2)
        assert_int_equal(cel_holds_remove(&h, cel_badge_make(CEL_T_MO, 3, 1, i)), 0);
    assert_int_equal(cel_holds_remove(&h, cel_badge_make(CEL_T_MO, 3, 1, 1)), -1);
    assert_int_equal(h.n, 500);
    for (uint32_t i = 1; i <= 1000; i++)
        assert_true((cel_holds_find(&h, cel_badge_make(CEL_T_MO, 3, 1, i)) != NULL) == (i % 2 == 0));
    size_t n;
    uint64_t *v = cel_holds_list(&h, &n);
    assert_int_equal(n, 500);
    free(v);
    cel_holds_free(&h);
}

static void test_policy_parse(void **state)
{
    (void)state;
    cel_policy p;
    assert_int_equal(cel_policy_parse("2a", &p), 0);
    assert_int_equal(p.d_pd, 1);
    assert_int_equal(p.d_rs, 0);
    assert_int_equal(cel_policy_parse("1b", &p), 0);
    assert_int_equal(p.d_rs, UINT32_MAX);
    assert_int_equal(cel_policy_parse("3c", &p), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_requests), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_badges), cmocka_unit_test(test_holds),
        cmocka_unit_test(test_policy_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
