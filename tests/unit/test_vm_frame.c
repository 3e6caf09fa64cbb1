/* Unit tests of the guest-state frame (src/extract/vm/vm_frame.c) and the
 * initramfs cpio writer (vm_cpio.c): a frame round-trips; every truncation
 * and every single-byte change of a frame is rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "extract/vm/vm.h"

static const char payload[] = "NODE_TYPE,NODE_ID,DATA,EDGE_TYPE,EDGE_FROM,EDGE_TO,EXTRA\n"
                              "PD,PD_kernel,kernel,,,,\n";

/* The framed payload, with console noise around it. */
static char *framed(size_t *len)
{
    char *buf;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    fputs("[    1.0] some kernel line\r\n", f);
    assert_int_equal(osm_vm_frame_write(f, payload, sizeof payload - 1), 0);
    fputs("login: ", f);
    fclose(f);
    return buf;
}

static void test_roundtrip(void **state)
{
    (void)state;
    size_t len, n;
    char *buf = framed(&len), why[256];
    const char *p;
    assert_int_equal(osm_vm_frame_find(buf, len, &p, &n, why, sizeof why), OSM_VM_FRAME_OK);
    assert_int_equal(n, sizeof payload - 1);
    assert_memory_equal(p, payload, n);
    free(buf);
}

static void test_every_truncation_rejected(void **state)
{
    (void)state;
    size_t len, n;
    char *buf = framed(&len), why[256];
    const char *p;
    const char *end = strstr(buf, OSM_VM_END);
    size_t complete = (size_t)(end - buf) + strlen(OSM_VM_END) + 1;
    for (size_t cut = 0; cut < complete; cut++)
        assert_int_not_equal(osm_vm_frame_find(buf, cut, &p, &n, why, sizeof why),
                             OSM_VM_FRAME_OK);
    free(buf);
}

static void test_every_byte_change_rejected(void **state)
{
    (void)state;
    size_t len, n;
    char *buf = framed(&len), why[256];
    const char *p;
    const char *begin = strstr(buf, OSM_VM_BEGIN), *end = strstr(buf, OSM_VM_END);
    size_t from = (size_t)(begin - buf), to = (size_t)(end - buf) + strlen(OSM_VM_END);
    for (size_t i = from; i < to; i++) {
        buf[i] ^= 0x01;
        assert_int_not_equal(osm_vm_frame_find(buf, len, &p, &n, why, sizeof why),
                             OSM_VM_FRAME_OK);
        buf[i] ^= 0x01;
    }
    free(buf);
}

static void test_reasons(void **state)
{
    (void)state;
    char why[256];
    const char *p;
    size_t n;
    assert_int_equal(osm_vm_frame_find("hello\n", 6, &p, &n, why, sizeof why),
                     OSM_VM_FRAME_INCOMPLETE);
    assert_non_null(strstr(why, "no guest state"));
    static const char failed[] = "x\n" OSM_VM_FAILED " extract failed\n";
    assert_int_equal(osm_vm_frame_find(failed, sizeof failed - 1, &p, &n, why, sizeof why),
                     OSM_VM_FRAME_BAD);
    assert_non_null(strstr(why, "extract failed"));
    static const char hdr[] = OSM_VM_BEGIN " v1 bytes=zz crc32=0\n";
    assert_int_equal(osm_vm_frame_find(hdr, sizeof hdr - 1, &p, &n, why, sizeof why),
                     OSM_VM_FRAME_BAD);
    assert_non_null(strstr(why, "garbled"));
    static const char big[] = OSM_VM_BEGIN " v1 bytes=100 crc32=0\nabc";
    assert_int_equal(osm_vm_frame_find(big, sizeof big - 1, &p, &n, why, sizeof why),
                     OSM_VM_FRAME_INCOMPLETE);
    assert_non_null(strstr(why, "announces 100 bytes, only 3"));
}

static void test_crc32_known_value(void **state)
{
    (void)state;
    assert_int_equal(osm_vm_crc32("123456789", 9), 0xcbf43926u);   /* the CRC-32 check value */
}

static void test_cpio_layout(void **state)
{
    (void)state;
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    osm_cpio c;
    osm_cpio_begin(&c, f);
    osm_cpio_dir(&c, "bin");
    osm_cpio_data(&c, "init", 0755, "#!/bin/sh\n", 10);
    assert_int_equal(osm_cpio_end(&c), 0);
    fclose(f);
    assert_int_equal(len % 4, 0);
    assert_memory_equal(buf, "070701", 6);
    /* second entry starts at a 4-byte boundary after 110 + "bin\0" */
    size_t second = (110 + 4 + 3) & ~(size_t)3;
    assert_memory_equal(buf + second, "070701", 6);
    assert_memory_equal(buf + second + 110, "init", 5);
    char mode[9];
    memcpy(mode, buf + second + 14, 8);
    mode[8] = 0;
    assert_int_equal(strtoul(mode, NULL, 16), 0100755);
    assert_non_null(memmem(buf, len, "TRAILER!!!", 10));
    assert_non_null(memmem(buf, len, "#!/bin/sh\n", 10));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_every_truncation_rejected),
        cmocka_unit_test(test_every_byte_change_rejected),
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_crc32_known_value),
        cmocka_unit_test(test_cpio_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
