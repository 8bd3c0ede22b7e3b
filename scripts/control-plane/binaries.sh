#!/usr/bin/env bash
# Where the test control plane's Kubernetes binaries come from, per version. Tests and services
# never obtain binaries: `make test`, `make demo` and `make bench` run `binaries.sh obtain` first
# (a make prerequisite, with progress), and up.sh only runs `binaries.sh locate`.
#
# Usage:
#   binaries.sh obtain [VERSION...]   put the binaries of each VERSION into the cache (default: newest)
#   binaries.sh locate [VERSION]      print the bin dir of VERSION, or fail at once naming the command
#                                     that obtains it (nothing is built, decompressed or downloaded)
#   binaries.sh resolve [VERSION...]  print the concrete versions (1.28, 1.20) the words stand for
#   binaries.sh list                  the versions known here, where each comes from, whether cached
# VERSION: 1.28 | 1.20 | newest (default) | oldest | matrix (newest and oldest)
#
# Where a version's binaries come from, first match wins:
#   1. PODGUARD_KUBE_BIN_DIR: used as it is, for any version asked for (up.sh reads the version
#      from `kube-apiserver --version`).
#   2. 1.28 (upstream v1.28.7): the xz binaries in ../shared/kubernetes/v1.28.7 beside the
#      repository (PODGUARD_KUBE_SHARED_DIR overrides), decompressed into the cache and refused
#      when one differs from its SHA256SUMS line. With PODGUARD_KUBE_DOWNLOAD=1 (off by default,
#      for a machine with internet access) and no shared copy: the official release binaries of
#      v1.28.7 from dl.k8s.io, each checked against the .sha256 file published beside it.
#   3. 1.20 (upstream v1.20.2 + Debian's patches): built from Debian's source by build.sh.
# Every version also needs Debian's etcd-server, openssl and curl, which `obtain` installs.
#
# Environment: PODGUARD_CACHE_DIR (cache root, default $HOME/.cache/podguard),
# PODGUARD_KUBE_BIN_DIR, PODGUARD_KUBE_SHARED_DIR, PODGUARD_KUBE_DOWNLOAD.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE_ROOT="${PODGUARD_CACHE_DIR:-${HOME:-/root}/.cache/podguard}"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
UPSTREAM_128=v1.28.7
SHARED_128="${PODGUARD_KUBE_SHARED_DIR:-$REPO/../shared/kubernetes}/$UPSTREAM_128"
DIR_128="$CACHE_ROOT/kubernetes-$UPSTREAM_128"
RUNTIME_PACKAGES=(etcd-server etcd-client openssl curl xz-utils ca-certificates util-linux)
OBTAIN_HINT="make control-plane   (or: bash scripts/control-plane/binaries.sh obtain"

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

complete_dir() {  # all four binaries executable, and the stamp written last
    local dir="$1" b
    [ -s "$dir/stamp" ] || return 1
    for b in "${BINARIES[@]}"; do [ -x "$dir/bin/$b" ] || return 1; done
}

can_have_128() { [ -f "$SHARED_128/SHA256SUMS" ] || [ "${PODGUARD_KUBE_DOWNLOAD:-0}" = 1 ] || complete_dir "$DIR_128"; }

# resolve WORD -> concrete versions, one a line
resolve_one() {
    case "$1" in
        1.28|v1.28|v1.28.7|1.28.7) echo 1.28 ;;
        1.20|v1.20|v1.20.2|1.20.2) echo 1.20 ;;
        newest|"") if can_have_128; then echo 1.28; else echo 1.20; fi ;;
        oldest) echo 1.20 ;;
        matrix) resolve_one newest; resolve_one oldest ;;
        *) die "unknown Kubernetes version '$1' (known: 1.28, 1.20, newest, oldest, matrix)" ;;
    esac
}
resolve() { local w; for w in "${@:-newest}"; do resolve_one "$w"; done | awk '!seen[$0]++'; }

# The cached bin dir of a concrete version, or nothing.
cached_bin_dir() {
    case "$1" in
        1.28) complete_dir "$DIR_128" && echo "$DIR_128/bin" ;;
        1.20) bash "$HERE/build.sh" --print-cached-bin-dir 2>/dev/null ;;
    esac
}

install_runtime_packages() {
    local missing=() pkg
    for pkg in "${RUNTIME_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}" >&2
}

write_stamp() {  # DIR SOURCE
    {
        echo "kube_version=$("$1/bin/kube-apiserver" --version | awk '{print $2}')"
        echo "source=$2"
        echo "obtained_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } > "$1/stamp"
}

obtain_128_from_shared() {
    local stage="$1" b expected actual t0
    for b in "${BINARIES[@]}"; do
        [ -f "$SHARED_128/$b.xz" ] || die "$SHARED_128/$b.xz is missing"
        expected="$(awk -v b="$b" '$2 == b || $2 == "*" b { print $1 }' "$SHARED_128/SHA256SUMS")"
        [ -n "$expected" ] || die "$SHARED_128/SHA256SUMS has no line for $b"
        t0=$(date +%s%N)
        xz -dc "$SHARED_128/$b.xz" > "$stage/bin/$b.part"
        actual="$(sha256sum "$stage/bin/$b.part" | cut -d' ' -f1)"
        if [ "$actual" != "$expected" ]; then
            rm -rf "$stage"
            die "refused $SHARED_128/$b.xz: its content has sha256 $actual, SHA256SUMS says $expected"
        fi
        chmod 0755 "$stage/bin/$b.part"
        mv "$stage/bin/$b.part" "$stage/bin/$b"
        log "  $b: decompressed and checksum verified ($(( ($(date +%s%N) - t0) / 1000000 )) ms, $(du -m "$stage/bin/$b" | cut -f1) MB)"
    done
}

obtain_128_by_download() {
    local stage="$1" b url expected actual
    local arch; arch="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
    for b in "${BINARIES[@]}"; do
        url="https://dl.k8s.io/release/$UPSTREAM_128/bin/linux/$arch/$b"
        log "  downloading $url"
        curl -fsSL --retry 3 -o "$stage/bin/$b.part" "$url" || die "download of $url failed"
        expected="$(curl -fsSL --retry 3 "$url.sha256" | awk '{print $1}')" || die "download of $url.sha256 failed"
        actual="$(sha256sum "$stage/bin/$b.part" | cut -d' ' -f1)"
        [ -n "$expected" ] && [ "$actual" = "$expected" ] || { rm -rf "$stage"; die "refused $url: sha256 $actual, published $expected"; }
        chmod 0755 "$stage/bin/$b.part"
        mv "$stage/bin/$b.part" "$stage/bin/$b"
    done
}

obtain_128() {
    if complete_dir "$DIR_128"; then log "Kubernetes $UPSTREAM_128: cached in $DIR_128/bin"; return 0; fi
    mkdir -p "$CACHE_ROOT"
    local stage="$DIR_128.stage.$$" source
    rm -rf "$stage"; mkdir -p "$stage/bin"
    trap 'rm -rf "'"$stage"'"' EXIT
    if [ -f "$SHARED_128/SHA256SUMS" ]; then
        log "Kubernetes $UPSTREAM_128: decompressing the shared binaries from $SHARED_128 into $DIR_128"
        obtain_128_from_shared "$stage"; source="shared:$SHARED_128"
    elif [ "${PODGUARD_KUBE_DOWNLOAD:-0}" = 1 ]; then
        log "Kubernetes $UPSTREAM_128: no shared copy; downloading the release binaries (PODGUARD_KUBE_DOWNLOAD=1)"
        obtain_128_by_download "$stage"; source="download:dl.k8s.io"
    else
        die "Kubernetes $UPSTREAM_128: no binaries at $SHARED_128 (set PODGUARD_KUBE_SHARED_DIR, or PODGUARD_KUBE_DOWNLOAD=1 on a machine with internet access)"
    fi
    write_stamp "$stage" "$source"
    rm -rf "$DIR_128"
    mv "$stage" "$DIR_128"
    trap - EXIT
    log "Kubernetes $("$DIR_128/bin/kube-apiserver" --version | awk '{print $2}'): ready in $DIR_128/bin"
}

obtain() {
    local versions v
    versions="$(resolve "$@")"
    if [ -n "${PODGUARD_KUBE_BIN_DIR:-}" ]; then
        [ -x "$PODGUARD_KUBE_BIN_DIR/kube-apiserver" ] || die "PODGUARD_KUBE_BIN_DIR=$PODGUARD_KUBE_BIN_DIR has no kube-apiserver"
        log "PODGUARD_KUBE_BIN_DIR is set: every version runs $("$PODGUARD_KUBE_BIN_DIR/kube-apiserver" --version) from $PODGUARD_KUBE_BIN_DIR"
        install_runtime_packages
        return 0
    fi
    log "Kubernetes control plane binaries for: $(echo $versions)"
    install_runtime_packages
    for v in $versions; do
        case "$v" in
            1.28) obtain_128 ;;
            1.20) bash "$HERE/build.sh" ;;
        esac
    done
}

locate() {
    local want="${1:-newest}" v dir
    if [ -n "${PODGUARD_KUBE_BIN_DIR:-}" ]; then echo "$PODGUARD_KUBE_BIN_DIR"; return 0; fi
    v="$(resolve "$want")"
    if dir="$(cached_bin_dir "$v")" && [ -n "$dir" ]; then echo "$dir"; return 0; fi
    die "no Kubernetes $v control-plane binaries in $CACHE_ROOT; tests never build them. Run: $OBTAIN_HINT $v)"
}

list() {
    local v dir
    for v in 1.28 1.20; do
        dir="$(cached_bin_dir "$v" || true)"
        case "$v" in
            1.28) src="$( [ -f "$SHARED_128/SHA256SUMS" ] && echo "shared: $SHARED_128" || { [ "${PODGUARD_KUBE_DOWNLOAD:-0}" = 1 ] && echo "download (dl.k8s.io)" || echo "not available here"; })" ;;
            1.20) src="Debian source package, built by build.sh" ;;
        esac
        printf '%-5s %-40s %s\n' "$v" "${dir:-not cached}" "$src"
    done
    printf 'newest=%s oldest=%s\n' "$(resolve newest)" "$(resolve oldest)"
}

command="${1:-}"; [ $# -gt 0 ] && shift
case "$command" in
    obtain) obtain "$@" ;;
    locate) [ $# -le 1 ] || die "locate takes one version"; locate "$@" ;;
    resolve) resolve "$@" ;;
    list) list ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
esac
