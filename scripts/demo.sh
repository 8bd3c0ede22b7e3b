#!/usr/bin/env bash
# The local demo on the embedded default (`make demo`): a nats-server with JetStream, the real
# Kubernetes test control plane, simulated nodes and arrays of the five Dell families, and every
# podguard service as its own process. One protected StatefulSet per family is deployed, a node
# fails, and podguard-demo prints each step of the failover as it happens, the node's return and
# cleanup, and a summary. It stops everything it started, on success, on error and on Ctrl-C.
#
#   scripts/demo.sh [podguard-demo options]      e.g. --fault reboot, --nodes 5, --keep-logs, --color never
#
# Runs without a terminal and without stdin (CI); colors only when stdout is a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

if [ -t 1 ]; then say() { printf '\033[1;32m[demo]\033[0m %s\n' "$*"; }; else say() { printf '[demo] %s\n' "$*"; }; fi

# What is missing on a fresh machine: Debian packages (nats-server, libnats-dev, protoc, ...).
bash scripts/setup.sh

# The control plane's binaries (PODGUARD_KUBE_VERSION, default the newest here: 1.28 from
# ../shared, decompressed in seconds; 1.20 is built once from Debian's source, ~5 min with
# progress). Cached after the first time.
kube_version="${PODGUARD_KUBE_VERSION:-newest}"
previous=""
for arg in "$@"; do
    case "$arg" in --kube-version=*) kube_version="${arg#*=}" ;; esac
    [ "$previous" = --kube-version ] && kube_version="$arg"
    previous="$arg"
done
say "Kubernetes control plane binaries ($kube_version)"
bash scripts/control-plane/binaries.sh obtain "$kube_version" 2>&1
export PODGUARD_KUBE_VERSION="$kube_version"

# The demo and every service it starts. The same flags as `make build` (--build-tests), so after it
# this is a no-op: a build without them would recompile everything.
say "building podguard (swift build --build-tests; the first build takes a while)"
swift build --build-tests ${BUILD_FLAGS:-}
bin_dir=$(swift build --show-bin-path ${BUILD_FLAGS:-})

say "running $bin_dir/podguard-demo $*"
exec "$bin_dir/podguard-demo" "$@" < /dev/null
