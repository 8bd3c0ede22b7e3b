#!/usr/bin/env bash
# Installs what a fresh Debian (bookworm) machine lacks to build, test and demo podguard.
# Safe to run any number of times: it only installs what is missing.
set -euo pipefail

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages: the nats.c client library, the NATS server (tests, demo), protoc (make proto),
# libprotobuf-dev (the well-known types google/protobuf/*.proto that make proto imports),
# pkg-config (SwiftPM finds libnats through it), python3 (doc generation); for node remediation the
# ClusterLabs fence agents (fence_ipmilan and the others fencing runs), ipmitool (fence_ipmilan
# drives the BMC through it) and OpenIPMI's ipmi_sim (the tests' simulated BMCs).
apt_packages=(libnats-dev nats-server protobuf-compiler libprotobuf-dev pkg-config python3 ca-certificates
              fence-agents ipmitool openipmi)

missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    log "Debian packages present: ${apt_packages[*]}"
fi

# The Swift toolchain cannot be downloaded here; it must already be on the machine.
if ! command -v swift >/dev/null 2>&1; then
    for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        if [ -x "$candidate/swift" ]; then
            log "swift found at $candidate (add it to PATH; the Makefile does)"
            exit 0
        fi
    done
    echo "setup: no Swift toolchain found (need Swift 6.2 or later on PATH)" >&2
    exit 1
fi
log "swift: $(swift --version 2>/dev/null | head -1)"
