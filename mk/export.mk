# Exports and the HTML report (issue 4).  The exporters live in libosmosis
# (src/format/export*.c, picked up by its wildcard); the report links
# Graphviz, so it is built into the osmosis binary only.
REPORT_SRC := $(sort $(wildcard src/report/*.c))
REPORT_OBJ := $(REPORT_SRC:%.c=$(BUILD)/obj/%.o)
OSMOSIS_OBJ += $(REPORT_OBJ)
GVC_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libgvc 2>/dev/null))
OSMOSIS_LDLIBS += $(shell pkg-config --libs libgvc 2>/dev/null || echo -lgvc -lcgraph -lcdt)
$(REPORT_OBJ): CFLAGS += $(GVC_CFLAGS)
