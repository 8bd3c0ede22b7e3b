# podguard — the commands a person (and CI) runs. Each target does its own setup first.
#   make demo    install what is missing, build, run the local demo
#   make test    install what is missing, build once, run every test
#   make bench   release build, print benchmark figures beside their targets
#   make proto   regenerate the Swift code and docs from proto/

SHELL := /bin/bash
# The toolchain lives outside PATH on some machines; prefer the one on PATH.
export PATH := $(PATH):/opt/swift/usr/bin

SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: all setup build build-tests test bench demo proto proto-check clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)

# Build once, then run the tests without rebuilding (a separate test build recompiles everything).
build-tests: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)

# Two runs, each with a control plane of its own: the end-to-end stack is a whole cluster under
# podguard's protection, and the other suites' fixtures (labelled pods on nodes that never existed,
# pods left Pending) would be real work for it, as its simulated nodes would be for the scheduler.
test: build-tests
	$(SWIFT) test --skip-build --skip EndToEndTests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build --filter EndToEndTests $(BUILD_FLAGS)

# The benchmarks start podguard services (the watcher alone, or the whole failover stack) from the
# bench's own directory, so the whole release build (all executables), not only podguard-bench.
bench: setup
	$(SWIFT) build -c release $(BUILD_FLAGS)
	"$$($(SWIFT) build -c release --show-bin-path)/podguard-bench" $(BENCH_ARGS)

demo: build
	@bash scripts/demo.sh

proto: setup
	@bash scripts/gen-proto.sh

clean:
	rm -rf .build
