#!/usr/bin/env bash
# Restarts one process of the control plane that up.sh started in <state-dir>, in place: the same
# command line (port, certificates, etcd data), so every running client reaches it again at the
# same address. For tests of an apiserver outage in the middle of a failover.
#
# Usage: restart.sh <state-dir> <name> [--downtime SECONDS]
#   name       kube-apiserver | kube-controller-manager | kube-scheduler | etcd
#   --downtime seconds between the stop and the start (default 0)
# Prints the new pid; fails when the process is not up again within 60 s (apiserver: /readyz ok).
set -euo pipefail

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

STATE="" NAME="" DOWNTIME=0
while [ $# -gt 0 ]; do
    case "$1" in
        --downtime) DOWNTIME="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) if [ -z "$STATE" ]; then STATE="$1"; elif [ -z "$NAME" ]; then NAME="$1"; else usage >&2; exit 2; fi ;;
    esac
    shift
done
[ -n "$STATE" ] && [ -n "$NAME" ] || { usage >&2; exit 2; }
S="$(cd "$STATE" && pwd)"
[ -f "$S/cmd/$NAME" ] || die "no saved command line for $NAME in $S/cmd (started by an older up.sh?)"
[ -f "$S/env" ] || die "no $S/env: is the control plane up?"
# shellcheck disable=SC1091
. "$S/env"

pidfile="$S/pids/$NAME.pid"
if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    # Only a process started from this state dir (never a recycled pid).
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$S/"; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
fi
log "$NAME stopped; down for ${DOWNTIME}s"
sleep "$DOWNTIME"

mapfile -t argv < "$S/cmd/$NAME"
setsid "${argv[@]}" </dev/null >>"$S/logs/$NAME.log" 2>&1 &
pid=$!
echo "$pid" > "$pidfile"
case "$NAME" in
    kube-apiserver)
        env_var=PODGUARD_CP_APISERVER_PID
        ready() { curl -sf --max-time 2 --cacert "$PODGUARD_CP_CA_FILE" --cert "$PODGUARD_CP_CLIENT_CERT_FILE" \
                      --key "$PODGUARD_CP_CLIENT_KEY_FILE" "$PODGUARD_CP_APISERVER_URL/readyz" | grep -qx ok; } ;;
    etcd)
        env_var=PODGUARD_CP_ETCD_PID
        ready() { curl -sf --max-time 1 "$PODGUARD_CP_ETCD_URL/health" | grep -q '"health":"true"'; } ;;
    kube-controller-manager)
        env_var=PODGUARD_CP_KCM_PID
        ready() { curl -sfk --max-time 1 "https://127.0.0.1:$PODGUARD_CP_KCM_PORT/healthz" >/dev/null; } ;;
    kube-scheduler)
        env_var=PODGUARD_CP_SCHEDULER_PID
        ready() { curl -sfk --max-time 1 "https://127.0.0.1:$PODGUARD_CP_SCHEDULER_PORT/healthz" >/dev/null; } ;;
    *) die "unknown component $NAME" ;;
esac
for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || die "$NAME exited after the restart (see $S/logs/$NAME.log)"
    if ready; then
        sed -i "s|^export $env_var=.*|export $env_var=$pid|" "$S/env"
        log "$NAME up again in place (pid $pid)"
        echo "$pid"
        exit 0
    fi
    sleep 0.1
done
die "$NAME not ready 60 s after the restart (see $S/logs/$NAME.log)"
