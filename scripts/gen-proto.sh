#!/usr/bin/env bash
# Regenerates podguard's bus contract artefacts from proto/podguard/v1/*.proto (what `make proto` runs):
#
#   0. lint                  every message, enum, field and enum value of the .proto files commented
#   1. protoc-gen-swift      built once (release) from swift-protobuf 1.39.0 in a throwaway package
#                            under $PODGUARD_CACHE_DIR/tools/, cached at $PODGUARD_CACHE_DIR/bin/
#                            (about 2 minutes the first time, nothing afterwards)
#   2. Swift messages        Debian's protoc + that plugin -> Libraries/Contracts/Generated/ (committed);
#                            each `@unchecked Sendable` the plugin writes gets its reason as a comment
#   3. CSI + podmon gRPC     protoc-gen-grpc-swift-2 built once (release) from grpc-swift-protobuf, cached
#                            the same way (under a minute the first time); messages and gRPC client and
#                            server stubs of proto/csi/v1 and proto/podmon/v1 -> Libraries/CSI/Generated/
#                            (committed), hashed into proto/csi-manifest.sha256 (CSITests fails with
#                            "run make proto" when it is stale)
#   3b. CRI gRPC             the same for proto/cri/runtime/v1 (Kubernetes CRI subset) ->
#                            Libraries/CRI/Generated/ (committed), hashed into proto/cri-manifest.sha256
#                            (CRITests fails with "run make proto" when it is stale)
#   4. manifest              Libraries/Contracts/proto-manifest.sha256: sha256sum of every .proto and
#                            every generated .swift, paths relative to the repository root, sorted by
#                            path; ContractsTests fails with "run make proto" when it is stale
#   5. message reference     the generated part of docs/bus-contract.md (scripts/proto-doc.py)
#
# Safe to run any number of times (the output is deterministic), from any directory.
#
# Usage: gen-proto.sh [--rebuild-plugin]
#   --rebuild-plugin   rebuild protoc-gen-swift and protoc-gen-grpc-swift-2 even if cached binaries
#                      of the right versions exist
# Environment:
#   PODGUARD_CACHE_DIR   cache root (default: $HOME/.cache/podguard)
#   SWIFT                the swift executable (default: swift on PATH, else /opt/swift/usr/bin/swift)
#   PROTOC               the protoc executable (default: protoc)
set -euo pipefail

SWIFT_PROTOBUF_VERSION="1.39.0"
SWIFT_PROTOBUF_URL="https://github.com/apple/swift-protobuf.git"
# Keep in step with Package.resolved: the generated stubs target this version's GRPCProtobuf API.
GRPC_SWIFT_PROTOBUF_VERSION="2.4.1"
GRPC_SWIFT_PROTOBUF_URL="https://github.com/grpc/grpc-swift-protobuf.git"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CACHE_ROOT="${PODGUARD_CACHE_DIR:-${HOME:-/root}/.cache/podguard}"
TOOLS_DIR="$CACHE_ROOT/tools/protoc-gen-swift-$SWIFT_PROTOBUF_VERSION"
BIN_DIR="$CACHE_ROOT/bin"
PLUGIN="$BIN_DIR/protoc-gen-swift"
GRPC_TOOLS_DIR="$CACHE_ROOT/tools/protoc-gen-grpc-swift-2-$GRPC_SWIFT_PROTOBUF_VERSION"
# The version is in the file name: protoc-gen-grpc-swift-2 built from a package checkout cannot
# be relied on to report its own version.
GRPC_PLUGIN="$BIN_DIR/protoc-gen-grpc-swift-2-$GRPC_SWIFT_PROTOBUF_VERSION"

PROTO_ROOT="proto"                                 # the -I root: imports read "podguard/v1/x.proto"
PROTO_DIR="$PROTO_ROOT/podguard/v1"
GENERATED_DIR="Libraries/Contracts/Generated"
MANIFEST="Libraries/Contracts/proto-manifest.sha256"
DOC="docs/bus-contract.md"

# The CSI layer: CSI v1 (subset) and Dell's podmon.v1 extension, messages and gRPC stubs.
CSI_PROTO_DIRS=("$PROTO_ROOT/csi/v1" "$PROTO_ROOT/podmon/v1")
CSI_GENERATED_DIR="Libraries/CSI/Generated"
CSI_MANIFEST="$PROTO_ROOT/csi-manifest.sha256"    # outside the CSI target: SwiftPM would warn about it

# The container runtime: the Kubernetes CRI subset (runtime.v1) the node adapters call.
CRI_PROTO_DIRS=("$PROTO_ROOT/cri/runtime/v1")
CRI_GENERATED_DIR="Libraries/CRI/Generated"
CRI_MANIFEST="$PROTO_ROOT/cri-manifest.sha256"    # outside the CRI target, as the CSI one

log() { printf '\033[1;34m[proto]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[proto]\033[0m %s\n' "$*" >&2; exit 1; }

REBUILD_PLUGIN=0
for arg in "$@"; do
    case "$arg" in
        --rebuild-plugin) REBUILD_PLUGIN=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $arg" ;;
    esac
done

if [ -z "${SWIFT:-}" ]; then
    if command -v swift >/dev/null 2>&1; then SWIFT=swift
    elif [ -x /opt/swift/usr/bin/swift ]; then SWIFT=/opt/swift/usr/bin/swift
    else SWIFT=swift; fi
fi
PROTOC="${PROTOC:-protoc}"

# ---------------------------------------------------------------------------------------------
# 1. protoc-gen-swift, built once from swift-protobuf $SWIFT_PROTOBUF_VERSION
# ---------------------------------------------------------------------------------------------
plugin_is_current() {
    [ -x "$PLUGIN" ] && "$PLUGIN" --version 2>/dev/null | grep -q " $SWIFT_PROTOBUF_VERSION\$"
}

build_protoc_gen_swift() {
    if [ "$REBUILD_PLUGIN" -eq 0 ] && plugin_is_current; then
        log "protoc-gen-swift $SWIFT_PROTOBUF_VERSION: cached at $PLUGIN"
        return
    fi
    command -v "$SWIFT" >/dev/null 2>&1 || die "no swift toolchain found (set SWIFT or put swift on PATH)"
    mkdir -p "$TOOLS_DIR" "$BIN_DIR"
    # One build at a time (two `make proto` at once wait for each other).
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$TOOLS_DIR/.lock"
        flock 9
        if [ "$REBUILD_PLUGIN" -eq 0 ] && plugin_is_current; then
            log "protoc-gen-swift $SWIFT_PROTOBUF_VERSION: built by a concurrent run, cached at $PLUGIN"
            exec 9>&-
            return
        fi
    fi
    log "building protoc-gen-swift $SWIFT_PROTOBUF_VERSION (release) in $TOOLS_DIR — about 2 minutes the first time"
    # A throwaway package whose only purpose is to build the plugin product of swift-protobuf.
    cat > "$TOOLS_DIR/Package.swift" <<EOF
// swift-tools-version:5.9
// Generated by podguard's scripts/gen-proto.sh: builds protoc-gen-swift, nothing else.
import PackageDescription

let package = Package(
    name: "podguard-protoc-tools",
    dependencies: [
        .package(url: "$SWIFT_PROTOBUF_URL", exact: "$SWIFT_PROTOBUF_VERSION"),
    ],
    targets: []
)
EOF
    "$SWIFT" build -c release --package-path "$TOOLS_DIR" --product protoc-gen-swift
    local bin_path
    bin_path="$("$SWIFT" build -c release --package-path "$TOOLS_DIR" --show-bin-path)"
    # Copy then rename, so a concurrent reader never sees a half-written binary.
    cp "$bin_path/protoc-gen-swift" "$PLUGIN.tmp.$$"
    chmod +x "$PLUGIN.tmp.$$"
    mv -f "$PLUGIN.tmp.$$" "$PLUGIN"
    plugin_is_current || die "built $PLUGIN but it does not report version $SWIFT_PROTOBUF_VERSION"
    log "protoc-gen-swift cached at $PLUGIN ($("$PLUGIN" --version))"
    exec 9>&- 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# 2. Swift messages
# ---------------------------------------------------------------------------------------------
protoc_include_args() {
    # Debian's protoc finds google/protobuf/*.proto in /usr/include by itself; say it explicitly
    # so another protoc installation works too.
    local args=(-I "$PROTO_ROOT")
    if [ -f /usr/include/google/protobuf/timestamp.proto ]; then args+=(-I /usr/include); fi
    printf '%s\n' "${args[@]}"
}

list_protos() {
    find "$PROTO_DIR" -maxdepth 1 -type f -name '*.proto' | LC_ALL=C sort
}

generate_swift() {
    command -v "$PROTOC" >/dev/null 2>&1 || die "protoc not found (Debian package protobuf-compiler; run scripts/setup.sh)"
    local protos=()
    mapfile -t protos < <(list_protos)
    [ ${#protos[@]} -gt 0 ] || die "no .proto files under $PROTO_DIR"
    local includes=()
    mapfile -t includes < <(protoc_include_args)

    TMP_OUT="$(mktemp -d "${TMPDIR:-/tmp}/podguard-proto.XXXXXX")"
    trap 'rm -rf "$TMP_OUT"' EXIT
    log "protoc $("$PROTOC" --version | awk '{print $2}'): ${#protos[@]} files -> $GENERATED_DIR/ (Visibility=Public)"
    "$PROTOC" "${includes[@]}" \
        --plugin=protoc-gen-swift="$PLUGIN" \
        --swift_opt=Visibility=Public \
        --swift_opt=FileNaming=FullPath \
        --swift_out="$TMP_OUT" \
        "${protos[@]}"

    # protoc-gen-swift declares messages with heap storage `@unchecked Sendable`; every such use in
    # this repository carries the reason it is safe, so the generated ones get it on the same line.
    find "$TMP_OUT" -type f -name '*.swift' -print0 | xargs -0 sed -i -E \
        's|^(public nonisolated struct [A-Za-z0-9_]+: @unchecked Sendable \{)$|\1  // @unchecked: the fields live in copy-on-write storage that is copied before any mutation unless uniquely referenced, so a value shared between tasks is never mutated in place|'

    sync_generated "$TMP_OUT" "$GENERATED_DIR"
}

# Syncs a freshly generated tree ($1) into the committed one ($2): only changed files are rewritten
# (unchanged ones keep their mtime, so SwiftPM does not recompile them), files of deleted .proto
# files disappear.
sync_generated() {
    local from="$1" to="$2"
    mkdir -p "$to"
    local rel changed=0
    while IFS= read -r rel; do
        if ! cmp -s "$from/$rel" "$to/$rel"; then
            mkdir -p "$(dirname "$to/$rel")"
            cp "$from/$rel" "$to/$rel"
            chmod 644 "$to/$rel"
            log "  updated $to/$rel"
            changed=$((changed + 1))
        fi
    done < <(cd "$from" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    while IFS= read -r rel; do
        if [ ! -f "$from/$rel" ]; then
            rm -f "$to/$rel"
            log "  removed $to/$rel"
            changed=$((changed + 1))
        fi
    done < <(cd "$to" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    find "$to" -mindepth 1 -type d -empty -delete
    log "generated Swift in $to: $changed file(s) changed"
}

# ---------------------------------------------------------------------------------------------
# 3. CSI and podmon: messages and gRPC stubs (protoc-gen-grpc-swift-2, built once like step 1)
# ---------------------------------------------------------------------------------------------
build_protoc_gen_grpc_swift() {
    if [ "$REBUILD_PLUGIN" -eq 0 ] && [ -x "$GRPC_PLUGIN" ]; then
        log "protoc-gen-grpc-swift-2 $GRPC_SWIFT_PROTOBUF_VERSION: cached at $GRPC_PLUGIN"
        return
    fi
    command -v "$SWIFT" >/dev/null 2>&1 || die "no swift toolchain found (set SWIFT or put swift on PATH)"
    mkdir -p "$GRPC_TOOLS_DIR" "$BIN_DIR"
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$GRPC_TOOLS_DIR/.lock"
        flock 8
        if [ "$REBUILD_PLUGIN" -eq 0 ] && [ -x "$GRPC_PLUGIN" ]; then
            log "protoc-gen-grpc-swift-2 $GRPC_SWIFT_PROTOBUF_VERSION: built by a concurrent run, cached at $GRPC_PLUGIN"
            exec 8>&-
            return
        fi
    fi
    log "building protoc-gen-grpc-swift-2 $GRPC_SWIFT_PROTOBUF_VERSION (release) in $GRPC_TOOLS_DIR — under a minute the first time"
    # A throwaway package whose only purpose is to build the plugin product of grpc-swift-protobuf.
    cat > "$GRPC_TOOLS_DIR/Package.swift" <<EOF
// swift-tools-version:6.0
// Generated by podguard's scripts/gen-proto.sh: builds protoc-gen-grpc-swift-2, nothing else.
import PackageDescription

let package = Package(
    name: "podguard-grpc-tools",
    dependencies: [
        .package(url: "$GRPC_SWIFT_PROTOBUF_URL", exact: "$GRPC_SWIFT_PROTOBUF_VERSION"),
    ],
    targets: []
)
EOF
    "$SWIFT" build -c release --package-path "$GRPC_TOOLS_DIR" --product protoc-gen-grpc-swift-2
    local bin_path
    bin_path="$("$SWIFT" build -c release --package-path "$GRPC_TOOLS_DIR" --show-bin-path)"
    # Copy then rename, so a concurrent reader never sees a half-written binary.
    cp "$bin_path/protoc-gen-grpc-swift-2" "$GRPC_PLUGIN.tmp.$$"
    chmod +x "$GRPC_PLUGIN.tmp.$$"
    mv -f "$GRPC_PLUGIN.tmp.$$" "$GRPC_PLUGIN"
    log "protoc-gen-grpc-swift-2 cached at $GRPC_PLUGIN"
    exec 8>&- 2>/dev/null || true
}

list_protos_in() {
    local dir
    for dir in "$@"; do
        find "$dir" -maxdepth 1 -type f -name '*.proto'
    done | LC_ALL=C sort
}

list_csi_protos() { list_protos_in "${CSI_PROTO_DIRS[@]}"; }
list_cri_protos() { list_protos_in "${CRI_PROTO_DIRS[@]}"; }

# Messages (protoc-gen-swift) and gRPC client + server stubs (protoc-gen-grpc-swift-2) of a set of
# protos, one protoc run, synced into a library: $1 the library's Generated dir, $2 a label for the
# log, the rest the .proto files. The bus contract never uses gRPC.
generate_grpc_into() {
    local target="$1" label="$2"
    shift 2
    local protos=("$@")
    [ ${#protos[@]} -gt 0 ] || die "no $label .proto files"
    local includes=()
    mapfile -t includes < <(protoc_include_args)

    local out
    out="$(mktemp -d "${TMPDIR:-/tmp}/podguard-grpc-proto.XXXXXX")"
    log "protoc: ${#protos[@]} $label files -> $target/ (messages, gRPC client and server)"
    "$PROTOC" "${includes[@]}" \
        --plugin=protoc-gen-swift="$PLUGIN" \
        --plugin=protoc-gen-grpc-swift-2="$GRPC_PLUGIN" \
        --swift_opt=Visibility=Public \
        --swift_opt=FileNaming=FullPath \
        --swift_out="$out" \
        --grpc-swift-2_opt=Visibility=Public \
        --grpc-swift-2_opt=FileNaming=FullPath \
        --grpc-swift-2_opt=Client=true \
        --grpc-swift-2_opt=Server=true \
        --grpc-swift-2_out="$out" \
        "${protos[@]}"
    sync_generated "$out" "$target"
    rm -rf "$out"
}

# CSI and podmon -> the CSI library.
generate_grpc() {
    local protos=()
    mapfile -t protos < <(list_csi_protos)
    [ ${#protos[@]} -gt 0 ] || die "no .proto files under ${CSI_PROTO_DIRS[*]}"
    generate_grpc_into "$CSI_GENERATED_DIR" "CSI/podmon" "${protos[@]}"
}

# The CRI subset -> the CRI library.
generate_cri_grpc() {
    local protos=()
    mapfile -t protos < <(list_cri_protos)
    [ ${#protos[@]} -gt 0 ] || die "no .proto files under ${CRI_PROTO_DIRS[*]}"
    generate_grpc_into "$CRI_GENERATED_DIR" "CRI" "${protos[@]}"
}

# ---------------------------------------------------------------------------------------------
# 4. manifest
# ---------------------------------------------------------------------------------------------
write_manifest() {
    # Paths relative to the repository root, one sorted list (byte order, LC_ALL=C).
    # ContractsTests recomputes exactly this list and these hashes.
    {
        find "$PROTO_DIR" -type f -name '*.proto' | LC_ALL=C sort
        find "$GENERATED_DIR" -type f -name '*.swift' | LC_ALL=C sort
    } | LC_ALL=C sort | tr '\n' '\0' | xargs -0 sha256sum > "$MANIFEST.tmp"
    mv -f "$MANIFEST.tmp" "$MANIFEST"
    log "manifest: $MANIFEST ($(wc -l < "$MANIFEST") files)"
}

write_csi_manifest() {
    # Same rules as write_manifest; CSITests' GeneratedCodeTests recomputes it.
    {
        list_csi_protos
        find "$CSI_GENERATED_DIR" -type f -name '*.swift' | LC_ALL=C sort
    } | LC_ALL=C sort | tr '\n' '\0' | xargs -0 sha256sum > "$CSI_MANIFEST.tmp"
    mv -f "$CSI_MANIFEST.tmp" "$CSI_MANIFEST"
    log "manifest: $CSI_MANIFEST ($(wc -l < "$CSI_MANIFEST") files)"
}

write_cri_manifest() {
    # Same rules as write_manifest; CRITests' GeneratedCodeTests recomputes it.
    {
        list_cri_protos
        find "$CRI_GENERATED_DIR" -type f -name '*.swift' | LC_ALL=C sort
    } | LC_ALL=C sort | tr '\n' '\0' | xargs -0 sha256sum > "$CRI_MANIFEST.tmp"
    mv -f "$CRI_MANIFEST.tmp" "$CRI_MANIFEST"
    log "manifest: $CRI_MANIFEST ($(wc -l < "$CRI_MANIFEST") files)"
}

# ---------------------------------------------------------------------------------------------
# 5. message reference in docs/bus-contract.md
# ---------------------------------------------------------------------------------------------
generate_docs() {
    command -v python3 >/dev/null 2>&1 || die "python3 not found (run scripts/setup.sh)"
    local protos=()
    mapfile -t protos < <(list_protos)
    python3 scripts/proto-doc.py --doc "$DOC" "${protos[@]}"
    log "message reference: $DOC (between <!-- BEGIN GENERATED --> and <!-- END GENERATED -->)"
}

# The documentation rule is checked before anything is written: every message, enum, field and
# enum value commented, field numbers unique, enums starting at 0.
lint_protos() {
    command -v python3 >/dev/null 2>&1 || die "python3 not found (run scripts/setup.sh)"
    local protos=()
    mapfile -t protos < <(list_protos)
    [ ${#protos[@]} -gt 0 ] || die "no .proto files under $PROTO_DIR"
    python3 scripts/proto-doc.py "${protos[@]}" > /dev/null || die "fix the .proto files first (see above)"
    log "lint: ${#protos[@]} .proto files, every declaration commented"
}

lint_protos
build_protoc_gen_swift
generate_swift
build_protoc_gen_grpc_swift
generate_grpc
generate_cri_grpc
write_manifest
write_csi_manifest
write_cri_manifest
generate_docs
log "done"
