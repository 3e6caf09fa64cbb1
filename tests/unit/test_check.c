/*
 * The invariant checker: each of the seven rules of MODEL.md §1 caught on a
 * state that breaks only it, with the IDs named; a clean state passes; the
 * real CellulOS dump gives exactly the violations it really has.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <osmosis/osmosis.h>

/* A clean base: root holds an ADS mapped to an MO space, a VMR mapped to
 * an MO, and a client PD. */
static const char base_csv[] =
    "PD,ROOT,ROOT_TASK,,,,\n"
    "PD,P1,client,,,,\n"
    "RESOURCE_SPACE,ADS_1,ADS,,,,\n"
    "RESOURCE_SPACE,MO_S,MO,,,,\n"
    "RESOURCE,VMR_1,VMR,,,,0x1000_HEAP_1_12\n"
    "RESOURCE,MO_1,MO,,,,0x8000_1_12\n"
    ",,NONE,HOLD,ROOT,ADS_1,\n"
    ",,NONE,HOLD,ROOT,MO_S,\n"
    ",,NONE,SUBSET,VMR_1,ADS_1,\n"
    ",,NONE,SUBSET,MO_1,MO_S,\n"
    ",,RW,HOLD,P1,VMR_1,\n"
    ",,NONE,HOLD,ROOT,MO_1,\n"
    ",,NONE,MAP,ADS_1,MO_S,\n"
    ",,RW,MAP,VMR_1,MO_1,\n"
    ",,MO,REQUEST,P1,ROOT,\n"
    ",,RWT,HOLD,ROOT,P1,\n";

static osm_store *load(const char *extra_rows)
{
    size_t n = strlen(base_csv) + strlen(extra_rows) + 1;
    char *buf = malloc(n);
    snprintf(buf, n, "%s%s", base_csv, extra_rows);
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 0);
    assert_int_equal(osm_csv_read_buffer(s, buf, strlen(buf), "t", NULL, &d, NULL), 0);
    assert_int_equal(d.n, 0);
    osm_diags_free(&d);
    free(buf);
    return s;
}

/* Expect exactly `count` violations of `rule` (all rules when 0), the
 * first naming `id`. */
static void expect(const char *rows, int rule, size_t count, const char *id)
{
    osm_store *s = load(rows);
    osm_diags d;
    osm_diags_init(&d, 0);
    size_t n = rule ? osm_check_rule(s, rule, true, &d) : osm_check(s, true, &d);
    if (n != count) {
        for (size_t i = 0; i < d.n; i++)
            print_message("  %s\n", d.v[i].msg);
        fail_msg("rows %s: %zu violations, expected %zu", rows, n, count);
    }
    for (size_t i = 0; i < d.n; i++) {
        assert_int_equal(d.v[i].rule, rule);
        assert_int_equal(d.v[i].severity, OSM_ERROR);
    }
    if (count)
        assert_non_null(strstr(d.v[0].msg, id));
    osm_diags_free(&d);
    osm_store_free(s);
}

static void test_clean(void **st) { (void)st; expect("", 0, 0, NULL); }

static void test_rule1_kinds(void **st)
{
    (void)st;
    expect(",,NONE,SUBSET,P1,ADS_1,\n", 1, 1, "P1");
    expect(",,MO,REQUEST,P1,MO_S,\n", 1, 1, "MO_S");
    expect(",,NONE,MAP,VMR_1,MO_S,\n", 1, 1, "VMR_1");
    expect(",,X,HOLD,P1,ROOT,\n", 1, 1, "control edge HOLD P1 -> ROOT");
}

static void test_rule2_subset(void **st)
{
    (void)st;
    expect("RESOURCE,MO_2,MO,,,,\n,,NONE,HOLD,ROOT,MO_2,\n", 2, 1, "MO_2 has 0 SUBSET");
    expect(",,NONE,SUBSET,MO_1,MO_S,\n", 2, 1, "MO_1 has 2 SUBSET");
    expect("RESOURCE,F_1,FILE,,,,\n,,NONE,HOLD,ROOT,F_1,\n,,NONE,SUBSET,F_1,MO_S,\n", 2, 1,
           "F_1 of type FILE");
}

static void test_rule3_held(void **st)
{
    (void)st;
    expect("RESOURCE_SPACE,S_2,FILE,,,,\n", 3, 1, "S_2 is held by no PD");
}

static void test_rule4_request(void **st)
{
    (void)st;
    expect(",,FILE,REQUEST,P1,ROOT,\n", 4, 1, "P1 requests FILE from ROOT");
}

static void test_rule5_space_maps(void **st)
{
    (void)st;
    expect("RESOURCE_SPACE,ADS_2,ADS,,,,\nRESOURCE,VMR_2,VMR,,,,\n,,NONE,HOLD,ROOT,ADS_2,\n"
           ",,NONE,HOLD,ROOT,VMR_2,\n,,NONE,SUBSET,VMR_2,ADS_2,\n,,NONE,MAP,VMR_2,MO_1,\n",
           5, 1, "space ADS_2 does not map to space MO_S");
}

static void test_rule6_physical(void **st)
{
    (void)st;
    /* MO_1 -> VMR_2 also breaks rule 5 (MO_S does not map to ADS_1): only
     * rule 6 is asked here. */
    expect("RESOURCE,VMR_2,VMR,,,,\n,,NONE,HOLD,ROOT,VMR_2,\n,,NONE,SUBSET,VMR_2,ADS_1,\n"
           ",,NONE,MAP,MO_1,VMR_2,\n",
           6, 1, "physical MO_1 (MO) maps to virtual VMR_2 (VMR)");
}

static void test_rule7_cycles(void **st)
{
    (void)st;
    expect("RESOURCE_SPACE,X_1,XS,,,,\nRESOURCE_SPACE,X_2,XS,,,,\n,,NONE,HOLD,ROOT,X_1,\n"
           ",,NONE,HOLD,ROOT,X_2,\n,,NONE,MAP,X_1,X_2,\n,,NONE,MAP,X_2,X_1,\n",
           7, 1, "MAP edges form a cycle");
}

/* The real dump: a PCPU drawn from the VCPU space (rule 2), the MO space
 * held by nobody (rule 3), and 12 requests for EP/MO/PD/RESSPC that the root
 * holds no space for (rule 4). */
static void test_gpikv001(void **st)
{
    (void)st;
    const char *shared = getenv("SHARED");
    if (!shared)
        skip();
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/cellulos/GPIKV001.output", shared);
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 0);
    assert_int_equal(osm_csv_read_file(s, path, NULL, &d, NULL), 0);
    assert_int_equal(osm_cellulos_add_control(s), 4);
    size_t by_rule[8] = { 0 };
    osm_diags_free(&d);
    osm_diags_init(&d, 0);
    assert_int_equal(osm_check(s, false, &d), 14);
    for (size_t i = 0; i < d.n; i++) {
        by_rule[d.v[i].rule]++;
        assert_int_equal(d.v[i].severity, OSM_WARNING);
    }
    assert_int_equal(by_rule[2], 1);
    assert_int_equal(by_rule[3], 1);
    assert_int_equal(by_rule[4], 12);
    osm_diags_free(&d);
    osm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_rule1_kinds),
        cmocka_unit_test(test_rule2_subset),
        cmocka_unit_test(test_rule3_held),
        cmocka_unit_test(test_rule4_request),
        cmocka_unit_test(test_rule5_space_maps),
        cmocka_unit_test(test_rule6_physical),
        cmocka_unit_test(test_rule7_cycles),
        cmocka_unit_test(test_gpikv001),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
