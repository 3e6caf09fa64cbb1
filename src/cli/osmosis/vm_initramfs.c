/*
 * The guest's initramfs for `osmosis vm run`: busybox (static), the static
 * osmosis, the user's programs, the command, and an /init that runs the
 * command, extracts the guest with `osmosis extract linux` and ships the
 * state out on the second serial port (/dev/ttyS1) with `osmosis vm send`.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_run.h"
#include "../../extract/vm/vm.h"
#include "../../format/file_read.h"

/* PID 1 of the guest.  It never exits (the kernel would panic): once the
 * state is shipped it sleeps, so the guest's processes stay as extracted
 * while the host side is read. */
static const char init_script[] =
    "#!/bin/busybox sh\n"
    "/bin/busybox --install -s /bin\n"
    "export PATH=/bin\n"
    "mount -t proc proc /proc\n"
    "mount -t sysfs sysfs /sys\n"
    "mount -t devtmpfs devtmpfs /dev\n"
    "mount -t tmpfs tmpfs /tmp\n"
    "mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null\n"
    "cd /tmp\n"
    "echo 'osmosis-vm: guest up, running the command'\n"
    "sh /cmd.sh\n"
    "echo \"osmosis-vm: command exited with status $?\"\n"
    "if osmosis extract linux -o /tmp/guest.csv; then\n"
    "    osmosis vm send --to /dev/ttyS1 /tmp/guest.csv || echo 'osmosis-vm: send failed'\n"
    "else\n"
    "    echo '" OSM_VM_FAILED " osmosis extract linux failed in the guest' >/dev/ttyS1\n"
    "fi\n"
    "echo 'osmosis-vm: state shipped'\n"
    "while :; do sleep 3600; done\n";

/* Whether path is a statically linked ELF executable (no PT_INTERP): the
 * initramfs has no dynamic loader or libc.  0, or -1 with why. */
static int check_static(const char *path, char *why, size_t whysz)
{
    struct stat sb;
    char no[160] = "";
    int fd = osm_file_open(AT_FDCWD, path, false, &sb, no, sizeof no);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    Elf64_Ehdr eh;
    if (!f || fread(&eh, sizeof eh, 1, f) != 1) {
        if (fd >= 0 && !f)
            close(fd);
        snprintf(why, whysz, "cannot read %s: %s", path,
                 f ? "too short" : no[0] ? no : strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    int rc = 0;
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64) {
        snprintf(why, whysz, "%s is not a 64-bit ELF executable", path);
        rc = -1;
    }
    for (unsigned i = 0; rc == 0 && i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (fseek(f, (long)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize), SEEK_SET) < 0 ||
            fread(&ph, sizeof ph, 1, f) != 1) {
            snprintf(why, whysz, "%s: truncated program headers", path);
            rc = -1;
        } else if (ph.p_type == PT_INTERP) {
            snprintf(why, whysz, "%s is dynamically linked: the guest has no libc (build it "
                                 "with -static)", path);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

/* Add a static program as /bin/NAME. */
static int add_program(osm_cpio *c, const char *name, const char *path, char *why, size_t whysz)
{
    if (check_static(path, why, whysz) < 0)
        return -1;
    char dst[512];
    snprintf(dst, sizeof dst, "bin/%s", name);
    if (osm_cpio_file(c, dst, 0755, path) < 0) {
        snprintf(why, whysz, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int vm_initramfs_write(const vm_run_opts *o, const char *path, char *why, size_t whysz)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(why, whysz, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    osm_cpio c;
    osm_cpio_begin(&c, f);
    static const char *const dirs[] = { "bin", "dev", "proc", "sys", "tmp", "root" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        osm_cpio_dir(&c, dirs[i]);
    osm_cpio_data(&c, "init", 0755, init_script, sizeof init_script - 1);
    char *cmd;
    int rc = asprintf(&cmd, "%s\n", o->cmd ? o->cmd : ":") < 0 ? -1 : 0;
    if (rc == 0) {
        osm_cpio_data(&c, "cmd.sh", 0644, cmd, strlen(cmd));
        free(cmd);
        rc = add_program(&c, "busybox", o->busybox, why, whysz);
    }
    if (rc == 0)
        rc = add_program(&c, "osmosis", o->guest_osmosis, why, whysz);
    for (size_t i = 0; rc == 0 && i < o->n_add; i++) {
        char *copy = strdup(o->add[i]);
        rc = copy ? add_program(&c, basename(copy), o->add[i], why, whysz) : -1;
        free(copy);
    }
    if (osm_cpio_end(&c) < 0 && rc == 0) {
        snprintf(why, whysz, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (fclose(f) != 0 && rc == 0) {
        snprintf(why, whysz, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}
