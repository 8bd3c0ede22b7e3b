#!/usr/bin/env bash
# libFuzzer on every decoder podguard exposes to outside bytes (what `make fuzz` runs; docs/fuzzing.md):
#
#   1. one build of podguard-fuzz (Tools/PodguardFuzz) with -sanitize=fuzzer,address in .build-fuzz,
#      a scratch folder of its own: the sanitizers instrument every module, which the normal .build
#      must not be
#   2. each target (podguard-fuzz --list) for FUZZ_SECONDS, on a copy of its committed seeds
#      (Tools/PodguardFuzz/Corpus/<target>) in the cache, so the seeds in the repository do not grow
#      while the copy keeps what earlier runs found
#   3. a table of each target's executions, executions per second, coverage (libFuzzer's cov: edges
#      and ft: features), corpus size and crashes; every crash input is kept under
#      <cache>/fuzz/crashes/<target>/ with the command that replays it
#
# Exits non-zero when a target crashed (a trap, a sanitizer report, a violated property, a timeout or
# running out of memory). Not part of `make test`: a minute per target is too long for every run.
#
# Usage: fuzz.sh
# Environment: FUZZ_SECONDS (per target, default 60), FUZZ_TARGETS (space-separated names, default
# every target), FUZZ_MAX_LEN (largest input in bytes, default 8192), FUZZ_CONFIGURATION (release,
# the default: optimized code runs ten times as many inputs a second; debug builds sooner and traps
# on the same checks), PODGUARD_CACHE_DIR (cache root, see scripts/tools.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_MAX_LEN="${FUZZ_MAX_LEN:-8192}"
FUZZ_CONFIGURATION="${FUZZ_CONFIGURATION:-release}"
SCRATCH=.build-fuzz
CORPUS="$ROOT/Tools/PodguardFuzz/Corpus"
WORK="$PODGUARD_CACHE_ROOT/fuzz"

log() { printf '\033[1;34m[fuzz]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[fuzz]\033[0m %s\n' "$*" >&2; exit 1; }

[[ "$FUZZ_CONFIGURATION" =~ ^(debug|release)$ ]] || die "FUZZ_CONFIGURATION is debug or release, not '$FUZZ_CONFIGURATION'"
[[ "$FUZZ_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a whole number of seconds above 0, not '$FUZZ_SECONDS'"
command -v swift >/dev/null || die "swift not found on PATH (the toolchain is at /opt/swift/usr/bin on podguard's machines)"

# -D PODGUARD_FUZZ: the entry point hands the command line to libFuzzer (Tools/PodguardFuzz/PodguardFuzz.swift).
BUILD=(swift build -c "$FUZZ_CONFIGURATION" --scratch-path "$SCRATCH" --product podguard-fuzz
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DPODGUARD_FUZZ)
log "sanitized $FUZZ_CONFIGURATION build of podguard-fuzz in $SCRATCH (the first one takes 20 to 50 minutes)"
started=$(date +%s)
"${BUILD[@]}" 2>&1 | { grep -v -e 'Cannot export local symbol' -e 'unhandled; explicitly declare' || true; } | tail -n 5
[ "${PIPESTATUS[0]}" -eq 0 ] || die "the sanitized build failed: ${BUILD[*]}"
BIN="$("${BUILD[@]}" --show-bin-path)/podguard-fuzz"
log "built in $(( $(date +%s) - started )) s: $BIN"

mapfile -t ALL_TARGETS < <("$BIN" --list | cut -f1)
if [ -n "${FUZZ_TARGETS:-}" ]; then
    read -r -a TARGETS <<< "$FUZZ_TARGETS"
    for target in "${TARGETS[@]}"; do
        printf '%s\n' "${ALL_TARGETS[@]}" | grep -qxF "$target" || die "no target '$target'; the targets: ${ALL_TARGETS[*]}"
    done
else
    TARGETS=("${ALL_TARGETS[@]}")
fi

mkdir -p "$WORK/logs"
# The Swift runtime's own crash handler reads memory the way AddressSanitizer reports; with it off
# a trap reaches libFuzzer's handler, which saves the input. Leak checks stay on.
export SWIFT_BACKTRACE=enable=no

ROWS=()
CRASHED=()
for target in "${TARGETS[@]}"; do
    corpus="$WORK/corpus/$target"
    crashes="$WORK/crashes/$target"
    mkdir -p "$corpus" "$crashes"
    [ -d "$CORPUS/$target" ] && cp -n "$CORPUS/$target"/* "$corpus"/ 2>/dev/null || true
    seeds=$(find "$corpus" -type f | wc -l)
    # The crash inputs of this run are the ones newer than this mark.
    touch "$WORK/logs/$target.started"
    log "$target: ${FUZZ_SECONDS} s on $seeds inputs ($corpus)"
    status=0
    PODGUARD_FUZZ_TARGET="$target" "$BIN" "$corpus" \
        -max_total_time="$FUZZ_SECONDS" -max_len="$FUZZ_MAX_LEN" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$crashes/" > "$WORK/logs/$target.log" 2>&1 || status=$?
    logfile="$WORK/logs/$target.log"
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logfile" | tail -n 1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logfile" | tail -n 1)
    # libFuzzer's status lines: `#N  DONE  cov: E ft: F corp: C/S ...` (the last one is the final state).
    status_line=$(grep -E '^#[0-9]+' "$logfile" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$status_line")
    features=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$status_line")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$status_line")
    found=$(find "$crashes" -type f -newer "$WORK/logs/$target.started" | wc -l)
    if [ "$status" -ne 0 ]; then
        CRASHED+=("$target")
        [ "$found" -gt 0 ] || found=1
        grep -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|Fatal error|fuzz property violated' "$logfile" | sed 's/^/    /' || true
    fi
    ROWS+=("$(printf '%-18s %12s %9s %7s %9s %7s %8s' "$target" "${executions:-?}" "${per_second:-?}" \
                     "${cov:-?}" "${features:-?}" "${corp:-?}" "$found")")
done

echo
printf '%-18s %12s %9s %7s %9s %7s %8s\n' target executions exec/s cov features corpus crashes
printf '%s\n' "${ROWS[@]}"
echo "(${FUZZ_SECONDS} s each, $FUZZ_CONFIGURATION build; logs in $WORK/logs, corpora in $WORK/corpus)"

if [ ${#CRASHED[@]} -gt 0 ]; then
    for target in "${CRASHED[@]}"; do
        printf '\033[1;31m[fuzz]\033[0m %s crashed; its inputs:\n' "$target" >&2
        find "$WORK/crashes/$target" -type f -newer "$WORK/logs/$target.started" | sed 's/^/    /' >&2
        printf '    replay: PODGUARD_FUZZ_TARGET=%s SWIFT_BACKTRACE=enable=no %s <input>   (log: %s)\n' \
            "$target" "$BIN" "$WORK/logs/$target.log" >&2
    done
    exit 1
fi
log "no crash in ${#TARGETS[@]} targets"
