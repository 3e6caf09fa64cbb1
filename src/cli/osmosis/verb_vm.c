/* osmosis vm run | send: boot a guest and join its state; the guest's side
 * of the shipping (docs/vm.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "vm_cli.h"
#include "../../extract/vm/vm.h"

static const char help_send[] =
    "usage: osmosis vm send [--to DEV] [FILE]\n"
    "\n"
    "Inside a guest: write FILE (default stdin, normally a state from 'osmosis\n"
    "extract linux') to DEV (default stdout) in a frame the host verifies:\n"
    "  " OSM_VM_BEGIN " v1 bytes=N crc32=HEX, the N bytes, " OSM_VM_END ".\n"
    "A terminal DEV (a serial port) is switched to raw mode first.\n";

static const char help_vm[] =
    "usage: osmosis vm run [options]     boot a guest under QEMU, join its state\n"
    "       osmosis vm send [--to DEV] [FILE]   (inside the guest) ship a state out\n"
    "\n"
    "Run 'osmosis vm run --help' for the launcher's options; docs/vm.md.\n";

/* Raw mode on a serial port: no CR/LF translation, no echo, 8 bits. */
static int make_raw(int fd)
{
    struct termios t;
    if (!isatty(fd))
        return 0;
    if (tcgetattr(fd, &t) < 0)
        return -1;
    cfmakeraw(&t);
    return tcsetattr(fd, TCSANOW, &t);
}

static int run_send(int argc, char **argv)
{
    static const struct option opts[] = { { "to", required_argument, 0, 't' },
                                          { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    const char *to = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': to = optarg; break;
        case 'h': fputs(help_send, stdout); return CLI_OK;
        default: fputs(help_send, stderr); return CLI_USAGE;
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("vm send", "unexpected argument '%s'", argv[optind + 1]);
    size_t len;
    char *buf = vm_cli_slurp("vm send", optind < argc ? argv[optind] : "-", &len);
    if (!buf)
        return CLI_USAGE;
    int fd = to ? open(to, O_WRONLY | O_NOCTTY | O_CLOEXEC) : dup(STDOUT_FILENO);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int st = CLI_OK;
    if (!f || make_raw(fd) < 0 || osm_vm_frame_write(f, buf, len) < 0 ||
        (isatty(fd) && tcdrain(fd) < 0)) {
        fprintf(stderr, "osmosis vm send: cannot write to %s: %s\n", to ? to : "stdout",
                strerror(errno));
        st = CLI_USAGE;
    }
    if (f)
        fclose(f);
    else if (fd >= 0)
        close(fd);
    free(buf);
    return st;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        fputs(help_vm, stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(help_vm, stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "send"))
        return run_send(argc - 1, argv + 1);
    if (!strcmp(argv[1], "run"))
        return vm_cli_run(argc - 1, argv + 1);
    return cli_usage_error("vm", "unknown subcommand '%s' (run, send)", argv[1]);
}

OSM_VERB(vm, "vm", run, "boot a guest under QEMU and join its state to the host's (docs/vm.md)");
