/* A minimal streaming JSON emitter (see format.h for why not a library). */
#include <inttypes.h>
#include <math.h>

#include <osmosis/osmosis.h>

#include "text.h"

void osm_json_init(osm_json *j, FILE *f, bool pretty)
{
    *j = (osm_json){ .f = f, .pretty = pretty };
}

static void indent(osm_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Before a key, or a value that is not a key's: comma and indentation. */
static void before_item(osm_json *j)
{
    if (j->depth == 0)
        return;
    if (j->need_comma[j->depth])
        fputc(',', j->f);
    indent(j);
}

static void pre(osm_json *j)
{
    if (j->after_key[j->depth])
        j->after_key[j->depth] = false;
    else
        before_item(j);
}

static void post(osm_json *j)
{
    if (j->depth > 0)
        j->need_comma[j->depth] = true;
}

static void open_(osm_json *j, char c)
{
    pre(j);
    fputc(c, j->f);
    if (j->depth < 63)
        j->depth++;
    j->need_comma[j->depth] = false;
    j->after_key[j->depth] = false;
}

static void close_(osm_json *j, char c)
{
    bool had = j->need_comma[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had)
        indent(j);
    fputc(c, j->f);
    post(j);
}

void osm_json_begin_object(osm_json *j) { open_(j, '{'); }
void osm_json_end_object(osm_json *j) { close_(j, '}'); }
void osm_json_begin_array(osm_json *j) { open_(j, '['); }
void osm_json_end_array(osm_json *j) { close_(j, ']'); }

void osm_json_write_escaped(FILE *f, const char *s)
{
    fputc('"', f);
    char esc[5];
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t k = osm_text_step((const char *)p, esc);
        if (esc[0]) {                   /* not UTF-8: "\\xNN" (text.h) */
            fprintf(f, "\\\\%s", esc + 1);
            continue;
        }
        if (k > 1) {                    /* a valid multi-byte character */
            fwrite(p, 1, k, f);
            p += k - 1;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void osm_json_key(osm_json *j, const char *key)
{
    before_item(j);
    osm_json_write_escaped(j->f, key);
    fputs(j->pretty ? ": " : ":", j->f);
    j->need_comma[j->depth] = true;
    j->after_key[j->depth] = true;
}

void osm_json_string(osm_json *j, const char *s)
{
    pre(j);
    osm_json_write_escaped(j->f, s);
    post(j);
}

void osm_json_int(osm_json *j, int64_t v)
{
    pre(j);
    fprintf(j->f, "%" PRId64, v);
    post(j);
}

void osm_json_uint(osm_json *j, uint64_t v)
{
    pre(j);
    fprintf(j->f, "%" PRIu64, v);
    post(j);
}

void osm_json_double(osm_json *j, double v)
{
    pre(j);
    if (isfinite(v))
        fprintf(j->f, "%.6g", v);
    else
        fputs("null", j->f);
    post(j);
}

void osm_json_bool(osm_json *j, bool v)
{
    pre(j);
    fputs(v ? "true" : "false", j->f);
    post(j);
}

void osm_json_null(osm_json *j)
{
    pre(j);
    fputs("null", j->f);
    post(j);
}

void osm_json_finish(osm_json *j)
{
    fputc('\n', j->f);
}
