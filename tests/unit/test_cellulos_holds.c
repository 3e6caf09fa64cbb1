/* Unit tests of the per-PD hold registry (src/cellulos/root/holds.c): exact
 * lookups, reference counts, tombstones, growth, and "any badge of object o"
 * when one object is held through several badges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cellulos/root/root.h"

static uint64_t badge(unsigned perms, uint32_t obj)
{
    return cel_badge_make(CEL_T_MO, perms, 1, obj);
}

static void test_add_find_remove(void **state)
{
    (void)state;
    cel_holds h = { 0 };
    assert_int_equal(cel_holds_add(&h, badge(1, 7)), 1);
    assert_int_equal(cel_holds_add(&h, badge(1, 7)), 0);    /* second reference */
    assert_int_equal(cel_holds_find(&h, badge(1, 7))->refs, 2);
    assert_null(cel_holds_find(&h, badge(3, 7)));            /* wider perms: absent */
    assert_int_equal(cel_holds_find_obj(&h, 7), badge(1, 7));
    assert_int_equal(cel_holds_find_obj(&h, 8), 0);
    assert_int_equal(cel_holds_remove(&h, badge(1, 7)), 0);
    assert_null(cel_holds_find(&h, badge(1, 7)));
    assert_int_equal(cel_holds_find_obj(&h, 7), 0);
    assert_int_equal(cel_holds_remove(&h, badge(1, 7)), -1);
    cel_holds_free(&h);
}

/* Several badges of one object among many others: find_obj returns each of
 * them until all are removed, across growth and tombstones. */
static void test_many_objects_and_badges(void **state)
{
    (void)state;
    cel_holds h = { 0 };
    enum { N = 5000 };
    for (uint32_t o = 1; o <= N; o++)
        assert_int_equal(cel_holds_add(&h, badge(1, o)), 1);
    assert_int_equal(cel_holds_add(&h, badge(3, 4242)), 1);
    assert_int_equal(cel_holds_add(&h, badge(9, 4242)), 1);
    assert_int_equal(h.n, N + 2);
    for (uint32_t o = 1; o <= N; o += 2)        /* leave tombstones behind */
        if (o != 4242)
            assert_int_equal(cel_holds_remove(&h, badge(1, o)), 0);
    for (uint32_t o = 1; o <= N; o++) {
        uint64_t b = cel_holds_find_obj(&h, o);
        if (o == 4242)
            assert_int_equal(cel_badge_obj(b), 4242);
        else if (o % 2)
            assert_int_equal(b, 0);
        else
            assert_int_equal(b, badge(1, o));
    }
    int seen = 0;
    uint64_t b;
    while ((b = cel_holds_find_obj(&h, 4242))) {
        assert_int_equal(cel_holds_remove(&h, b), 0);
        seen++;
    }
    assert_int_equal(seen, 3);
    size_t n;
    uint64_t *all = cel_holds_list(&h, &n);
    assert_int_equal(n, h.n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(cel_badge_obj(all[i]) % 2, 0);
    free(all);
    cel_holds_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find_remove),
        cmocka_unit_test(test_many_objects_and_badges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
