# libFuzzer targets that drive whole readers rather than one parser (issue
# 18): they link the extractors (the VM frame and join, the SDF prefill
# lookup, the --proc tree reader), and the CLI target the verbs and the
# report too.  Static pattern rules, so they win over the Makefile's
# build/fuzz/% rule, which links the parsers only.
FUZZ_EXTRACT_ALL := $(sort $(wildcard src/extract/*/*.c))
FUZZ_CLI_SRC := $(filter-out src/cli/osmosis/main.c,$(sort $(wildcard src/cli/osmosis/*.c))) \
                $(sort $(wildcard src/report/*.c)) $(COMPARE_VIEW_SRC)
FUZZ_WHOLE := build/fuzz/fuzz_vm_frame build/fuzz/fuzz_vm_join build/fuzz/fuzz_sdf_prefill \
              build/fuzz/fuzz_linux_proc_tree
# Without the BPF source (its generated header is a build product of make all).
FUZZ_CC = clang -std=gnu11 -D_GNU_SOURCE -DOSM_LX_NO_BPF -g -O1 -Iinclude -Isrc -fsanitize=fuzzer,address,undefined

$(FUZZ_WHOLE): build/fuzz/%: fuzz/%.c $(LIB_SRC) $(FUZZ_EXTRACT_ALL)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $< $(LIB_SRC) $(FUZZ_EXTRACT_ALL) $(OSMOSIS_LDLIBS) -lm

build/fuzz/fuzz_cli_args: fuzz/fuzz_cli_args.c $(LIB_SRC) $(FUZZ_EXTRACT_ALL) $(FUZZ_CLI_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(GVC_CFLAGS) -o $@ $< $(LIB_SRC) $(FUZZ_EXTRACT_ALL) $(FUZZ_CLI_SRC) \
	    $(OSMOSIS_LDLIBS) -lm
