#!/usr/bin/env bash
# Builds the real Kubernetes control-plane binaries podguard's tests and demo run against:
# kube-apiserver, kube-controller-manager and kube-scheduler, from Debian's own source package
# `kubernetes` (bookworm: 1.20.5+really1.20.2, i.e. upstream v1.20.2 plus Debian's patches),
# compiled with Debian's golang-go in GOPATH mode from the vendored sources, offline.
# kubectl is built from the same source. etcd comes from Debian's etcd-server.
#
# One fix is applied on top of Debian's source: the vendored github.com/modern-go/reflect2 1.0.1
# crashes under Go >= 1.18 (nil-pointer panic in json-iterator when decoding e.g. a Node: every
# POST /api/v1/nodes answered 500), so it is replaced by Debian's own golang-github-modern-go-
# reflect2-dev 1.0.2, the release made for Go 1.18.
#
# Idempotent: when the cache already holds the binaries and a stamp matching this script,
# it does nothing. Safe to interrupt: everything is built in a work dir and moved into place
# at the end; a rerun resumes with Go's build cache.
#
# Usage: build.sh [--force] [--print-bin-dir] [--print-cached-bin-dir] [--keep-work]
#   --print-bin-dir  print only the bin dir on stdout (all progress goes to stderr)
#   --print-cached-bin-dir  print the bin dir when cached, else fail at once: never builds
#                    (binaries.sh locate uses it; up.sh never builds)
#   --force          rebuild even when cached
#   --keep-work      keep the source tree and Go build cache after a successful build
# Environment:
#   PODGUARD_CACHE_DIR         cache root (default: $HOME/.cache/podguard)
#   PODGUARD_KUBE_DEB_VERSION  Debian version of the source package to build
set -euo pipefail

KUBE_DEB_VERSION="${PODGUARD_KUBE_DEB_VERSION:-1.20.5+really1.20.2-1.1+deb12u1}"
CACHE_ROOT="${PODGUARD_CACHE_DIR:-${HOME:-/root}/.cache/podguard}"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
APT_PACKAGES=(golang-go golang-github-modern-go-reflect2-dev etcd-server etcd-client dpkg-dev xz-utils openssl curl ca-certificates util-linux)

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
SCRIPT_SHA="$(sha256sum "$SCRIPT_PATH" | cut -c1-16)"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$SCRIPT_PATH"; }
FORCE=0 PRINT_BIN_DIR=0 KEEP_WORK=0 CACHED_ONLY=0
for arg in "$@"; do
    case "$arg" in
        --force) FORCE=1 ;;
        --print-bin-dir) PRINT_BIN_DIR=1 ;;
        --print-cached-bin-dir) PRINT_BIN_DIR=1 CACHED_ONLY=1 ;;
        --keep-work) KEEP_WORK=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
now() { date +%s; }
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# A cached build is a dir with all binaries plus kubectl and a stamp naming this script's hash.
cached_dir_ok() {
    local dir="$1" b
    [ -d "$dir" ] || return 1
    for b in "${BINARIES[@]}"; do [ -x "$dir/bin/$b" ] || return 1; done
    grep -qx "script_sha=$SCRIPT_SHA" "$dir/stamp" 2>/dev/null
}

find_cached() {
    local d
    for d in "$CACHE_ROOT/kubernetes-$KUBE_DEB_VERSION" "$(readlink -f "$CACHE_ROOT/kubernetes-current" 2>/dev/null || true)"; do
        [ -n "$d" ] && cached_dir_ok "$d" && { echo "$d"; return 0; }
    done
    return 1
}

report_cached() {
    local dir="$1"
    if [ "$PRINT_BIN_DIR" = 1 ]; then
        echo "$dir/bin"
    else
        log "cached: $dir/bin ($(tr '\n' ' ' < "$dir/stamp"))"
        log "nothing to do (use --force to rebuild)"
    fi
}

if [ "$FORCE" = 0 ] && dir="$(find_cached)"; then
    report_cached "$dir"
    exit 0
fi
[ "$CACHED_ONLY" = 0 ] || exit 1

mkdir -p "$CACHE_ROOT"
# One build at a time (two test runs may start together): wait for the lock, then look again.
exec 9>"$CACHE_ROOT/.build.lock"
if ! flock -n 9; then
    log "another build.sh is running; waiting for it to finish…"
    flock 9
    if [ "$FORCE" = 0 ] && dir="$(find_cached)"; then report_cached "$dir"; exit 0; fi
fi

T_START=$(now)
avail_kb="$(df -Pk "$CACHE_ROOT" | awk 'NR == 2 {print $4}')"
[ "${avail_kb:-0}" -ge 4000000 ] || log "warning: only $((avail_kb / 1024)) MB free under $CACHE_ROOT; the build needs about 4 GB while it runs"
log "building the Kubernetes control plane from Debian's source package (first time: ~4-8 min on 2 cores)"

# ---------------------------------------------------------------- 1. build dependencies (apt)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}" >&2
else
    log "Debian packages present: ${APT_PACKAGES[*]}"
fi
export PATH="/usr/lib/go/bin:$PATH"
command -v go >/dev/null || die "go not found after installing golang-go"
log "using $(go version)"

# ---------------------------------------------------------------- 2. source (apt-get source)
# A private apt configuration holding only deb-src entries, mirrored from the system's own deb
# entries: the system's apt sources are left untouched and its apt lock is not needed.
APT_DIR="$CACHE_ROOT/apt-src"
mkdir -p "$APT_DIR/lists/partial"
codename="$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-bookworm}")"
[ "$codename" = bookworm ] || log "warning: this is '$codename', not bookworm; trying its kubernetes source anyway"
{
    # one-line format: /etc/apt/sources.list and /etc/apt/sources.list.d/*.list
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n -E 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' "$f"
    done
    # deb822 format: /etc/apt/sources.list.d/*.sources
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'function flush() {
                 if (types ~ /(^| )deb( |$)/ && enabled != "no") {
                     n = split(uris, u, " "); m = split(suites, s, " ")
                     opt = (signed ~ /^\//) ? "[signed-by=" signed "] " : ""
                     for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
                         print "deb-src " opt u[i] " " s[j] " " comps
                 }
                 types = uris = suites = comps = signed = enabled = ""
             }
             /^[[:space:]]*#/ { next }
             /^[[:space:]]*$/ { flush(); next }
             { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
               if (key == "types") types = $0; else if (key == "uris") uris = $0
               else if (key == "suites") suites = $0; else if (key == "components") comps = $0
               else if (key == "signed-by") signed = $0; else if (key == "enabled") enabled = tolower($0) }
             END { flush() }' "$f"
    done
} | awk -v c="$codename" '{ for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /:\/\//) { if ($i ~ "^" c "(-|$)") print; break } }' \
  | sort -u > "$APT_DIR/sources.list.new"
if [ ! -s "$APT_DIR/sources.list.new" ]; then
    log "no $codename entry in the system's apt sources; using deb.debian.org"
    echo "deb-src http://deb.debian.org/debian $codename main" > "$APT_DIR/sources.list.new"
fi
mv "$APT_DIR/sources.list.new" "$APT_DIR/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/none"
          -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root")
log "apt deb-src entries: $(tr '\n' ';' < "$APT_DIR/sources.list")"
apt-get "${APT_OPTS[@]}" -qq update >&2 || die "apt-get update (deb-src) failed"

versions="$(apt-cache "${APT_OPTS[@]}" showsrc kubernetes 2>/dev/null | sed -n 's/^Version: //p')"
[ -n "$versions" ] || die "no source package 'kubernetes' in: $(cat "$APT_DIR/sources.list")"
if ! grep -qxF "$KUBE_DEB_VERSION" <<<"$versions"; then
    newest="$(sort -V <<<"$versions" | tail -1)"
    log "warning: kubernetes $KUBE_DEB_VERSION is no longer on the mirror (has: $(echo $versions)); building $newest"
    KUBE_DEB_VERSION="$newest"
fi

FINAL_DIR="$CACHE_ROOT/kubernetes-$KUBE_DEB_VERSION"
WORK="$CACHE_ROOT/source-build/kubernetes-$KUBE_DEB_VERSION"
SRC="$WORK/src"
mkdir -p "$WORK"

if [ ! -f "$WORK/.source-ok" ]; then
    rm -rf "$WORK/dl" "$SRC" "$WORK/src.tmp"
    mkdir -p "$WORK/dl"
    log "fetching the source: apt-get source kubernetes=$KUBE_DEB_VERSION (~35 MB)"
    (cd "$WORK/dl" && apt-get "${APT_OPTS[@]}" -qq source --download-only "kubernetes=$KUBE_DEB_VERSION" >&2 2>"$WORK/dl/apt.err") \
        || { cat "$WORK/dl/apt.err" >&2; die "apt-get source failed"; }
    log "unpacking and applying Debian's patches (dpkg-source -x)"
    (cd "$WORK/dl" && dpkg-source -x --no-check ./kubernetes_*.dsc "$WORK/src.tmp" >/dev/null 2>"$WORK/dl/dpkg-source.err") \
        || { cat "$WORK/dl/dpkg-source.err" >&2; die "dpkg-source -x failed"; }
    REFLECT2=/usr/share/gocode/src/github.com/modern-go/reflect2
    [ -f "$REFLECT2/go_above_118.go" ] || die "$REFLECT2 is not reflect2 >= 1.0.2 (package golang-github-modern-go-reflect2-dev)"
    log "replacing vendored modern-go/reflect2 1.0.1 with Debian's 1.0.2 (Go >= 1.18 fix)"
    rm -rf "$WORK/src.tmp/vendor/github.com/modern-go/reflect2"
    mkdir -p "$WORK/src.tmp/vendor/github.com/modern-go/reflect2"
    find "$REFLECT2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
        -exec cp {} "$WORK/src.tmp/vendor/github.com/modern-go/reflect2/" \;
    cp /usr/share/doc/golang-github-modern-go-reflect2-dev/copyright "$WORK/src.tmp/vendor/github.com/modern-go/reflect2/LICENSE"
    mv "$WORK/src.tmp" "$SRC"
    rm -f "$WORK"/dl/*.orig.tar.* "$WORK"/*.orig.tar.*
    touch "$WORK/.source-ok"
else
    log "source already unpacked in $SRC"
fi

# ---------------------------------------------------------------- 3. Go environment (GOPATH mode, offline)
export GOPATH="$WORK/gopath" GOCACHE="$WORK/gocache" GO111MODULE=off GOPROXY=off GOFLAGS="" CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p "$GOPATH/src/k8s.io" "$GOCACHE" "$WORK/tools"
ln -sfn "$SRC" "$GOPATH/src/k8s.io/kubernetes"
PKG_ROOT="$GOPATH/src/k8s.io/kubernetes"
cd "$PKG_ROOT"   # go resolves import paths from the logical cwd inside GOPATH

# Runs a long command with its output in a log; prints a heartbeat every 20 s so something moves.
run_long() {
    local label="$1" logfile="$2"; shift 2
    local t0 pid rc last=0 el
    t0=$(now)
    setsid "$@" >"$logfile" 2>&1 </dev/null &   # own process group: killed whole on interrupt
    pid=$!
    LONG_PID=$pid
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        el=$(( $(now) - t0 ))
        if [ $((el - last)) -ge 20 ]; then
            last=$el
            log "  … $label: $(fmt_secs "$el") elapsed, $(grep -c . "$logfile" 2>/dev/null || true) packages compiled so far"
        fi
    done
    rc=0; wait "$pid" || rc=$?
    LONG_PID=
    if [ "$rc" -ne 0 ]; then
        tail -n 40 "$logfile" >&2
        die "$label failed (exit $rc); full log: $logfile"
    fi
    log "  done: $label in $(fmt_secs $(( $(now) - t0 )))"
}
LONG_PID=
trap '[ -z "$LONG_PID" ] || kill -TERM -- "-$LONG_PID" 2>/dev/null || true' EXIT
trap 'log "interrupted: the work dir is kept, a rerun resumes"; exit 130' INT
trap 'log "terminated: the work dir is kept, a rerun resumes"; exit 143' TERM

# ---------------------------------------------------------------- 4. OpenAPI definitions
OPENAPI_OUT="pkg/generated/openapi/zz_generated.openapi.go"
if [ ! -s "$OPENAPI_OUT" ]; then
    log "generating OpenAPI definitions (pkg/generated/openapi, needed by kube-apiserver)"
    run_long "building openapi-gen" "$WORK/openapi-gen-build.log" \
        go build -v -o "$WORK/tools/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
    # Same input set as upstream's Makefile.generated_files (KUBE target): every Go dir of the
    # tree (staging/src/* seen as vendor/*) with a file carrying a `// +k8s:` tag and
    # `+k8s:openapi-gen=`, except code-generator and sample-apiserver.
    (set +o pipefail
    find -H . \( -path ./_\* -o -path './.*' -o -path ./vendor \) -prune -o -type f -name '*.go' -print0 \
        | xargs -0 grep -l --null '^// *+k8s:' | xargs -0 grep -l '+k8s:openapi-gen=' \
        | sed -e 's|^\./staging/src|vendor|' -e 's|^\./||' -e 's|/[^/]*$||' \
        | grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' \
        | LC_ALL=C sort -u | sed 's|^|k8s.io/kubernetes/|' | paste -sd, > "$WORK/openapi-inputs")
    [ -s "$WORK/openapi-inputs" ] || die "found no +k8s:openapi-gen packages"
    log "  openapi-gen over $(tr ',' '\n' < "$WORK/openapi-inputs" | wc -l) packages"
    rm -rf "$WORK/openapi-out"
    run_long "running openapi-gen" "$WORK/openapi-gen-run.log" \
        "$WORK/tools/openapi-gen" --logtostderr \
            -i "$(cat "$WORK/openapi-inputs")" \
            -o "$WORK/openapi-out" -p k8s.io/kubernetes/pkg/generated/openapi -O zz_generated.openapi \
            -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
            -r "$WORK/openapi-violations.report"
    cp "$WORK/openapi-out/k8s.io/kubernetes/pkg/generated/openapi/zz_generated.openapi.go" "$OPENAPI_OUT.tmp"
    mv "$OPENAPI_OUT.tmp" "$OPENAPI_OUT"
    if ! diff -q "$WORK/openapi-violations.report" api/api-rules/violation_exceptions.list >/dev/null; then
        log "  note: API rule violations differ from upstream's known list (harmless for a build)"
    fi
else
    log "OpenAPI definitions already generated"
fi

# ---------------------------------------------------------------- 5. the binaries
# Version info exactly as upstream's hack/lib/version.sh computes it from the release tarball.
LDFLAGS="-s -w $(SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$SRC/debian/changelog" -STimestamp)" bash -c 'source hack/lib/init.sh >/dev/null 2>&1; kube::version::ldflags')"
STAGE="$WORK/stage"
rm -rf "$STAGE"; mkdir -p "$STAGE/bin"
i=0
for b in "${BINARIES[@]}"; do
    i=$((i + 1))
    case $b in
        kube-apiserver) log "building $b ($i/${#BINARIES[@]}, several minutes the first time)…" ;;
        *) log "building $b ($i/${#BINARIES[@]}, about a minute: reuses the packages already compiled)…" ;;
    esac
    run_long "go build $b" "$WORK/build-$b.log" \
        go build -v -trimpath -tags selinux,notest -ldflags "$LDFLAGS" -o "$STAGE/bin/$b" "./cmd/$b"
done

"$STAGE/bin/kube-apiserver" --version >&2
{
    echo "deb_version=$KUBE_DEB_VERSION"
    echo "kube_version=$("$STAGE/bin/kube-apiserver" --version | awk '{print $2}')"
    echo "go=$(go version | awk '{print $3}')"
    echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "build_seconds=$(( $(now) - T_START ))"
    echo "script_sha=$SCRIPT_SHA"
} > "$STAGE/stamp"

# ---------------------------------------------------------------- 6. move into place
rm -rf "$FINAL_DIR.old"
[ -e "$FINAL_DIR" ] && mv "$FINAL_DIR" "$FINAL_DIR.old"
mv "$STAGE" "$FINAL_DIR"
rm -rf "$FINAL_DIR.old"
ln -sfn "kubernetes-$KUBE_DEB_VERSION" "$CACHE_ROOT/kubernetes-current"
if [ "$KEEP_WORK" = 0 ]; then
    cd /
    log "removing the work dir $WORK (source + Go build cache; --keep-work keeps it)"
    rm -rf "$WORK"
    rmdir "$CACHE_ROOT/work" 2>/dev/null || true
fi
log "built in $(fmt_secs $(( $(now) - T_START ))): $FINAL_DIR/bin/{$(IFS=,; echo "${BINARIES[*]}")}"
[ "$PRINT_BIN_DIR" = 1 ] && echo "$FINAL_DIR/bin"
exit 0
