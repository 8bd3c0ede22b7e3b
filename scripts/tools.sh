# Sourced, never run: where the tools that scripts/setup.sh installs into podguard's cache live.
# setup.sh puts nothing on PATH and changes nothing outside the cache, so a script that needs one of
# these tools sources this file and runs the tool by its path:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"      (from a script in scripts/)
#   podguard_require_helm                                 fails, naming `make setup`, when missing
#   "$PODGUARD_HELM" lint ...
#
# The cache root follows the convention of scripts/gen-proto.sh and scripts/control-plane/binaries.sh.
# Environment: PODGUARD_CACHE_DIR (cache root, default $HOME/.cache/podguard).

PODGUARD_CACHE_ROOT="${PODGUARD_CACHE_DIR:-${HOME:-/root}/.cache/podguard}"
PODGUARD_TOOLS_BIN_DIR="$PODGUARD_CACHE_ROOT/bin"

# helm: the version every check of the chart ran with (schema validation and lint rules change
# between helm releases). setup.sh installs exactly this one.
PODGUARD_HELM_VERSION=v3.17.3
PODGUARD_HELM="$PODGUARD_TOOLS_BIN_DIR/helm"

# True when $PODGUARD_HELM is there and reports $PODGUARD_HELM_VERSION.
podguard_helm_is_current() {
    [ -x "$PODGUARD_HELM" ] &&
        [ "$("$PODGUARD_HELM" version --template '{{.Version}}' 2>/dev/null)" = "$PODGUARD_HELM_VERSION" ]
}

# Fails at once, naming the command that installs helm, when it is missing or of another version.
podguard_require_helm() {
    podguard_helm_is_current && return 0
    printf 'helm %s not found at %s: run `make setup` (or: bash scripts/setup.sh)\n' \
        "$PODGUARD_HELM_VERSION" "$PODGUARD_HELM" >&2
    return 1
}

# The Python of the examples in docs/examples/python (docs/subscribing-to-alerts.md): a venv in the
# cache with exactly docs/examples/python/requirements.txt (nats-py, protobuf, nkeys; pinned with
# hashes), made from Debian's python3. setup.sh makes it; scripts/examples-check.sh runs the example
# with it. The stamp holds what it was made from, so a changed pin makes it anew.
PODGUARD_EXAMPLES_REQUIREMENTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/docs/examples/python/requirements.txt"
PODGUARD_EXAMPLES_VENV="$PODGUARD_CACHE_ROOT/python-examples"
PODGUARD_EXAMPLES_PYTHON="$PODGUARD_EXAMPLES_VENV/bin/python"
PODGUARD_EXAMPLES_BASE_PYTHON=/usr/bin/python3
# setuptools >= 68 builds nkeys (published as source only) without pip fetching unpinned build tools.
PODGUARD_EXAMPLES_SETUPTOOLS='setuptools==75.8.0 --hash=sha256:e3982f444617239225d675215d51f6ba05f845d4eec313da4418fdbb56fb27e3'

# What the examples' venv is made from: the requirements, the build tool and the base Python.
podguard_examples_stamp() {
    printf '%s\n%s\n%s\n' "$(sha256sum "$PODGUARD_EXAMPLES_REQUIREMENTS" | cut -d' ' -f1)" \
        "$PODGUARD_EXAMPLES_SETUPTOOLS" "$("$PODGUARD_EXAMPLES_BASE_PYTHON" --version 2>&1)"
}

# True when the venv is there, made from what podguard_examples_stamp says now.
podguard_examples_is_current() {
    [ -x "$PODGUARD_EXAMPLES_PYTHON" ] && [ -f "$PODGUARD_EXAMPLES_VENV/podguard.stamp" ] &&
        [ "$(cat "$PODGUARD_EXAMPLES_VENV/podguard.stamp")" = "$(podguard_examples_stamp)" ]
}

# Fails at once, naming the command that makes the venv, when it is missing or stale.
podguard_require_examples_python() {
    podguard_examples_is_current && return 0
    printf 'the examples venv %s is missing or stale: run `make setup` (or: bash scripts/setup.sh)\n' \
        "$PODGUARD_EXAMPLES_VENV" >&2
    return 1
}

# Runs a command as root (directly when already root, else through sudo).
podguard_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian packages among the arguments that are not installed, one per line.
podguard_missing_debian_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
    done
}

# Installs these Debian packages (without recommends), after refreshing the package lists.
podguard_apt_install() {
    podguard_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return
    podguard_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Runs a command (an apt-get install) while no package may start a service: invoke-rc.d and
# deb-systemd-invoke ask /usr/sbin/policy-rc.d, and its exit status 101 forbids every action. A
# policy-rc.d already there (containers ship one that denies everything) is left as it is; one made
# here is removed afterwards, also when the command fails or the script is interrupted.
podguard_without_service_starts() {
    local policy=/usr/sbin/policy-rc.d rc=0
    if [ -e "$policy" ]; then
        "$@" || rc=$?
        return $rc
    fi
    printf '#!/bin/sh\n# podguard setup: no service starts while packages install (removed afterwards)\nexit 101\n' |
        podguard_as_root tee "$policy" >/dev/null
    podguard_as_root chmod 0755 "$policy"
    # shellcheck disable=SC2064  # expand now
    trap "podguard_as_root rm -f '$policy'" EXIT INT TERM
    "$@" || rc=$?
    podguard_as_root rm -f "$policy"
    trap - EXIT INT TERM
    return $rc
}
