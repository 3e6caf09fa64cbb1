# Man pages and bash completions, generated from the programs' --help texts
# (scripts/gen-man.sh, scripts/gen-completion.sh) so they cannot drift.
MAN_PAGES   := $(BUILD)/share/man/man1/osmosis.1 $(BUILD)/share/man/man1/cellulos.1
COMPLETIONS := $(BUILD)/share/bash-completion/completions/osmosis \
               $(BUILD)/share/bash-completion/completions/cellulos
BINS += $(MAN_PAGES) $(COMPLETIONS)
$(BUILD)/share/man/man1/%.1: scripts/gen-man.sh $(BUILD)/bin/osmosis $(BUILD)/bin/cellulos
	@mkdir -p $(dir $@)
	scripts/gen-man.sh $* $(BUILD)/bin $@
$(BUILD)/share/bash-completion/completions/%: scripts/gen-completion.sh $(BUILD)/bin/osmosis $(BUILD)/bin/cellulos
	@mkdir -p $(dir $@)
	scripts/gen-completion.sh $* $(BUILD)/bin $@
