#!/usr/bin/env bash
# Compacts the etcd of the control plane in <state-dir> to its current revision, so that any
# older resourceVersion becomes unusable: lists with an old `continue` token, and watches that
# reach etcd (all of them when up.sh ran with PODGUARD_WATCH_CACHE=false), answer 410 Gone.
# Prints the revision compacted to on stdout.
#
# Usage: compact.sh <state-dir> [--physical]
set -euo pipefail

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
S="$1"; shift
PHYSICAL=()
[ "${1:-}" = --physical ] && PHYSICAL=(--physical)
[ -f "$S/env" ] || die "no $S/env: is the control plane up? (up.sh $S)"
# shellcheck disable=SC1091
. "$S/env"

if ! command -v etcdctl >/dev/null 2>&1; then
    log "etcdctl is missing: installing Debian's etcd-client"
    if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends etcd-client >&2 \
        || { "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 \
             && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends etcd-client >&2; } \
        || die "could not install etcd-client"
fi

export ETCDCTL_API=3
ctl() { etcdctl --endpoints="$PODGUARD_CP_ETCD_URL" --command-timeout=10s "$@"; }
rev="$(ctl endpoint status -w json | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2)"
[ -n "$rev" ] || die "could not read the current revision from etcd at $PODGUARD_CP_ETCD_URL"
ctl compaction "${PHYSICAL[@]}" "$rev" >&2
log "etcd compacted to revision $rev"
echo "$rev"
