/* cel-ramdisk: the resource server of src/cellulos/servers/ramdisk.c as a PD program. */
#include "../servers/ramdisk.h"

int main(int argc, char **argv)
{
    return cel_ramdisk_main(argc, argv);
}
