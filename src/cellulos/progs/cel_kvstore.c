/* cel-kvstore: the resource server of src/cellulos/servers/kvstore.c as a PD program. */
#include "../../scenarios/kv/kv.h"

int main(int argc, char **argv)
{
    return cel_kvstore_main(argc, argv);
}
