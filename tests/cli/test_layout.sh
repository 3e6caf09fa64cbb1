#!/bin/bash
# The tree keeps the layering of docs/architecture.md (scripts/check_layout.py),
# and the check really fails when a rule is broken: a copy of src/ where the
# root task includes a scenario header, one where two folders include each
# other, and one where a top-level folder holds too many files.
source "$TOP/tests/cli/lib.sh"

expect_status 0 python3 "$TOP/scripts/check_layout.py"
expect_contains "$out" "layout: ok"

# copy_tree DIR: the checker and src/ + include/ of this checkout in DIR.
copy_tree() {
    mkdir -p "$1/scripts"
    cp -r "$TOP/src" "$TOP/include" "$1/"
    cp "$TOP/scripts/check_layout.py" "$1/scripts/"
}

copy_tree bad_rule
sed -i '1i #include "../../scenarios/scenario.h"' bad_rule/src/cellulos/root/pd.c
expect_status 1 python3 bad_rule/scripts/check_layout.py
expect_contains "$out" "src/cellulos/root/pd.c: the root task (src/cellulos/root) may not include src/scenarios/scenario.h"

copy_tree bad_circle
sed -i '1i #include "../cli/osmosis/cli.h"' bad_circle/src/compare/compare_table.c
expect_status 1 python3 bad_circle/scripts/check_layout.py
expect_contains "$out" "include circle between folders: src/cli/osmosis -> src/compare"

copy_tree bad_width
for i in $(seq 1 16); do echo "/* $i */" >"bad_width/src/compare/extra_$i.c"; done
expect_status 1 python3 bad_width/scripts/check_layout.py
expect_contains "$out" "src/compare: "
expect_contains "$out" " source files side by side (at most 15"
