/*
 * The processing split (MODEL.md §2) on a hand-made dump that needs both
 * steps, and on the real CellulOS dump, which needs none.
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

/* PD_5 has two own VCPUs (a, b) and two own ADSes (x, y); the root also
 * holds some of them, which does not make them any less PD_5's own.  PD_6
 * shares VCPU_c with PD_5, so VCPU_c is nobody's own. */
static const char dump[] =
    "NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n"
    "PD,PD_0,ROOT_TASK,,,,\n"
    "PD,PD_5,worker,,,,\n"
    "PD,PD_6,other,,,,\n"
    "RESOURCE_SPACE,VCPU_S,VCPU,,,,\n"
    "RESOURCE,VCPU_a,VCPU,,,,\n"
    "RESOURCE,VCPU_b,VCPU,,,,\n"
    "RESOURCE,VCPU_c,VCPU,,,,\n"
    "RESOURCE_SPACE,ADS_x,ADS,,,,\n"
    "RESOURCE_SPACE,ADS_y,ADS,,,,\n"
    "RESOURCE,VMR_x1,VMR,,,,0x1000_CODE_1_12\n"
    "RESOURCE,VMR_y1,VMR,,,,0x1000_CODE_1_12\n"
    "RESOURCE_SPACE,FILE_S,FILE,,,,\n"
    "RESOURCE,FILE_1,FILE,,,,\n"
    ",,NONE,HOLD,PD_0,VCPU_S,\n"
    ",,NONE,SUBSET,VCPU_a,VCPU_S,\n,,NONE,SUBSET,VCPU_b,VCPU_S,\n,,NONE,SUBSET,VCPU_c,VCPU_S,\n"
    ",,NONE,HOLD,PD_5,VCPU_b,\n,,NONE,HOLD,PD_5,VCPU_a,\n,,NONE,HOLD,PD_0,VCPU_a,\n"
    ",,NONE,HOLD,PD_5,VCPU_c,\n,,NONE,HOLD,PD_6,VCPU_c,\n"
    ",,NONE,HOLD,PD_5,ADS_x,\n,,NONE,HOLD,PD_5,ADS_y,\n,,NONE,HOLD,PD_0,ADS_x,\n"
    ",,NONE,SUBSET,VMR_x1,ADS_x,\n,,NONE,SUBSET,VMR_y1,ADS_y,\n"
    ",,RX,HOLD,PD_5,VMR_x1,\n,,RX,HOLD,PD_5,VMR_y1,\n"
    ",,NONE,HOLD,PD_5,FILE_S,\n,,NONE,SUBSET,FILE_1,FILE_S,\n"
    ",,RW,HOLD,PD_5,FILE_1,\n,,R,HOLD,PD_6,FILE_1,\n"
    ",,FILE,REQUEST,PD_6,PD_5,\n";

static osm_store *read_dump(const char *text)
{
    osm_store *s = osm_store_new();
    osm_diags d;
    osm_diags_init(&d, 0);
    assert_int_equal(osm_csv_read_buffer(s, text, strlen(text), "dump", NULL, &d, NULL), 0);
    assert_int_equal(d.n, 0);
    osm_diags_free(&d);
    return s;
}

static bool has(const osm_store *s, osm_edge_kind k, const char *a, const char *b)
{
    osm_id x = osm_store_find(s, a), y = osm_store_find(s, b);
    assert_int_not_equal(x, OSM_NONE);
    assert_int_not_equal(y, OSM_NONE);
    return osm_store_find_edge(s, k, x, y, OSM_NONE) != OSM_NONE;
}

static void test_split_vcpu_then_ads(void **st)
{
    (void)st;
    osm_store *s = read_dump(dump);
    assert_int_equal(osm_cellulos_add_control(s), 2);
    osm_process_stats ps;
    osm_store *p = osm_process(s, &ps);
    assert_non_null(p);
    assert_int_equal(ps.split_vcpu, 1);
    assert_int_equal(ps.split_ads, 2);
    assert_int_equal(ps.pds_added, 3);
    assert_int_equal(osm_store_node_count_kind(p, OSM_PD), 6);
    assert_int_equal(osm_store_find(p, "PD_5"), OSM_NONE);
    const char *copies[] = { "PD_5.0.0", "PD_5.0.1", "PD_5.1.0", "PD_5.1.1" };
    const char *vcpu[] = { "VCPU_a", "VCPU_a", "VCPU_b", "VCPU_b" };
    const char *other_vcpu[] = { "VCPU_b", "VCPU_b", "VCPU_a", "VCPU_a" };
    const char *ads[] = { "ADS_x", "ADS_y", "ADS_x", "ADS_y" };
    const char *other_ads[] = { "ADS_y", "ADS_x", "ADS_y", "ADS_x" };
    const char *vmr[] = { "VMR_x1", "VMR_y1", "VMR_x1", "VMR_y1" };
    const char *other_vmr[] = { "VMR_y1", "VMR_x1", "VMR_y1", "VMR_x1" };
    for (int i = 0; i < 4; i++) {
        assert_string_equal(osm_node_data_name(p, osm_store_find(p, copies[i])), "worker");
        assert_true(has(p, OSM_HOLD, copies[i], vcpu[i]));
        assert_false(has(p, OSM_HOLD, copies[i], other_vcpu[i]));
        assert_true(has(p, OSM_HOLD, copies[i], ads[i]));
        assert_false(has(p, OSM_HOLD, copies[i], other_ads[i]));
        assert_true(has(p, OSM_HOLD, copies[i], vmr[i]));
        assert_false(has(p, OSM_HOLD, copies[i], other_vmr[i]));
        /* Not own: kept by every copy. */
        assert_true(has(p, OSM_HOLD, copies[i], "VCPU_c"));
        assert_true(has(p, OSM_HOLD, copies[i], "FILE_1"));
        /* Edges into the split PD go to every copy. */
        assert_true(has(p, OSM_REQUEST, "PD_6", copies[i]));
        assert_true(has(p, OSM_HOLD, "PD_0", copies[i]));
    }
    /* PD_6 and the root are kept as they were. */
    assert_true(has(p, OSM_HOLD, "PD_6", "VCPU_c"));
    assert_true(has(p, OSM_HOLD, "PD_0", "VCPU_a"));
    osm_store_free(p);
    osm_store_free(s);
}

/* Only one step needed: two own VCPUs, one ADS -> PD_5.0 and PD_5.1. */
static void test_split_vcpu_only(void **st)
{
    (void)st;
    static const char d2[] =
        "PD,PD_0,ROOT_TASK,,,,\nPD,PD_5,w,,,,\nRESOURCE_SPACE,VS,VCPU,,,,\n"
        "RESOURCE,V1,VCPU,,,,\nRESOURCE,V2,VCPU,,,,\n"
        ",,NONE,HOLD,PD_0,VS,\n,,NONE,SUBSET,V1,VS,\n,,NONE,SUBSET,V2,VS,\n"
        ",,NONE,HOLD,PD_5,V1,\n,,NONE,HOLD,PD_5,V2,\n";
    osm_store *s = read_dump(d2);
    osm_process_stats ps;
    osm_store *p = osm_process(s, &ps);
    assert_int_equal(ps.pds_added, 1);
    assert_true(has(p, OSM_HOLD, "PD_5.0", "V1"));
    assert_false(has(p, OSM_HOLD, "PD_5.0", "V2"));
    assert_true(has(p, OSM_HOLD, "PD_5.1", "V2"));
    assert_false(has(p, OSM_HOLD, "PD_5.1", "V1"));
    osm_store_free(p);
    osm_store_free(s);
}

/* GPIKV001: no PD has two VCPUs or ADSes of its own; processing changes
 * nothing, byte for byte. */
static void test_gpikv001_unchanged(void **st)
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
    osm_diags_free(&d);
    osm_process_stats ps;
    osm_store *p = osm_process(s, &ps);
    assert_int_equal(ps.pds_added, 0);
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
    osm_csv_write(s, fa);
    osm_csv_write(p, fb);
    fclose(fa);
    fclose(fb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    osm_store_free(p);
    osm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_vcpu_then_ads),
        cmocka_unit_test(test_split_vcpu_only),
        cmocka_unit_test(test_gpikv001_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
