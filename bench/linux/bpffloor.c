/*
 * The BPF floor for the Linux extractor benchmark (bench/linux/run.sh):
 * what `osmosis extract linux --source bpf` does in the kernel, and
 * nothing else -- run the two iterators (every task's files, every task's
 * VMAs) once and discard their bytes: no decoding, no /proc, no model, no
 * output.  Like osmosis it opens the pinned iterators in OSMOSIS_BPF_PIN
 * (the same names: the BPF object's hash; see linux_bpf.c) and loads the
 * programs itself when they are not pinned (the load is then part of the
 * time, as it is for osmosis).
 *
 *   bpffloor        prints the bytes read; exit 2 when built without BPF
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx_iter_gen.h"

#if OSM_LX_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static char buf[1 << 16];

/* Read the iterator behind link fd lfd to its end; bytes read, -1 on error. */
static long drain(int lfd)
{
    int fd = bpf_iter_create(lfd);
    if (fd < 0)
        return -1;
    long tot = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        tot += n > 0 ? n : 0;
    close(fd);
    return n < 0 ? -1 : tot;
}

/* The pin path of one iterator, as linux_bpf.c names it; false if none. */
static bool pin_path(const char *what, char *out, size_t sz)
{
    const char *dir = getenv("OSMOSIS_BPF_PIN");
    if (!dir || !*dir)
        return false;
    size_t n;
    const unsigned char *p = lx_iter__elf_bytes(&n);
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    snprintf(out, sz, "%s/osmosis_%016llx_%s", dir, (unsigned long long)h, what);
    return true;
}

int main(void)
{
    char pf[512], pv[512];
    long a = -1, b = -1;
    int lf = pin_path("files", pf, sizeof pf) ? bpf_obj_get(pf) : -1;
    int lv = pin_path("vmas", pv, sizeof pv) ? bpf_obj_get(pv) : -1;
    if (lf >= 0 && lv >= 0) {
        a = drain(lf);
        b = drain(lv);
    } else {
        struct lx_iter *sk = lx_iter__open_and_load();
        struct bpf_link *kf = sk ? bpf_program__attach_iter(sk->progs.lx_files, NULL) : NULL;
        struct bpf_link *kv = sk ? bpf_program__attach_iter(sk->progs.lx_vmas, NULL) : NULL;
        if (kf && kv) {
            a = drain(bpf_link__fd(kf));
            b = drain(bpf_link__fd(kv));
        }
        bpf_link__destroy(kv);
        bpf_link__destroy(kf);
        lx_iter__destroy(sk);
    }
    if (a < 0 || b < 0) {
        fprintf(stderr, "bpffloor: cannot run the iterators: %s\n", strerror(errno));
        return 1;
    }
    printf("%ld bytes of files, %ld bytes of VMAs\n", a, b);
    return 0;
}

#else

/* Built without BPF support (scripts/gen-bpf.sh says why). */
int main(void)
{
    fprintf(stderr, "bpffloor: built without BPF support (%s)\n", OSM_LX_BPF_WHY);
    return 2;
}

#endif
