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
    "A terminal DEV (a serial port) is switched to raw mode first.\n"
    "\n"
    "  --to DEV   where to write the frame (default stdout)\n"
    "  --json     print {\"bytes\":N,\"crc32\":\"HEX\",\"to\":DEV} to stdout once sent\n"
    "             (needs --to: stdout would carry the frame)\n";

static const char help_vm[] =
    "usage: osmosis vm run [options]     boot a guest under QEMU, join its state\n"
    "       osmosis vm send [--to DEV] [FILE]   (inside the guest) ship a state out\n"
    "\n"
    "Run 'osmosis vm run --help' for the launcher's options; docs/vm.md.\n"
    "  --json   list the subcommands as JSON: {\"subcommands\":[..]}\n";

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

/* vm send --json: what went out (the frame's length and checksum). */
static int send_json(const char *buf, size_t len, const char *to)
{
    char crc[16];
    snprintf(crc, sizeof crc, "%08x", (unsigned)osm_vm_crc32(buf, len));
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "bytes");
    osm_json_uint(&j, len);
    osm_json_key(&j, "crc32");
    osm_json_string(&j, crc);
    osm_json_key(&j, "to");
    osm_json_string(&j, to);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    return fflush(stdout) == 0 ? CLI_OK : CLI_USAGE;
}

/* vm --json: the subcommands. */
static int subcommands_json(void)
{
    osm_json j;
    osm_json_init(&j, stdout, false);
    osm_json_begin_object(&j);
    osm_json_key(&j, "subcommands");
    osm_json_begin_array(&j);
    osm_json_string(&j, "run");
    osm_json_string(&j, "send");
    osm_json_end_array(&j);
    osm_json_end_object(&j);
    osm_json_finish(&j);
    return fflush(stdout) == 0 ? CLI_OK : CLI_USAGE;
}

static int run_send(int argc, char **argv)
{
    static const struct option opts[] = { { "to", required_argument, 0, 't' },
                                          { "help", no_argument, 0, 'h' },
                                          { "json", no_argument, 0, 'j' }, { 0, 0, 0, 0 } };
    const char *to = NULL;
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': to = optarg; break;
        case 'j': json = true; break;
        case 'h': fputs(help_send, stdout); return CLI_OK;
        default: fputs(help_send, stderr); return CLI_USAGE;
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("vm send", "unexpected argument '%s'", argv[optind + 1]);
    if (json && (!to || !strcmp(to, "-")))
        return cli_usage_error("vm send", "--json prints to stdout: give the frame's --to DEV");
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
    if (f && fclose(f) != 0 && st == CLI_OK) {
        fprintf(stderr, "osmosis vm send: cannot write to %s: %s\n", to ? to : "stdout",
                strerror(errno));
        st = CLI_USAGE;
    } else if (!f && fd >= 0)
        close(fd);
    if (st == CLI_OK && json)
        st = send_json(buf, len, to);
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
    if (!strcmp(argv[1], "--json"))
        return argc == 2 ? subcommands_json()
                         : cli_usage_error("vm", "--json goes after the subcommand, or alone");
    if (!strcmp(argv[1], "send"))
        return run_send(argc - 1, argv + 1);
    if (!strcmp(argv[1], "run"))
        return vm_cli_run(argc - 1, argv + 1);
    return cli_usage_error("vm", "unknown subcommand '%s' (run, send)", argv[1]);
}

OSM_VERB(vm, "vm", run, "boot a guest under QEMU and join its state to the host's (docs/vm.md)");
