# switchboard build. `make` builds ./switchboard; `make test` runs every test and ends
# with "N passed, M failed"; `make SANITIZE=1 test` runs the same under ASan+UBSan.
# Missing Debian packages are installed by scripts/ensure-deps.sh (as root) or named.

CC      ?= cc
PKGS    := libuv libcurl libcjson
VERSION := 0.1.0

ifeq ($(FUZZ),1)
# libFuzzer build: every object instrumented, fuzz targets linked with the fuzzer main.
CC      := clang
BUILD   := build/fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
OPT     := -O1 -g
else ifeq ($(SANITIZE),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     := -O1 -g
else
BUILD   := build/rel
SANFLAGS :=
OPT     := -O2 -g
endif

DEPS_STAMP := build/.deps-ok
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(OPT) $(SANFLAGS) -MMD -MP \
           -I. -DSWITCHBOARD_VERSION=\"$(VERSION)\" $(PKG_CFLAGS)
LDFLAGS += $(SANFLAGS)
LDLIBS  += $(PKG_LIBS) -lm

# One folder per capability, lowest floor first (docs/architecture.md; tests/layering.py
# checks that no include points upward).
LAYERS   := base providers config ledger router lsp inline actions nes cli
LIB_SRC  := $(wildcard $(LAYERS:%=%/*.c))
LIB_SRC  := $(filter-out cli/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
# Shipped data compiled in (the price list): generated C, see scripts/embed.sh.
LIB_OBJ  += $(BUILD)/gen/prices_data.o
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

BIN := $(if $(filter 1,$(SANITIZE)),$(BUILD)/switchboard,switchboard)

.PHONY: all test unit integration demo bench fuzz fuzz-build clean distclean deps vsix
all: $(BIN)

$(DEPS_STAMP): scripts/ensure-deps.sh
	@sh scripts/ensure-deps.sh build
	@mkdir -p build && touch $@

deps:
	@sh scripts/ensure-deps.sh all

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/gen/prices_data.c: data/prices.json scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh data/prices.json switchboard_prices_json > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/prices_data.o: $(BUILD)/gen/prices_data.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libswitchboard.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/cli/main.o $(BUILD)/libswitchboard.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit_tests: $(UNIT_OBJ) $(BUILD)/libswitchboard.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libswitchboard.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# The whole suite: unit tests, integration tests against the real binary and the
# fake model server, editor tests. One summary line at the end.
test: $(BIN) $(BUILD)/unit_tests
	@sh scripts/ensure-deps.sh test
	@sh scripts/fetch-editors.sh
	@SWITCHBOARD_BIN=$(abspath $(BIN)) UNIT_TESTS=$(abspath $(BUILD)/unit_tests) \
	  SANITIZE=$(SANITIZE) sh tests/run-all.sh

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

demo: $(BIN)
	@sh scripts/ensure-deps.sh demo
	@SWITCHBOARD_BIN=$(abspath $(BIN)) sh scripts/demo.sh

bench: $(BIN) $(BENCH_BIN)
	@SWITCHBOARD_BIN=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) sh bench/run.sh

# `make fuzz` builds every target with clang and runs each for FUZZ_SECONDS (default 60).
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@sh tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

fuzz-build: $(FUZZ_BIN)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libswitchboard.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

vsix:
	@sh scripts/ensure-deps.sh node
	cd editors/vscode && npm ci --no-audit --no-fund && npm run package

clean:
	rm -rf build switchboard

# Also the editors unpacked from newer Debian suites (scripts/fetch-editors.sh), so the
# next make test takes the suites' current versions.
distclean: clean
	rm -rf .deps

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(BUILD)/cli/main.d
