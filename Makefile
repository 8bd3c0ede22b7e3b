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

test: build-tests
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

# The watcher benchmark runs podguard-watcher as a process of its own, from the same build products.
bench: setup
	$(SWIFT) build -c release --product podguard-bench $(BUILD_FLAGS)
	$(SWIFT) build -c release --product podguard-watcher $(BUILD_FLAGS)
	"$$($(SWIFT) build -c release --show-bin-path)/podguard-bench" $(BENCH_ARGS)

demo: build
	@bash scripts/demo.sh

proto: setup
	@bash scripts/gen-proto.sh

clean:
	rm -rf .build
