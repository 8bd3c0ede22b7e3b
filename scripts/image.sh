#!/usr/bin/env bash
# podguard's container image (`make image`): one image holding every podguard service executable
# over a minimal Debian bookworm root, built with buildah, smoke-tested inside with `buildah run`,
# exported as an OCI archive. docs/image.md says what is in it, why, and how to push it.
#
# Usage:
#   scripts/image.sh            every step: release build, Debian root, image, smoke tests,
#                               out/podguard-<version>.oci.tar, sizes
#   scripts/image.sh context    the first four only: the build context out/image-context
#                               (rootfs.tar, local/), for `docker build -f Containerfile out/image-context`
#
# Steps print as `[n/N] title (elapsed s)`. What is slow is cached: the release build
# (.build-release, incremental) and the Debian root (debootstrap + apt, under
# $PODGUARD_CACHE_DIR/image-root/<key>, keyed by its package list and this recipe). buildah keeps
# its images in vfs storage under $PODGUARD_CACHE_DIR/image-storage, not in the default storage.
#
# Environment:
#   PODGUARD_CACHE_DIR            cache root (default $HOME/.cache/podguard)
#   PODGUARD_IMAGE_SWIFT_STDLIB   shared (default): the Swift runtime's .so files once in
#                                 /usr/local/lib/swift/linux; static: --static-swift-stdlib, every
#                                 executable carries its own copy (+750 MB, .build-release-static)
#   PODGUARD_IMAGE_FENCE_AGENTS   minimal (default): fence-agents with the Python modules
#                                 fence_ipmilan and fence_redfish import; full: with all its
#                                 Depends, the cloud agents' libraries too (about +115 MB)
#   PODGUARD_IMAGE_NAME           default localhost/podguard (tag: the podguard version)
#   PODGUARD_IMAGE_SOURCE, PODGUARD_IMAGE_LICENSES   the OCI labels' values (docs/image.md)
#   DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR
# Needs root (or sudo) for apt-get, debootstrap and buildah.
set -Eeuo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
export PATH="$PATH:/opt/swift/usr/bin"

MODE="${1:-all}"
case "$MODE" in all|context) ;; *) echo "usage: scripts/image.sh [context]" >&2; exit 2 ;; esac

# The cache root, helm's place and the install helpers (podguard_as_root, podguard_apt_install).
source scripts/tools.sh
CACHE="$PODGUARD_CACHE_ROOT"
OUT="$REPO/out"
CONTEXT="$OUT/image-context"
STORAGE="$CACHE/image-storage"
HELM="$PODGUARD_HELM"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
SUITE=bookworm
STDLIB="${PODGUARD_IMAGE_SWIFT_STDLIB:-shared}"
FENCE_MODE="${PODGUARD_IMAGE_FENCE_AGENTS:-minimal}"
IMAGE_NAME="${PODGUARD_IMAGE_NAME:-localhost/podguard}"
UID_GID=65532          # the chart's runAsUser (helm/podguard/charts/*/values.yaml)
# Figures the image is held to, not tests: printed beside the measured sizes at the end. Measured
# on 2026-12-07: 526 MB uncompressed (root 148 MB, podguard 378 MB), 208 MB as an OCI archive.
SIZE_BAR_MB=550
ARCHIVE_BAR_MB=225

# The release build. shared: the executables load the toolchain's Swift runtime (libswiftCore,
# Foundation, ICU: 80 MB) from /usr/local/lib/swift/linux, where their RUNPATH points
# ($ORIGIN/../lib/swift/linux). static: each of them links its own copy (45 MB of Foundation and
# ICU data each, thirteen times).
case "$STDLIB" in
    shared) SCRATCH="$REPO/.build-release"
            SWIFT_FLAGS=(-c release -Xlinker -rpath -Xlinker '$ORIGIN/../lib/swift/linux') ;;
    static) SCRATCH="$REPO/.build-release-static"
            SWIFT_FLAGS=(-c release --static-swift-stdlib) ;;
    *) echo "PODGUARD_IMAGE_SWIFT_STDLIB must be shared or static, not '$STDLIB'" >&2; exit 2 ;;
esac
SWIFT_FLAGS+=(--scratch-path "$SCRATCH")

# The executables: every `.executable` product of Package.swift named podguard or podguard-* (the
# operator's CLI `podguard`, also installed as the kubectl plugin kubectl-podguard, and the
# services), but these five,
# which are not services: the CSI and node simulators (a simulated array and simulated kubelets,
# for the tests and the demo), the benchmarks and the demo (they start nats-server, a control
# plane and every service on one machine), and the fuzzer (a developer's tool, docs/fuzzing.md).
# A cluster has no use for them, and they would add 120 MB and the simulators' fault injection to
# an image that runs where real nodes are.
NOT_SERVICES=(podguard-csi-sim podguard-node-sim podguard-bench podguard-demo podguard-fuzz)

# The Debian packages of the root on top of `debootstrap --variant=minbase`: what the executables
# load (ldd: libnats.so.3.4 from libnats3.4, which brings libssl3 and libprotobuf-c1; libstdc++6,
# libgcc-s1, zlib1g, already in minbase), the CA certificates (a tls:// NATS server is verified
# against the system CAs), and what fencing runs as child processes: ipmitool (fence_ipmilan
# drives the BMC through it) and the ClusterLabs fence agents. Step 4 checks that every library
# the executables load is in the root (or is the Swift runtime), and names the package of one
# that is missing.
ROOT_PACKAGES=(libnats3.4 libstdc++6 libgcc-s1 zlib1g ca-certificates ipmitool)
# Bookworm has fence_ipmilan only in fence-agents, whose Depends bring the libraries of its cloud
# agents (boto3/botocore, googleapi, oauth2client, suds, sqlalchemy: +93 MB installed). fencing.py,
# fence_ipmilan and fence_redfish import only python3, pycurl, pexpect and requests: "minimal"
# installs those, then fence-agents with dpkg --force-depends (so apt in the image reports
# fence-agents' unmet dependencies; `apt-get -f install` brings them).
FENCE_PYTHON=(python3 python3-pycurl python3-pexpect python3-requests)
case "$FENCE_MODE" in
    minimal) ROOT_PACKAGES+=("${FENCE_PYTHON[@]}") ;;
    full) ROOT_PACKAGES+=(fence-agents) ;;
    *) echo "PODGUARD_IMAGE_FENCE_AGENTS must be minimal or full, not '$FENCE_MODE'" >&2; exit 2 ;;
esac

if [ "$MODE" = context ]; then STEPS=4; else STEPS=8; fi
START=$SECONDS
STEP=0
STEP_START=$SECONDS
if [ -t 1 ]; then BOLD=$'\033[1;34m'; RESET=$'\033[0m'; else BOLD=; RESET=; fi
step_done() { printf '      done in %ds\n' $((SECONDS - STEP_START)); }
step() {
    [ "$STEP" -gt 0 ] && step_done
    STEP=$((STEP + 1)); STEP_START=$SECONDS
    printf '%s[%d/%d]%s %s  (%ds)\n' "$BOLD" "$STEP" "$STEPS" "$RESET" "$*" $((SECONDS - START))
}
log() { printf '      %s\n' "$*"; }
die() { printf '[image] ERROR: %s\n' "$*" >&2; exit 1; }
as_root() { podguard_as_root "$@"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1000000 }'; }
bytes() { du -cb "$@" | tail -1 | cut -f1; }
bah() { as_root buildah --root "$STORAGE/root" --runroot "$STORAGE/run" --storage-driver vfs "$@"; }

VERSION=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Libraries/ServiceKit/PodguardVersion.swift)
[ -n "$VERSION" ] || die "no version in Libraries/ServiceKit/PodguardVersion.swift"
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$REVISION" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    REVISION="$REVISION-dirty"
fi
# The repository states no public address and no licence yet (docs/image.md): set these when it does.
SOURCE="${PODGUARD_IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null | grep -E '^(https?://|git@)' || true)}"
LICENSES="${PODGUARD_IMAGE_LICENSES:-NOASSERTION}"
IMAGE="$IMAGE_NAME:$VERSION"
ARCHIVE="$OUT/podguard-$VERSION.oci.tar"

mapfile -t EXECUTABLES < <(sed -n 's/.*\.executable(name: "\(podguard\(-[^"]*\)\{0,1\}\)".*/\1/p' Package.swift |
                           grep -vxF -f <(printf '%s\n' "${NOT_SERVICES[@]}"))
[ ${#EXECUTABLES[@]} -gt 0 ] || die "no podguard executable products in Package.swift"

# ---------------------------------------------------------------------------------------------
step "tools: debootstrap, buildah, helm"
tools=(debootstrap binutils)
[ "$MODE" = all ] && tools+=(buildah)
mapfile -t missing < <(podguard_missing_debian_packages "${tools[@]}")
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    podguard_apt_install "${missing[@]}" >/dev/null
fi
log "debootstrap $(dpkg-query -W -f='${Version}' debootstrap)"
[ "$MODE" = all ] && log "$(buildah --version)"
# helm renders the chart whose configuration the smoke tests give each executable: scripts/setup.sh
# installs it, pinned (`make image` runs setup first; a direct run of this script does it here).
if [ "$MODE" = all ] && ! podguard_helm_is_current; then
    bash scripts/setup.sh
fi
[ "$MODE" = all ] && { podguard_require_helm || exit 1; }
[ "$MODE" = all ] && log "helm $("$HELM" version --short)"

# ---------------------------------------------------------------------------------------------
step "release build, Swift runtime $STDLIB: ${#EXECUTABLES[@]} executables in ${SCRATCH#"$REPO"/} (the first one takes long)"
# Only the image's products: the simulators, benchmarks and demo are not compiled. SwiftPM takes
# one --product an invocation; what the products share is compiled once.
build_start=$SECONDS
for exe in "${EXECUTABLES[@]}"; do
    log "$exe"
    swift build "${SWIFT_FLAGS[@]}" --product "$exe" 2>&1 |
        { grep -v -e '^Building for production' -e '\] Write ' -e 'unhandled; explicitly declare' \
                  -e '/checkouts/.*/CMakeLists.txt$' -e 'warning: the use of .mktemp' || true; } |
        sed 's/^/        /' || die "release build of $exe failed"
done
BIN=$(swift build "${SWIFT_FLAGS[@]}" --show-bin-path)
RELEASE_BUILD_SECONDS=$((SECONDS - build_start))

# ---------------------------------------------------------------------------------------------
step "Debian $SUITE root: debootstrap --variant=minbase + ${#ROOT_PACKAGES[@]} packages (fence agents: $FENCE_MODE)"
# Everything the root is made of goes into its cache key: a change of package list or recipe
# makes a new root, and the old ones are removed.
build_root() {  # $1: the (new) directory to make the root in
    local root="$1"
    local chrooted=(as_root chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8)
    log "debootstrap --variant=minbase $SUITE ($MIRROR)  ($((SECONDS - START))s)"
    as_root debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR"
    as_root tee "$root/etc/apt/sources.list" >/dev/null <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
    # No documentation, manual pages or translations: now, and for whoever extends the image.
    as_root tee "$root/etc/dpkg/dpkg.cfg.d/podguard-no-docs" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
    # No service starts inside the chroot (ipmitool ships ipmievd's init script).
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$root/usr/sbin/policy-rc.d" >/dev/null
    as_root chmod 0755 "$root/usr/sbin/policy-rc.d"
    log "$SUITE-updates and $SUITE-security  ($((SECONDS - START))s)"
    "${chrooted[@]}" apt-get update -qq
    "${chrooted[@]}" apt-get -y -q -o Dpkg::Options::=--force-confold upgrade
    log "apt-get install --no-install-recommends ${ROOT_PACKAGES[*]}  ($((SECONDS - START))s)"
    "${chrooted[@]}" apt-get install -y -q --no-install-recommends "${ROOT_PACKAGES[@]}"
    if [ "$FENCE_MODE" = minimal ]; then
        log "dpkg --force-depends -i fence-agents  ($((SECONDS - START))s)"
        "${chrooted[@]}" sh -c 'cd /tmp && apt-get download -q fence-agents && dpkg -i --force-depends fence-agents_*.deb && rm -f fence-agents_*.deb'
    fi
    # The user the services run as: the chart's runAsUser, no home, no shell.
    "${chrooted[@]}" groupadd --gid "$UID_GID" podguard
    "${chrooted[@]}" useradd --uid "$UID_GID" --gid "$UID_GID" --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin podguard
    "${chrooted[@]}" apt-get clean
    as_root rm -f "$root/usr/sbin/policy-rc.d"
    # What debootstrap's packages shipped before the dpkg exclusions, and what only the build needed.
    as_root find "$root/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
    as_root find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
    as_root rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian
    as_root find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
    as_root rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
        "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root"/dev/*
    as_root rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
    as_root truncate -s 0 "$root/etc/machine-id" 2>/dev/null || true
}
root_key=$( { echo "$SUITE $MIRROR $SECURITY_MIRROR $FENCE_MODE ${ROOT_PACKAGES[*]} $UID_GID"; declare -f build_root; } |
            sha256sum | cut -c1-16)
ROOT_CACHE="$CACHE/image-root/$root_key"
# The Debian root itself (debootstrap's target), beside its tarball and package list.
ROOT_DIR="$ROOT_CACHE/root"
if [ -s "$ROOT_CACHE/rootfs.tar" ] && [ -f "$ROOT_CACHE/complete" ]; then
    log "cached: $ROOT_CACHE (made $(cat "$ROOT_CACHE/complete"); delete it for newer Debian updates)"
    DEBOOTSTRAP_SECONDS=cached
else
    deboot_start=$SECONDS
    as_root rm -rf "$ROOT_CACHE"
    mkdir -p "$ROOT_CACHE"
    log "log: $ROOT_CACHE/build.log"
    # Not `build_root || die`: that would turn off errexit inside it. Its log's end on a failure.
    trap 'tail -30 "$ROOT_CACHE/build.log" >&2; echo "[image] ERROR: the Debian root failed (log: $ROOT_CACHE/build.log)" >&2' ERR
    build_root "$ROOT_DIR" > >(tee "$ROOT_CACHE/build.log" | grep --line-buffered '^      ') 2>&1
    wait $! 2>/dev/null || true
    trap - ERR
    # The root as the Containerfile ADDs it: numeric owners, extended attributes (file capabilities).
    as_root tar --create --file "$ROOT_CACHE/rootfs.tar.tmp" --directory "$ROOT_DIR" \
        --numeric-owner --xattrs --xattrs-include='*' --sort=name .
    as_root chroot "$ROOT_DIR" dpkg-query -W -f='${Package} ${Version}\n' > "$ROOT_CACHE/packages.txt"
    mv "$ROOT_CACHE/rootfs.tar.tmp" "$ROOT_CACHE/rootfs.tar"
    date -u +%Y-%m-%dT%H:%M:%SZ > "$ROOT_CACHE/complete"
    for other in "$CACHE"/image-root/*/; do
        [ "${other%/}" = "$ROOT_CACHE" ] || as_root rm -rf "$other"
    done
    DEBOOTSTRAP_SECONDS=$((SECONDS - deboot_start))
fi
log "$(wc -l < "$ROOT_CACHE/packages.txt") packages, $(mb "$(as_root du -sb "$ROOT_DIR" | cut -f1)")"

# ---------------------------------------------------------------------------------------------
step "build context: ${CONTEXT#"$REPO"/} (rootfs.tar, local/bin, local/lib), libraries checked"
rm -rf "$CONTEXT"
mkdir -p "$CONTEXT/local/bin" "$CONTEXT/local/lib/swift/linux"
cp "$REPO/Containerfile" "$CONTEXT/Containerfile"
ln "$ROOT_CACHE/rootfs.tar" "$CONTEXT/rootfs.tar" 2>/dev/null || cp "$ROOT_CACHE/rootfs.tar" "$CONTEXT/rootfs.tar"
# Stripped: the debug information and symbol tables are three fifths of a release executable, and
# the Swift backtracer that would use them is not in the image. The unstripped executables of the
# same build stay in $BIN.
for exe in "${EXECUTABLES[@]}"; do strip --strip-all -o "$CONTEXT/local/bin/$exe" "$BIN/$exe"; done
# kubectl finds plugins by name on PATH: `kubectl podguard status` runs kubectl-podguard, which is
# podguard itself (it reads its name from argv[0]).
ln -sfn podguard "$CONTEXT/local/bin/kubectl-podguard"
# Every library an executable loads is the Swift runtime (copied from the toolchain, when shared)
# or must be in the root: ldd here, the file looked up there.
missing_libs=()
runtime=()
while read -r lib path; do
    case "$path" in
        */lib/swift/linux/*) runtime+=("$lib"); strip --strip-unneeded -o "$CONTEXT/local/lib/swift/linux/$lib" "$path"; continue ;;
    esac
    found=no
    for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 lib usr/lib; do
        [ -e "$ROOT_DIR/$dir/$lib" ] && { found=yes; break; }
    done
    [ "$found" = yes ] || missing_libs+=("$lib ($(dpkg -S "$path" 2>/dev/null | cut -d: -f1 | head -1 || true))")
done < <(for exe in "${EXECUTABLES[@]}"; do ldd "$BIN/$exe"; done |
         awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $2 == "=>" && $3 == "not" { print $1, "not-found" }' | sort -u)
[ ${#missing_libs[@]} -eq 0 ] || die "not in the root (add its package to ROOT_PACKAGES): ${missing_libs[*]}"
[ "$STDLIB" = static ] || [ ${#runtime[@]} -gt 0 ] || die "no Swift runtime library found by ldd"
log "Debian root $(mb "$(stat -c %s "$CONTEXT/rootfs.tar")") (tar)"
log "${#EXECUTABLES[@]} executables, $(mb "$(bytes "$CONTEXT"/local/bin/*)"): ${EXECUTABLES[*]}"
[ ${#runtime[@]} -eq 0 ] || log "Swift runtime, $(mb "$(bytes "$CONTEXT"/local/lib/swift/linux/*)"): ${runtime[*]}"
if [ "$MODE" = context ]; then
    step_done
    echo "now: buildah build -t $IMAGE ${CONTEXT#"$REPO"/}   (or docker build / podman build; the Containerfile is in it)"
    exit 0
fi

# ---------------------------------------------------------------------------------------------
step "image: buildah build -t $IMAGE (vfs storage in $STORAGE)"
buildah_start=$SECONDS
mkdir -p "$STORAGE"
# --layers: the Debian root and podguard's files are layers of their own (a new podguard build
# leaves the root's layer as it was, on this machine's storage and in a registry).
bah build --isolation chroot --layers --quiet -f "$CONTEXT/Containerfile" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
    --build-arg SOURCE="$SOURCE" --build-arg LICENSES="$LICENSES" \
    -t "$IMAGE" "$CONTEXT" | sed 's/^/      image id /' || die "buildah build failed"
# Earlier builds of this image, untagged by this one, and their intermediate layers.
bah rmi --prune >/dev/null 2>&1 || true
BUILDAH_SECONDS=$((SECONDS - buildah_start))

# ---------------------------------------------------------------------------------------------
step "smoke tests in the image (buildah run --isolation chroot, as the image's user)"
# Each executable with the configuration the chart renders for it, every adapter family enabled
# (controller and node), so every adapter gets both of its ConfigMaps, and the alert relay (off by
# default) with Alertmanager and a signed webhook, so it gets its ConfigMap (--print-config checks
# the keys; the webhook's key file is read only when the relay runs).
smoke=$(mktemp -d)
container=""
cleanup() {
    if [ -n "$container" ]; then bah rm "$container" >/dev/null 2>&1 || true; fi
    rm -rf "$smoke"
}
trap cleanup EXIT
{
    echo "adapters:"
    echo "  families:"
    for family in powerflex powerstore powerscale powermax unity generic; do
        echo "    $family:"
        echo "      enabled: true"
        echo "      controller: {socketVolume: {hostPath: {path: /var/run/csi-$family}}}"
        if [ "$family" = generic ]; then
            echo "      config: {adapter: {driverName: csi.example.com}}"
            echo "      node: {pluginDir: /var/lib/kubelet/plugins/csi.example.com}"
        fi
    done
    echo "alert-relay:"
    echo "  enabled: true"
    echo "  alertmanager: {urls: [http://alertmanager.monitoring.svc:9093]}"
    echo "  webhooks:"
    echo "    - {name: ops, url: https://hooks.example.com/podguard, secret: {name: podguard-webhook-ops, key: hmac-key}, severities: [critical]}"
} > "$smoke/values.yaml"
"$HELM" template podguard helm/podguard -f "$smoke/values.yaml" > "$smoke/rendered.yaml"
mkdir -p "$smoke/config"
# Each ConfigMap's config.yaml into config/<ConfigMap name>.yaml.
awk -v dir="$smoke/config" '
    /^---/ { kind = ""; name = ""; inconfig = 0; next }
    /^kind: / { kind = $2 }
    /^  name: / && name == "" { name = $2 }
    inconfig && /^    / { sub(/^    /, ""); print > (dir "/" name ".yaml"); next }
    inconfig { inconfig = 0 }
    kind == "ConfigMap" && /^  config.yaml: \|/ { inconfig = 1 }
' "$smoke/rendered.yaml"
# The chart runs these commands: each must be an executable of the image.
for cmd in $(sed -n 's/^ *command: \[\(podguard-[a-z-]*\).*/\1/p' "$smoke/rendered.yaml" | sort -u); do
    printf '%s\n' "${EXECUTABLES[@]}" | grep -qxF "$cmd" || die "the chart runs $cmd, which is not in the image"
done
# The alert relay is a service of the image (Package.swift's podguard-alert-relay), smoke-tested below
# with the chart's podguard-alert-relay ConfigMap.
printf '%s\n' "${EXECUTABLES[@]}" | grep -qxF podguard-alert-relay || die "podguard-alert-relay is not among the image's executables"
[ -s "$smoke/config/podguard-alert-relay.yaml" ] || die "the chart rendered no podguard-alert-relay ConfigMap for the smoke test"
grep -q 'secretFile=' "$smoke/config/podguard-alert-relay.yaml" || die "the chart's podguard-alert-relay ConfigMap has no webhook entry"

container=$(bah from --quiet --name "podguard-smoke-$$" "$IMAGE")
bah copy --quiet "$container" "$smoke/config" /etc/podguard-smoke >/dev/null
in_image() { bah run --isolation chroot "$container" -- "$@"; }
user=$(in_image id -u)
[ "$user" = "$UID_GID" ] || die "the image runs as uid $user, not $UID_GID"
log "user: $(in_image id)"
failures=0
fail() { log "FAIL $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/           /'; failures=$((failures + 1)); }
for exe in "${EXECUTABLES[@]}"; do
    version=$(in_image "$exe" --version 2>&1) || { fail "$exe --version" "$version"; continue; }
    # buildah run (chroot isolation) has once returned 0 with none of the program's output here:
    # ask again once, and say so, rather than fail on buildah's side.
    if [ -z "$version" ]; then
        log "    (buildah run returned no output for $exe --version; asking again)"
        version=$(in_image "$exe" --version 2>&1) || { fail "$exe --version" "$version"; continue; }
    fi
    [ "$version" = "$exe $VERSION" ] || fail "$exe --version printed '$version', not '$exe $VERSION'"
    # Its ConfigMaps (release podguard): podguard-<service>, podguard-adapter-<family>-controller and -node.
    configs=()
    for name in "$exe" "$exe-controller" "$exe-node"; do
        [ -s "$smoke/config/$name.yaml" ] && configs+=("$name")
    done
    if [ "$exe" = podguard ]; then
        # The operator's CLI: its commands, and the same program as the kubectl plugin.
        out=$(in_image podguard --help 2>&1) && grep -q 'approve' <<< "$out" || { fail "podguard --help" "$out"; continue; }
        plugin=$(in_image kubectl-podguard --help 2>&1) && grep -q 'USAGE: kubectl podguard' <<< "$plugin" ||
            { fail "kubectl-podguard --help" "$plugin"; continue; }
        completion=$(in_image podguard completion bash 2>&1) || { fail "podguard completion bash" "$completion"; continue; }
        log "ok  $version; --help, kubectl-podguard --help, completion bash: $(wc -l <<< "$completion") lines"
        continue
    fi
    if [ "$exe" = podguard-bus ]; then
        # The administrator's tool: the install Job's configuration keys, and the permissions it renders.
        out=$(in_image "$exe" install --print-config --bus.servers nats://nats:4222 --bus.streamReplicas 3 2>&1) ||
            { fail "$exe install --print-config" "$out"; continue; }
        users=$(in_image "$exe" permissions 2>&1) || { fail "$exe permissions" "$users"; continue; }
        log "ok  $version; install --print-config: $(grep -c '^[a-zA-Z]' <<< "$out") keys; permissions: $(grep -c 'user:' <<< "$users") users"
        continue
    fi
    if [ ${#configs[@]} -eq 0 ]; then
        # podguard-tap has no chart: its defaults. Every other service must have its ConfigMap.
        [ "$exe" = podguard-tap ] || { fail "$exe: the chart rendered no ConfigMap $exe for it"; continue; }
        out=$(in_image "$exe" --print-config 2>&1) || { fail "$exe --print-config" "$out"; continue; }
        log "ok  $version; --print-config (no chart configuration: its defaults): $(grep -c '^[a-zA-Z]' <<< "$out") keys"
        continue
    fi
    summary=()
    for name in "${configs[@]}"; do
        out=$(in_image "$exe" --print-config --config "/etc/podguard-smoke/$name.yaml" 2>&1) ||
            { fail "$exe --print-config --config $name.yaml" "$out"; continue; }
        summary+=("$name.yaml: $(grep -c '^[a-zA-Z]' <<< "$out") keys")
    done
    log "ok  $version; --print-config --config ${summary[*]}"
done
agent=$(in_image fence_ipmilan -o metadata 2>&1) && grep -q '<resource-agent name="fence_ipmilan"' <<< "$agent" ||
    fail "fence_ipmilan -o metadata" "$agent"
help=$(in_image fence_ipmilan --help 2>&1) && grep -q -- '--ip=\[ip\]' <<< "$help" || fail "fence_ipmilan --help" "$help"
log "ok  fence_ipmilan --help: $(wc -l <<< "$help") lines; -o metadata: $(grep -c '<parameter ' <<< "$agent") parameters"
ipmitool=$(in_image ipmitool -V 2>&1) || fail "ipmitool -V" "$ipmitool"
log "ok  $ipmitool"
bah rm "$container" >/dev/null
container=""
[ "$failures" -eq 0 ] || die "$failures smoke test(s) failed"

# ---------------------------------------------------------------------------------------------
step "OCI archive: ${ARCHIVE#"$REPO"/}"
rm -f "$ARCHIVE"
bah push --quiet "$IMAGE" "oci-archive:$ARCHIVE:${IMAGE##*/}"
[ -s "$ARCHIVE" ] || die "no archive written"

# ---------------------------------------------------------------------------------------------
step "sizes"
# Uncompressed: the layers as the storage holds them; the archive: gzip-compressed layers.
layer_bytes=$(bah inspect --type image --format '{{.Manifest}}' "$IMAGE" |
              python3 -c 'import json, sys; print(" ".join(str(l["size"]) for l in json.load(sys.stdin)["layers"]))')
image_bytes=$(awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s }' <<< "$layer_bytes")
archive_bytes=$(stat -c %s "$ARCHIVE")
step_done
layers=""
for b in $layer_bytes; do layers+="${layers:+ + }$(mb "$b")"; done
verdict() { if [ $(($1 / 1000000)) -le "$2" ]; then echo "within the bar of $2 MB"; else echo "OVER the bar of $2 MB"; fi; }
echo
echo "image $IMAGE (revision $REVISION; Swift runtime $STDLIB, fence agents $FENCE_MODE)"
echo "  uncompressed  $(mb "$image_bytes"), $(verdict "$image_bytes" "$SIZE_BAR_MB")  (layers: Debian root + podguard: $layers)"
echo "  OCI archive   $(mb "$archive_bytes"), $(verdict "$archive_bytes" "$ARCHIVE_BAR_MB")  ${ARCHIVE#"$REPO"/}"
echo "  timings       release build ${RELEASE_BUILD_SECONDS}s, Debian root ${DEBOOTSTRAP_SECONDS}$([ "$DEBOOTSTRAP_SECONDS" = cached ] || echo s), buildah ${BUILDAH_SECONDS}s; total $((SECONDS - START))s"
