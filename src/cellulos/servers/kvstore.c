/*
 * The key-value store server (cel-kvstore): the SQLite store of kv.h in a
 * PD of its own, answering get/put/delete on sessions.  Its database lives
 * on an FS server, in the namespace named by its argument.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../scenarios/kv/kv.h"

static void kvs_request(void *ctx, cel_session *s, cel_rpc *m)
{
    cel_kv *kv = ctx;
    size_t klen = m->a[0], vlen = m->a[1];
    int rc;
    if (klen > s->bytes || vlen > s->bytes - klen) {
        m->status = -EINVAL;
        return;
    }
    switch (m->op) {
    case CEL_KV_PUT:
        rc = cel_kv_put(kv, s->buf, klen, s->buf + klen, vlen);
        break;
    case CEL_KV_GET: {
        static unsigned char key[CEL_KV_MAX];
        size_t n = 0;
        if (klen > sizeof key) {
            rc = -EINVAL;
            break;
        }
        memcpy(key, s->buf, klen);  /* the value overwrites the buffer */
        rc = cel_kv_get(kv, key, klen, s->buf, s->bytes, &n);
        m->a[0] = n;
        break;
    }
    case CEL_KV_DEL:
        rc = cel_kv_del(kv, s->buf, klen);
        break;
    case CEL_KV_BEGIN:
        rc = cel_kv_begin(kv);
        break;
    case CEL_KV_COMMIT:
        rc = cel_kv_commit(kv);
        break;
    default:
        rc = -ENOSYS;
    }
    m->status = rc;
}

static int kvs_open(void *ctx, cel_session *s)
{
    (void)ctx, (void)s;
    return 0;
}

static void kvs_close(void *ctx, cel_session *s)
{
    (void)ctx, (void)s;
}

int cel_kvstore_main(int argc, char **argv)
{
    const cel_self *self = cel_self_info();
    if (self->n_pass < 2) {
        fprintf(stderr, "cel-kvstore: pass the FS server's door, then this server's door\n");
        return 2;
    }
    static cel_fs fs;
    cel_kv *kv = NULL;
    int rc = cel_fs_mount(self->pass[0], argc > 1 ? argv[1] : "default", &fs);
    rc = rc ? rc : cel_kv_open(&fs, "kv.db", &kv);
    static const cel_server_ops ops = { 17, kvs_open, kvs_request, kvs_close };
    rc = rc ? rc : cel_serve(self->pass[1], &ops, kv, NULL);
    if (rc)
        fprintf(stderr, "cel-kvstore: %s\n", strerror(-rc));
    cel_kv_close(kv);
    return rc ? 1 : 0;
}
