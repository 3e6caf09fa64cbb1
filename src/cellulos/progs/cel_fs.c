/* cel-fs: the resource server of src/cellulos/servers/fs.c as a PD program. */
#include "../lib/fs_client.h"

int main(int argc, char **argv)
{
    return cel_fs_main(argc, argv);
}
