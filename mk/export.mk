# Exports and the HTML report (issue 4).  The exporters live in libosmosis
# (src/format/export/*.c, picked up by its wildcard); the report links
# Graphviz, so it is built into the osmosis binary only.
REPORT_SRC := $(sort $(wildcard src/report/*.c))
REPORT_OBJ := $(REPORT_SRC:%.c=$(BUILD)/obj/%.o)
OSMOSIS_OBJ += $(REPORT_OBJ)
# Graphviz's flags are asked of pkg-config when a recipe runs, not when make
# reads this file: on a fresh machine libgraphviz-dev is installed by `make
# deps`, after the parse ($$ defers the command to the recipe's shell).
# -isystem: Graphviz's own headers do not pass our warnings.
GVC_CFLAGS = $$(pkg-config --cflags libgvc 2>/dev/null | sed 's/-I/-isystem /g')
OSMOSIS_LDLIBS += $$(pkg-config --libs libgvc 2>/dev/null || echo -lgvc -lcgraph -lcdt)
$(REPORT_OBJ): CFLAGS += $(GVC_CFLAGS)
