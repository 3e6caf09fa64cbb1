/*
 * SDF XML layer: expat events -> an element tree (sdf_elem) with the
 * line:column of every opening '<', plus the arena everything lives in.
 *
 * The tree is kept because the Microkit tool's checks are not in document
 * order (channels are read after every PD), and an SDF is small.  Hostile
 * input is bounded: document size, nesting depth and element count are
 * capped, and entity declarations are refused outright (no SDF needs them,
 * and they are the door to entity-expansion attacks).
 */
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdf_parse_internal.h"

/* ---- arena ----------------------------------------------------------- */

typedef struct sdf_chunk {
    struct sdf_chunk *next;
    size_t used, cap;
    max_align_t data[];
} sdf_chunk;

struct sdf_arena { sdf_chunk *head; };

sdf_arena *sdf_arena_new(void)
{
    return calloc(1, sizeof(sdf_arena));
}

void sdf_arena_free(sdf_arena *a)
{
    if (!a)
        return;
    for (sdf_chunk *k = a->head, *next; k; k = next) {
        next = k->next;
        free(k);
    }
    free(a);
}

void *sdf_arena_alloc(sdf_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    sdf_chunk *k = a->head;
    if (!k || k->cap - k->used < size) {
        size_t cap = size > 60000 ? size : 60000;
        k = malloc(sizeof(*k) + cap);
        if (!k)
            return NULL;
        k->used = 0;
        k->cap = cap;
        k->next = a->head;
        a->head = k;
    }
    void *p = (char *)k->data + k->used;
    k->used += size;
    return memset(p, 0, size);
}

char *sdf_arena_strdup(sdf_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sdf_arena_alloc(a, n);
    return p ? memcpy(p, s, n) : NULL;
}

/* ---- tree builder ------------------------------------------------------ */

typedef struct xml_state {
    XML_Parser p;
    sdf_arena *a;
    const char *file;
    sdf_elem *root;
    sdf_elem *stack[SDF_MAX_DEPTH];
    unsigned depth;
    size_t n_elems;
    char *err;
    /* a text run directly under the root */
    bool in_text, text_blank;
    sdf_loc text_loc;
} xml_state;

static sdf_loc xml_loc(XML_Parser p)
{
    return (sdf_loc){ (uint32_t)XML_GetCurrentLineNumber(p),
                      (uint32_t)XML_GetCurrentColumnNumber(p) + 1 };
}

static void xml_stop(xml_state *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xml_stop(xml_state *x, const char *fmt, ...)
{
    if (x->err)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    sdf_loc l = xml_loc(x->p);
    char full[700];
    snprintf(full, sizeof(full), "Could not parse '%s': %s at %s:%u:%u", x->file, buf,
             x->file, l.line, l.col);
    x->err = sdf_arena_strdup(x->a, full);
    if (!x->err)
        x->err = "Error: out of memory";
    XML_StopParser(x->p, XML_FALSE);
}

static void xml_append(sdf_elem *parent, sdf_elem *child)
{
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

/* Close a text run under the root: keep it only if it is not blank. */
static void xml_end_text(xml_state *x)
{
    if (!x->in_text)
        return;
    x->in_text = false;
    if (x->text_blank)
        return;
    sdf_elem *t = sdf_arena_alloc(x->a, sizeof(*t));
    if (!t) {
        xml_stop(x, "out of memory");
        return;
    }
    t->loc = x->text_loc;
    xml_append(x->root, t);
}

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xml_state *x = ud;
    xml_end_text(x);
    if (x->depth >= SDF_MAX_DEPTH) {
        xml_stop(x, "elements nested deeper than %u levels", SDF_MAX_DEPTH);
        return;
    }
    if (++x->n_elems > SDF_MAX_ELEMS) {
        xml_stop(x, "more than %u elements", SDF_MAX_ELEMS);
        return;
    }
    const char *colon = strrchr(name, ':');
    size_t n = 0;
    while (atts[2 * n])
        n++;
    sdf_elem *e = sdf_arena_alloc(x->a, sizeof(*e));
    sdf_xattr *at = n ? sdf_arena_alloc(x->a, n * sizeof(*at)) : NULL;
    if (!e || (n && !at)) {
        xml_stop(x, "out of memory");
        return;
    }
    e->name = sdf_arena_strdup(x->a, colon ? colon + 1 : name);
    e->loc = xml_loc(x->p);
    for (size_t i = 0; i < n; i++) {
        at[i].name = sdf_arena_strdup(x->a, atts[2 * i]);
        at[i].value = sdf_arena_strdup(x->a, atts[2 * i + 1]);
        if (!at[i].name || !at[i].value) {
            xml_stop(x, "out of memory");
            return;
        }
    }
    if (!e->name) {
        xml_stop(x, "out of memory");
        return;
    }
    e->attrs = at;
    e->n_attrs = n;
    if (x->depth)
        xml_append(x->stack[x->depth - 1], e);
    else
        x->root = e;
    x->stack[x->depth++] = e;
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
    (void)name;
    xml_state *x = ud;
    xml_end_text(x);
    x->depth--;
}

static void XMLCALL xml_text(void *ud, const XML_Char *s, int len)
{
    xml_state *x = ud;
    if (x->depth != 1)
        return;     /* the tool only looks at text directly under <system> */
    if (!x->in_text) {
        x->in_text = true;
        x->text_blank = true;
        x->text_loc = xml_loc(x->p);
    }
    for (int i = 0; i < len && x->text_blank; i++)
        if (!strchr(" \t\r\n", s[i]))
            x->text_blank = false;
}

static void XMLCALL xml_comment(void *ud, const XML_Char *s)
{
    (void)s;
    xml_end_text(ud);   /* a comment splits text runs, as in the tool */
}

static void XMLCALL xml_entity(void *ud, const XML_Char *name, int is_param,
                               const XML_Char *value, int value_len, const XML_Char *base,
                               const XML_Char *system_id, const XML_Char *public_id,
                               const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base;
    (void)system_id, (void)public_id, (void)notation;
    xml_stop(ud, "entity declarations are not supported");
}

sdf_elem *sdf_xml_tree(sdf_arena *a, const char *buf, size_t len, const char *file,
                       char **err)
{
    xml_state x = { .a = a, .file = file };
    x.p = XML_ParserCreate("UTF-8");
    if (!x.p) {
        *err = "Error: out of memory";
        return NULL;
    }
    XML_SetUserData(x.p, &x);
    XML_SetElementHandler(x.p, xml_start, xml_end);
    XML_SetCharacterDataHandler(x.p, xml_text);
    XML_SetCommentHandler(x.p, xml_comment);
    XML_SetEntityDeclHandler(x.p, xml_entity);
    if (len > SDF_MAX_INPUT) {
        char msg[200];
        snprintf(msg, sizeof(msg), "Could not parse '%s': %zu bytes exceed the limit of %u",
                 file, len, SDF_MAX_INPUT);
        *err = sdf_arena_strdup(a, msg);
        XML_ParserFree(x.p);
        return NULL;
    }
    if (XML_Parse(x.p, buf, (int)len, XML_TRUE) != XML_STATUS_OK && !x.err)
        xml_stop(&x, "%s", XML_ErrorString(XML_GetErrorCode(x.p)));
    XML_ParserFree(x.p);
    if (!x.err && !x.root)
        x.err = "Error: empty document";
    *err = x.err;
    return x.err ? NULL : x.root;
}
