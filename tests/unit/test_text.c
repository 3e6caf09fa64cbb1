/* Unit tests of the UTF-8 checks and the \xNN escapes exports use
 * (src/format/text.c, docs/format.md): every kind of invalid sequence is
 * caught, valid text passes unchanged, and the escapes undo losslessly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format/text.h"

static size_t seq(const char *s)
{
    return osm_utf8_seq((const unsigned char *)s, strlen(s));
}

static void test_utf8_seq(void **state)
{
    (void)state;
    assert_int_equal(seq("a"), 1);
    assert_int_equal(seq("\xc3\xa9"), 2);               /* é */
    assert_int_equal(seq("\xe2\x82\xac"), 3);           /* € */
    assert_int_equal(seq("\xf0\x9f\x98\x80"), 4);       /* U+1F600 */
    assert_int_equal(seq("\xf4\x8f\xbf\xbf"), 4);       /* U+10FFFF */
    assert_int_equal(seq("\x80"), 0);                   /* stray continuation */
    assert_int_equal(seq("\xc0\xaf"), 0);               /* overlong '/' */
    assert_int_equal(seq("\xe0\x80\xaf"), 0);           /* overlong, 3 bytes */
    assert_int_equal(seq("\xf0\x80\x80\xaf"), 0);       /* overlong, 4 bytes */
    assert_int_equal(seq("\xed\xa0\x80"), 0);           /* surrogate U+D800 */
    assert_int_equal(seq("\xf4\x90\x80\x80"), 0);       /* U+110000 */
    assert_int_equal(seq("\xf5\x80\x80\x80"), 0);
    assert_int_equal(seq("\xe2\x82"), 0);               /* cut short */
    assert_int_equal(seq("\xe9t"), 0);                  /* Latin-1 é */
    assert_int_equal(osm_utf8_invalid_at("caf\xc3\xa9 ok", 8), 8);
    assert_int_equal(osm_utf8_invalid_at("caf\xe9!", 5), 3);
}

/* Undo the escapes: every \xNN back to byte NN. */
static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    assert_non_null(out);
    while (*s) {
        unsigned v;
        if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1 && s[2] && s[3]) {
            *o++ = (char)v;
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

static void test_escape_lossless(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "plain", "caf\xc3\xa9", "caf\xe9", "\xff\xfe", "a\\x41b", "C:\\dir\\x", "\\x4",
        "\\\\xff", "\xe2\x82", "\xed\xa0\x80", "mixed \xc3\xa9\xe9\\xe9 end", "",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = osm_text_dup(cases[i]);
        assert_non_null(t);
        /* the result is valid UTF-8 and undoes to the original */
        assert_int_equal(osm_utf8_invalid_at(t, strlen(t)), strlen(t));
        char *back = unescape(t);
        assert_string_equal(back, cases[i]);
        free(back);
        free(t);
    }
    char *t = osm_text_dup("caf\xe9 \\x41 \xc3\xa9");
    assert_string_equal(t, "caf\\xe9 \\x5cx41 \xc3\xa9");
    free(t);
    t = osm_text_dup("C:\\dir");                        /* other backslashes stay */
    assert_string_equal(t, "C:\\dir");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_seq),
        cmocka_unit_test(test_escape_lossless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
