#!/usr/bin/env bash
# Stops the control plane that up.sh started in <state-dir>: SIGTERM to scheduler,
# controller-manager, apiserver, then etcd; SIGKILL to whatever is still alive after the timeout.
# Only processes whose pid file is in <state-dir>/pids and whose command line names <state-dir>
# are signalled (a recycled pid is left alone).
#
# Usage: down.sh <state-dir> [--purge] [--timeout SECONDS]
#   --purge    remove <state-dir> afterwards (etcd data, PKI, logs)
#   --timeout  seconds to wait after SIGTERM before SIGKILL (default 10)
set -euo pipefail

log() { printf '[control-plane] %s\n' "$*" >&2; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
STATE="" PURGE=0 TIMEOUT=10
while [ $# -gt 0 ]; do
    case "$1" in
        --purge) PURGE=1 ;;
        --timeout) TIMEOUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) [ -z "$STATE" ] || { echo "down.sh: unexpected argument $1" >&2; exit 2; }; STATE="$1" ;;
    esac
    shift
done
[ -n "$STATE" ] || { usage >&2; exit 2; }
if [ ! -d "$STATE" ]; then log "no state dir $STATE: nothing to stop"; exit 0; fi
S="$(cd "$STATE" && pwd)"

ours() {  # pid alive and started from this state dir?
    kill -0 "$1" 2>/dev/null && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF "$S/"
}

T0=$(date +%s%N)
pids=() names=()
for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do
    f="$S/pids/$name.pid"
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if [ -n "$pid" ] && ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        pids+=("$pid"); names+=("$name")
    else
        rm -f "$f"
    fi
done

if [ ${#pids[@]} -eq 0 ]; then
    log "nothing running in $S"
else
    deadline=$(( $(date +%s) + TIMEOUT ))
    while :; do
        alive=0
        for pid in "${pids[@]}"; do ours "$pid" && alive=1; done
        [ $alive -eq 0 ] && break
        if [ "$(date +%s)" -ge "$deadline" ]; then
            for i in "${!pids[@]}"; do
                if ours "${pids[$i]}"; then
                    log "${names[$i]} (pid ${pids[$i]}) still alive after ${TIMEOUT}s: SIGKILL"
                    kill -KILL "${pids[$i]}" 2>/dev/null || true
                fi
            done
            sleep 0.2
            break
        fi
        sleep 0.1
    done
    rm -f "$S"/pids/*.pid
    log "stopped ${names[*]} in $(( ($(date +%s%N) - T0) / 1000000 )) ms"
fi
rm -f "$S/env"

if [ "$PURGE" = 1 ]; then
    rm -rf "$S"
    log "removed $S"
fi
