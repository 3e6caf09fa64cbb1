/*
 * `cellulos compare --mechanisms`: the rows that put the whole pair in one
 * box made by a standard tool -- a bubblewrap sandbox, a podman container
 * (a local image: no registry is reachable), a QEMU guest -- and extract
 * the whole machine while it runs.  docs/compare.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mech.h"
#include "../../cellulos/platform/platform.h"

#define PODMAN_IMAGE "localhost/cellulos-kv:latest"

/* The first program of that name on PATH-like standard places, or NULL. */
static const char *find_tool(const char *name, char buf[PATH_MAX])
{
    static const char *const dirs[] = { "/usr/bin", "/usr/sbin", "/bin", "/sbin",
                                        "/usr/local/bin" };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(buf, PATH_MAX, "%s/%s", dirs[i], name);
        if (access(buf, X_OK) == 0)
            return buf;
    }
    return NULL;
}

/* The last non-empty line of a file (a tool's own explanation), into why. */
static void last_line(const char *path, const char *prefix, char *why, size_t len)
{
    FILE *f = fopen(path, "r");
    char line[512], last[512] = "(no message)";
    while (f && fgets(line, sizeof line, f))
        if (line[strspn(line, " \t\r\n")])
            snprintf(last, sizeof last, "%.*s", (int)strcspn(line, "\r\n"), line);
    if (f)
        fclose(f);
    snprintf(why, len, "%s%s", prefix, last);
}

/* Run a started box: wait for the pair, find its host PIDs under root (the
 * box's first process), extract, end it.  0 or -1 with why. */
static int box_finish(pid_t pid, pid_t root, int to, int from, const char *path,
                      cel_mech_out *out)
{
    int c, s;
    int rc = cel_mech_ready(from, &c, &s, out->why, sizeof out->why);
    pid_t hc = 0, hs = 0;
    if (!rc) {
        hc = cel_mech_find_desc(root, "kvclient");
        hs = cel_mech_find_desc(root, "kvstore");
        if (!hc || !hs) {
            snprintf(out->why, sizeof out->why, "no kvclient/kvstore process under PID %d",
                     (int)root);
            rc = -1;
        }
    }
    snprintf(out->client, sizeof out->client, "PD_%d", (int)hc);
    snprintf(out->store, sizeof out->store, "PD_%d", (int)hs);
    if (!rc)
        rc = cel_mech_extract(path, false, out->why, sizeof out->why);
    close(to);
    close(from);
    if (cel_mech_wait(pid) != 0 && !rc) {
        snprintf(out->why, sizeof out->why, "the box exited with an error");
        rc = -1;
    }
    return rc;
}

/* Start argv with pipes on its stdin and stdout and stderr into errpath. */
static pid_t start_piped(char *const argv[], int *to, int *from, const char *errpath)
{
    int pi[2], po[2];
    if (pipe2(pi, O_CLOEXEC))
        return -1;
    if (pipe2(po, O_CLOEXEC)) {
        close(pi[0]), close(pi[1]);
        return -1;
    }
    int saved = dup(STDERR_FILENO), ef = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    if (ef >= 0)
        dup2(ef, STDERR_FILENO);
    pid_t pid = cel_mech_spawn(argv, pi[0], po[1]);
    if (ef >= 0) {
        dup2(saved, STDERR_FILENO);
        close(ef);
    }
    close(saved);
    close(pi[0]), close(po[1]);
    *to = pi[1], *from = po[0];
    return pid;
}

/* The pair in one bubblewrap sandbox: its own pid, net, ipc, uts, cgroup
 * and mount namespaces, a read-only root; kv-linux drops to nobody. */
static int run_bwrap(unsigned n, const char *path, cel_mech_out *out)
{
    char bw[PATH_MAX], prog[PATH_MAX], dir[64], num[16];
    if (!find_tool("bwrap", bw)) {
        snprintf(out->why, sizeof out->why, "bwrap is not installed (Debian package bubblewrap)");
        return 1;
    }
    if (cel_mech_tmpdir(dir))
        return -1;
    cel_plat_sibling("kv-linux", prog, sizeof prog);
    snprintf(num, sizeof num, "%u", n);
    /* The program's own directory is bound back over the private /tmp: a
     * checkout (or CI's clone) may live under /tmp. */
    char bindir[PATH_MAX];
    snprintf(bindir, sizeof bindir, "%s", prog);
    char *slash = strrchr(bindir, '/');
    if (slash && slash != bindir)
        *slash = '\0';
    char *argv[] = { bw, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                     "--unshare-cgroup-try", "--die-with-parent", "--ro-bind", "/", "/",
                     "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--bind", dir, dir,
                     "--ro-bind", bindir, bindir, prog, num, dir, NULL };
    int to, from;
    pid_t pid = start_piped(argv, &to, &from, NULL);
    int rc = pid > 0 ? box_finish(pid, pid, to, from, path, out) : -1;
    cel_mech_tmpdir_remove(dir);
    snprintf(out->note, sizeof out->note, "bwrap --unshare-{ipc,pid,net,uts,cgroup} --ro-bind / /");
    return rc;
}

/* Build the local image (a tarball holding kv-linux-static, `podman
 * import`) unless it exists; 0 or -1 with why. */
static int podman_image(const char *podman, char *why, size_t len)
{
    char *exists[] = { (char *)podman, "image", "exists", PODMAN_IMAGE, NULL };
    if (cel_mech_wait(cel_mech_spawn(exists, -1, -1)) == 0)
        return 0;
    char bin[PATH_MAX], cmd[3 * PATH_MAX];
    cel_plat_sibling("", bin, sizeof bin);
    snprintf(cmd, sizeof cmd, "tar -C '%s' -cf - kv-linux-static | '%s' import - %s >/dev/null 2>&1",
             bin, podman, PODMAN_IMAGE);
    char *sh[] = { "/bin/sh", "-c", cmd, NULL };
    if (cel_mech_wait(cel_mech_spawn(sh, -1, -1)) != 0) {
        snprintf(why, len, "podman import of a local image failed");
        return -1;
    }
    return 0;
}

/* The host PID of container `name` (podman inspect); 0 when unknown. */
static pid_t podman_pid(const char *podman, const char *name)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC))
        return 0;
    char *argv[] = { (char *)podman, "inspect", "--format", "{{.State.Pid}}", (char *)name, NULL };
    pid_t pid = cel_mech_spawn(argv, -1, p[1]);
    close(p[1]);
    char buf[32] = "";
    ssize_t k = read(p[0], buf, sizeof buf - 1);
    buf[k > 0 ? k : 0] = '\0';
    close(p[0]);
    cel_mech_wait(pid);
    return (pid_t)atoi(buf);
}

/* The pair in one podman container (no network); the default OCI runtime
 * first, then runc, saying why the first could not. */
static int run_podman(unsigned n, const char *path, cel_mech_out *out)
{
    char podman[PATH_MAX], runc[PATH_MAX], bin[PATH_MAX], vol[PATH_MAX + 32], num[16];
    char name[64], err[64], first[260] = "";
    if (!find_tool("podman", podman)) {
        snprintf(out->why, sizeof out->why, "podman is not installed (Debian package podman)");
        return 1;
    }
    if (podman_image(podman, out->why, sizeof out->why))
        return 1;
    cel_plat_sibling("kv-linux-static", bin, sizeof bin);
    snprintf(vol, sizeof vol, "%s:/kv-linux-static:ro", bin);   /* this build's binary */
    snprintf(num, sizeof num, "%u", n);
    snprintf(name, sizeof name, "cellulos-kv-%d", (int)getpid());
    snprintf(err, sizeof err, "/tmp/cellulos-podman-%d.err", (int)getpid());
    const char *runtimes[2] = { NULL, find_tool("runc", runc) };
    for (int r = 0; r < 2; r++) {
        if (r == 1 && !runtimes[1])
            break;
        char *argv[32];
        int k = 0;
        argv[k++] = podman;
        if (runtimes[r]) {
            argv[k++] = "--runtime";
            argv[k++] = (char *)runtimes[r];
        }
        char *rest[] = { "run", "--rm", "-i", "--name", name, "--network", "none",
                         "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                         "--tmpfs", "/kv", "-v", vol, PODMAN_IMAGE, "/kv-linux-static", num,
                         "/kv", NULL };
        memcpy(argv + k, rest, sizeof rest);
        int to, from;
        pid_t pid = start_piped(argv, &to, &from, err);
        int c, s;
        char why[512];
        /* the container's init is the client; podman inspect names its host PID */
        if (pid > 0 && cel_mech_ready(from, &c, &s, why, sizeof why) == 0) {
            pid_t root = podman_pid(podman, name);
            pid_t hc = root ? cel_mech_find_desc(root, "kvclient") : 0;
            pid_t hs = root ? cel_mech_find_desc(root, "kvstore") : 0;
            snprintf(out->client, sizeof out->client, "PD_%d", (int)hc);
            snprintf(out->store, sizeof out->store, "PD_%d", (int)hs);
            int rc = hc && hs ? cel_mech_extract(path, false, out->why, sizeof out->why) : -1;
            if (!hc || !hs)
                snprintf(out->why, sizeof out->why, "no kvclient/kvstore under container PID %d",
                         (int)root);
            close(to), close(from);
            if (cel_mech_wait(pid) != 0 && !rc)
                rc = -1;
            unlink(err);
            if (first[0])
                snprintf(out->note, sizeof out->note, "runtime runc (the default could not: %.250s)",
                         first);
            return rc;
        }
        close(to), close(from);
        if (pid > 0)
            cel_mech_wait(pid);
        last_line(err, "", r ? out->why : first, r ? sizeof out->why : sizeof first);
    }
    unlink(err);
    if (!runtimes[1] || !out->why[0])
        snprintf(out->why, sizeof out->why, "podman run failed: %s", first);
    return 1;
}

/* The pair in a QEMU guest: `osmosis vm run` (the guest joined to QEMU)
 * keeps QEMU stopped; the whole host is extracted next to it and both
 * states go into path, each row once (the reader merges the nodes they
 * share). */
static int run_vm(const char *path, cel_mech_out *out)
{
    char osm[PATH_MAX], kv[PATH_MAX], joined[PATH_MAX + 8], host[PATH_MAX + 8], keep[PATH_MAX + 8];
    cel_plat_sibling("osmosis", osm, sizeof osm);
    cel_plat_sibling("kv-linux-static", kv, sizeof kv);
    snprintf(joined, sizeof joined, "%s.vm", path);
    snprintf(host, sizeof host, "%s.host", path);
    snprintf(keep, sizeof keep, "%s.pid", path);
    char *argv[] = { osm, "vm", "run", "--accel", "tcg", "--add", kv, "--cmd", KV_GUEST_CMD,
                     "-o", joined, "--keep", keep, NULL };
    int st = cel_mech_wait(cel_mech_spawn(argv, -1, -1));
    if (st != 0) {
        snprintf(out->why, sizeof out->why, "osmosis vm run failed (exit %d)", st);
        return -1;
    }
    FILE *f = fopen(keep, "r");
    int qemu = 0;
    if (!f || fscanf(f, "%d", &qemu) != 1)
        qemu = 0;
    if (f)
        fclose(f);
    int rc = cel_mech_extract(host, false, out->why, sizeof out->why);
    if (qemu > 0)
        kill(qemu, SIGKILL);
    char cmd[4 * PATH_MAX];
    /* Both hold QEMU, the kernel and the spaces they share: keep each row
     * once, so no edge (a SUBSET above all) is there twice. */
    snprintf(cmd, sizeof cmd, "awk '!seen[$0]++' '%s' '%s' > '%s'", host, joined, path);
    char *sh[] = { "/bin/sh", "-c", cmd, NULL };
    if (!rc && cel_mech_wait(cel_mech_spawn(sh, -1, -1)) != 0)
        rc = -1;
    unlink(joined), unlink(host), unlink(keep);
    snprintf(out->client, sizeof out->client, "G_:kvclient");  /* found by name */
    snprintf(out->store, sizeof out->store, "G_:kvstore");
    snprintf(out->note, sizeof out->note, "QEMU (TCG), guest IDs G_; the host extracted whole");
    return rc;
}

int cel_mech_box(cel_mech m, unsigned n, const char *path, cel_mech_out *out)
{
    int rc = m == CEL_MECH_BWRAP ? run_bwrap(n, path, out) :
             m == CEL_MECH_PODMAN ? run_podman(n, path, out) : run_vm(path, out);
    return out->status = rc;
}
