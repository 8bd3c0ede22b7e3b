# podguard — the commands a person (and CI) runs. Each target does its own setup first.
#   make demo    install what is missing, build, run the local demo
#   make test    install what is missing, build once, run every test (Kubernetes version matrix)
#   make bench   release build, print benchmark figures beside their targets
#   make image   release build, the container image (buildah), smoke-tested inside, out/podguard-<version>.oci.tar
#   make proto   regenerate the Swift code and docs from proto/
#   make control-plane   obtain the test control plane's Kubernetes binaries (also done by the above)
#   make test-suites / make test-e2e KUBE_VERSION=1.20   one half of the tests on one version
#   make chart-check   helm lint, template and schema checks of helm/podguard (also run by make test)
#   make chart-apply   the rendered chart applied to a real API server of each version (also make test)
#   make examples-check   the Python alerts example against a real nats-server (also make test)
#   make rules-check   promtool check and unit tests of the Prometheus rules, the Grafana dashboard's
#                      queries, metric names against the sources (also run by make test)
#   make chaos   randomized seeded failure schedules over the whole stack (podguard-bench chaos): a
#                third of the nodes failing at a time with services killed, NATS and the API server
#                restarted, CSI and API errors; prints violations, lost and duplicate remediations
#                and times (CHAOS_ARGS="--runs 100 --seed 1"; a short seeded run is in make test)
#   make fuzz    libFuzzer on every decoder of outside bytes, FUZZ_SECONDS (60) per target, FUZZ_TARGETS
#                to pick some; a sanitized build in .build-fuzz (not part of make test)

SHELL := /bin/bash
# The toolchain lives outside PATH on some machines; prefer the one on PATH.
export PATH := $(PATH):/opt/swift/usr/bin

SWIFT ?= swift
BUILD_FLAGS ?=
# The Kubernetes of `make demo`, `make bench`, `make test-suites` and `make test-e2e`: 1.28, 1.20,
# newest or oldest (scripts/control-plane/binaries.sh). `make test` runs the matrix below.
KUBE_VERSION ?= newest
CONTROL_PLANE := bash scripts/control-plane/binaries.sh
KUBE_NEWEST = $(shell $(CONTROL_PLANE) resolve newest)
KUBE_MATRIX = $(shell $(CONTROL_PLANE) resolve matrix)
KUBE_ONE = $(shell $(CONTROL_PLANE) resolve $(KUBE_VERSION))

.PHONY: all setup control-plane build build-tests test test-suites test-e2e bench demo image proto proto-check clean \
        chart-check chart-apply examples-check rules-check chaos fuzz

all: build

setup:
	@bash scripts/setup.sh

# Tests and services never build or fetch Kubernetes: this prerequisite puts the binaries of the
# versions a target needs into the cache first (the 1.20 build from Debian's source takes ~5 min
# the first time, with progress; 1.28 is decompressed from ../shared in seconds).
control-plane: setup
	@$(CONTROL_PLANE) obtain $(CONTROL_PLANE_VERSIONS)
CONTROL_PLANE_VERSIONS = $(KUBE_VERSION)
test: CONTROL_PLANE_VERSIONS = matrix
chart-apply: CONTROL_PLANE_VERSIONS = matrix

build: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)

# Build once, then run the tests without rebuilding (a separate test build recompiles everything).
build-tests: setup
	$(SWIFT) build --build-tests $(BUILD_FLAGS)

# The Helm chart, checked with helm itself (setup installs helm v3.17.3 into the cache): lint --strict,
# template and the values schema with the defaults and every value set of helm/podguard/ci/, and bad
# values refused. A few seconds, so make test runs it before the build: a broken chart fails at once.
chart-check: setup
	@bash scripts/chart-check.sh

# podguard's Prometheus rules and Grafana dashboard as the chart ships them (scripts/rules-check.sh):
# promtool check rules and promtool test rules (setup installs Debian's prometheus) on the rules the
# chart renders with its defaults, the rules' conventions (severity, runbook anchor, tests firing and
# not), every dashboard query parsed by promtool, every podguard_* metric they read found in the
# Swift sources. A few seconds, so make test runs it before the build, like chart-check.
rules-check: setup
	@bash scripts/rules-check.sh

# The rendered chart with every optional part on, applied (server-side dry run, then for real) to a
# real API server of each version of the matrix: field names, types, RBAC rules and the CRD are
# accepted by the Kubernetes that will hold them, which helm never asks. Under a minute per version.
chart-apply: control-plane
	@for v in $(KUBE_MATRIX); do \
	    echo "== the chart applied to Kubernetes $$v =="; \
	    bash scripts/chart-apply.sh $$v || exit 1; \
	done

# The Python alerts example of docs/subscribing-to-alerts.md (setup makes its hash-pinned venv), run
# as the read-only observer user against a real nats-server with podguard's users, permissions and
# TLS, reading typed Alerts that podguard-tap publishes, ordered and durable. A few seconds; make
# test runs it right after the build.
EXAMPLES_CHECK = bash scripts/examples-check.sh "$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS))"
examples-check: build-tests
	@$(EXAMPLES_CHECK)

# Each run has a control plane of its own: the end-to-end stack is a whole cluster under podguard's
# protection, and the other suites' fixtures (labelled pods on nodes that never existed, pods left
# Pending) would be real work for it, as its simulated nodes would be for the scheduler.
# The matrix: every suite on the newest Kubernetes here, the end-to-end suite also on the oldest
# supported (1.20).
# The scenarios of the bus alone (what NATS refuses each service, a NATS cluster losing a server, a
# flood of malformed messages), of what an operator sees (alert-relay's deliveries, the podguard
# command), of the remediation ladder's human and provider rungs (no Kubernetes feature differs),
# the secret-leak scan and the short chaos run do not depend on Kubernetes' version: they run once,
# on the newest, and keep CI under an hour.
NEWEST_ONLY_SCENARIOS = EndToEndTests.*(eachServiceIsRefusedWhatItMustNotDo|aNATSServerOfThreeDiesMidFailover|aFailoversAlertsReachAlertmanager|aFloodOfMalformedMessages|noSecretLeaksFromAFailover|shortSeededChaosBreaksNothing|nodeThatReturnsBeforeItIsProvenIsLeftAlone|deniedApprovalLeavesThePodWhereItIs|silentProviderAndNoApprovalExhaustTheLadder)

test: control-plane chart-check rules-check chart-apply build-tests
	@$(EXAMPLES_CHECK)
	@echo "== every suite but the end-to-end one, on Kubernetes $(KUBE_NEWEST) =="
	PODGUARD_KUBE_VERSION=$(KUBE_NEWEST) $(SWIFT) test --skip-build --skip EndToEndTests $(BUILD_FLAGS)
	@for v in $(KUBE_MATRIX); do \
	    if [ "$$v" = "$(KUBE_NEWEST)" ]; then skip=(); else skip=(--skip '$(NEWEST_ONLY_SCENARIOS)'); fi; \
	    echo "== end-to-end suite on Kubernetes $$v$${skip:+ (the newest-only scenarios ran on $(KUBE_NEWEST))} =="; \
	    PODGUARD_KUBE_VERSION=$$v $(SWIFT) test --skip-build --filter EndToEndTests "$${skip[@]}" $(BUILD_FLAGS) || exit 1; \
	done

test-suites: control-plane build-tests
	PODGUARD_KUBE_VERSION=$(KUBE_ONE) $(SWIFT) test --skip-build --skip EndToEndTests $(BUILD_FLAGS)

test-e2e: control-plane build-tests
	PODGUARD_KUBE_VERSION=$(KUBE_ONE) $(SWIFT) test --skip-build --filter EndToEndTests $(BUILD_FLAGS)

# The benchmarks start podguard services (the watcher alone, or the whole failover stack) from the
# bench's own directory, so the whole release build (all executables), not only podguard-bench.
bench: control-plane
	$(SWIFT) build -c release $(BUILD_FLAGS)
	PODGUARD_KUBE_VERSION=$(KUBE_ONE) "$$($(SWIFT) build -c release --show-bin-path)/podguard-bench" $(BENCH_ARGS)

# The chaos run (docs/chaos.md): podguard-bench chaos on the newest Kubernetes, with the services of
# the debug build the tests use (no release build; timings are upper bounds). Its own target: a
# hundred schedules take about an hour. CHAOS_ARGS overrides the defaults (--runs 100 --seed 1,
# six nodes, half the runs on one nats-server and half on a cluster of three).
CHAOS_ARGS ?=
chaos: control-plane build
	PODGUARD_KUBE_VERSION=$(KUBE_NEWEST) "$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS))/podguard-bench" chaos $(CHAOS_ARGS)

demo: control-plane build
	@PODGUARD_KUBE_VERSION=$(KUBE_ONE) bash scripts/demo.sh

# The container image (docs/image.md): a static-stdlib release build in .build-release of its own,
# a Debian bookworm root (cached), buildah, every executable run inside, the OCI archive and its
# size. Not part of `make test`: a release build is too slow for every CI run.
image: setup
	@bash scripts/image.sh

# libFuzzer with AddressSanitizer on every decoder of outside bytes (scripts/fuzz.sh,
# docs/fuzzing.md): the bus messages, Kubernetes JSON, models and watch streams, configuration,
# podmon's driver ConfigMap, each family's handles and node ids, CSI and CRI replies. One sanitized
# build of podguard-fuzz in .build-fuzz, then each target for FUZZ_SECONDS on a copy of its seeds;
# fails on a crash, whose input it keeps. Not part of make test: a minute per target.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: setup
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" bash scripts/fuzz.sh

proto: setup
	@bash scripts/gen-proto.sh

clean:
	rm -rf .build .build-release .build-fuzz out
