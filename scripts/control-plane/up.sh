#!/usr/bin/env bash
# Starts a real Kubernetes control plane on 127.0.0.1 for podguard's tests and demo:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler (no kubelet: podguard's node
# simulator plays the kubelets). Ports are picked free at start; nothing listens off loopback.
#
# Usage: up.sh <state-dir>
# Writes into <state-dir>:
#   env                 shell file to source: KUBECONFIG, PODGUARD_CP_* (URL, ports, PIDs, cert paths)
#   admin.kubeconfig    client-cert kubeconfig for user "podguard-admin" (group system:masters)
#   pki/                CA, serving cert, client certs, service-account key pair (kept across restarts)
#   etcd/               etcd data (kept across restarts; down.sh --purge removes everything)
#   logs/*.log          one log per process
# Stop it with down.sh <state-dir>; restart one process in place with restart.sh <state-dir> NAME. Binaries come from the cache that `binaries.sh obtain` (a make
# prerequisite) fills; up.sh never builds or fetches them, and fails at once naming that command.
# It reads the version it starts from `kube-apiserver --version` and passes that version's flags.
#
# Knobs (environment, all optional):
#   PODGUARD_NODE_MONITOR_GRACE_PERIOD  (8s)   node considered unreachable after this without heartbeat
#   PODGUARD_NODE_MONITOR_PERIOD        (1s)   how often the node lifecycle controller checks
#   PODGUARD_NODE_STARTUP_GRACE_PERIOD  (10s)  grace for a node that never posted a status
#   PODGUARD_POD_EVICTION_TIMEOUT       (5m0s) upstream default, see docs/test-control-plane.md (< 1.24 only)
#   PODGUARD_PV_SYNC_PERIOD             (2s)   PV/PVC binder resync (upstream 15s)
#   PODGUARD_KCM_CONTROLLERS            (list below)  --controllers of kube-controller-manager
#   PODGUARD_WATCH_CACHE                (true) false: every watch/list goes to etcd (deterministic 410s)
#   PODGUARD_EXTRA_APISERVER_FLAGS / PODGUARD_EXTRA_KCM_FLAGS / PODGUARD_EXTRA_SCHEDULER_FLAGS
#   PODGUARD_KUBE_VERSION               (newest) 1.28 | 1.20 | newest | oldest: which cached binaries
#   PODGUARD_KUBE_BIN_DIR               use these binaries instead of the cache (any version)
#   PODGUARD_UP_TIMEOUT                 (90) seconds to wait for everything to be ready
set -euo pipefail

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { printf '[control-plane] ERROR: %s\n' "$*" >&2; exit 1; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
[ $# -eq 1 ] || { usage >&2; exit 2; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
S="$(cd "$1" && pwd)"
T0=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

NODE_MONITOR_GRACE_PERIOD="${PODGUARD_NODE_MONITOR_GRACE_PERIOD:-8s}"
NODE_MONITOR_PERIOD="${PODGUARD_NODE_MONITOR_PERIOD:-1s}"
NODE_STARTUP_GRACE_PERIOD="${PODGUARD_NODE_STARTUP_GRACE_PERIOD:-10s}"
POD_EVICTION_TIMEOUT="${PODGUARD_POD_EVICTION_TIMEOUT:-5m0s}"
PV_SYNC_PERIOD="${PODGUARD_PV_SYNC_PERIOD:-2s}"
KCM_CONTROLLERS="${PODGUARD_KCM_CONTROLLERS:-attachdetach,clusterrole-aggregation,cronjob,csrapproving,csrcleaner,csrsigning,daemonset,deployment,disruption,endpoint,endpointslice,endpointslicemirroring,garbagecollector,job,namespace,nodelifecycle,persistentvolume-binder,persistentvolume-expander,podgc,pv-protection,pvc-protection,replicaset,replicationcontroller,resourcequota,root-ca-cert-publisher,serviceaccount,serviceaccount-token,statefulset,ttl}"
WATCH_CACHE="${PODGUARD_WATCH_CACHE:-true}"
UP_TIMEOUT="${PODGUARD_UP_TIMEOUT:-90}"

# ------------------------------------------------------------------ refuse to start twice
mkdir -p "$S/pids" "$S/logs"
for f in "$S"/pids/*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$S/"; then
        die "already running in $S ($(basename "$f" .pid) pid $pid); run: $HERE/down.sh $S"
    fi
    rm -f "$f"
done
rm -f "$S/env"   # rewritten only once everything is ready

# ------------------------------------------------------------------ binaries
BIN="$(bash "$HERE/binaries.sh" locate "${PODGUARD_KUBE_VERSION:-newest}")" || exit 3
for b in kube-apiserver kube-controller-manager kube-scheduler; do
    [ -x "$BIN/$b" ] || die "missing $BIN/$b (run: make control-plane)"
done
KUBE_VERSION="$("$BIN/kube-apiserver" --version | awk '{print $2}')"   # e.g. v1.28.7
KUBE_MINOR="$(sed -E 's/^v?[0-9]+\.([0-9]+).*/\1/' <<<"$KUBE_VERSION")"
[[ "$KUBE_MINOR" =~ ^[0-9]+$ ]] || die "cannot read the minor version of '$KUBE_VERSION' ($BIN/kube-apiserver --version)"
# Flags that 1.24 removed: the insecure ports of the apiserver, controller-manager and scheduler,
# and --pod-eviction-timeout (taint-based eviction has been the only kind since then). Before 1.24
# the insecure ports are switched off explicitly.
APISERVER_VERSION_FLAGS=() KCM_VERSION_FLAGS=() SCHEDULER_VERSION_FLAGS=()
if [ "$KUBE_MINOR" -lt 24 ]; then
    APISERVER_VERSION_FLAGS=(--insecure-port=0)
    KCM_VERSION_FLAGS=(--port=0 --pod-eviction-timeout="$POD_EVICTION_TIMEOUT")
    SCHEDULER_VERSION_FLAGS=(--port=0)
fi
ETCD="$(command -v etcd || true)"
[ -n "$ETCD" ] || die "etcd not found (apt-get install etcd-server; build.sh installs it)"
command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"
command -v curl >/dev/null || die "curl not found (apt-get install curl)"

# ------------------------------------------------------------------ free ports on 127.0.0.1
declare -A TAKEN=()
port_listening() {  # is anything listening on this TCP port (IPv4 or IPv6, any address)?
    awk -v p="$(printf '%04X' "$1")" '$4 == "0A" { split($2, a, ":"); if (a[2] == p) found = 1 } END { exit !found }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# free_port VAR: a port in 20000-31999 (below Linux's ephemeral range) that nothing listens on
free_port() {
    local p
    for _ in $(seq 1 500); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
        [ -z "${TAKEN[$p]:-}" ] || continue
        port_listening "$p" && continue
        TAKEN[$p]=1; printf -v "$1" '%s' "$p"; return 0
    done
    die "no free port found"
}
free_port ETCD_PORT; free_port ETCD_PEER_PORT; free_port APISERVER_PORT; free_port KCM_PORT; free_port SCHEDULER_PORT
APISERVER_URL="https://127.0.0.1:$APISERVER_PORT"
ETCD_URL="http://127.0.0.1:$ETCD_PORT"

# ------------------------------------------------------------------ processes
STARTED=()
PID_etcd="" PID_kube_apiserver="" PID_kube_controller_manager="" PID_kube_scheduler=""
cleanup_on_failure() {
    local rc=$?
    [ $rc -eq 0 ] && return
    log "start failed; last log lines:"
    for f in "$S"/logs/*.log; do [ -s "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${STARTED[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -f "$S"/pids/*.pid
}
trap cleanup_on_failure EXIT

# start NAME CMD...: detached (own session), stdin closed, output to logs/NAME.log
start() {
    local name="$1"; shift
    # The exact command line, so restart.sh can start the process again in place (same port,
    # certificates and data): one argument per line.
    mkdir -p "$S/cmd"
    printf '%s\n' "$@" > "$S/cmd/$name"
    setsid "$@" </dev/null >"$S/logs/$name.log" 2>&1 &
    local pid=$!
    echo "$pid" > "$S/pids/$name.pid"
    STARTED+=("$pid")
    printf -v "PID_${name//-/_}" '%s' "$pid"
}
# wait_for NAME PID CHECK...: until CHECK succeeds; fails if the process died or after the timeout
DEADLINE=$(( $(date +%s) + UP_TIMEOUT ))
wait_for() {
    local name="$1" pid="$2"; shift 2
    until "$@" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || die "$name exited (see $S/logs/$name.log)"
        [ "$(date +%s)" -lt "$DEADLINE" ] || die "$name not ready after ${UP_TIMEOUT}s (see $S/logs/$name.log)"
        sleep 0.1
    done
}
# etcd first: it elects itself while the PKI is generated (single member: a short election
# timeout only shortens its start).
start etcd "$ETCD" --name podguard --data-dir "$S/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "podguard=http://127.0.0.1:$ETCD_PEER_PORT" \
    --heartbeat-interval=20 --election-timeout=200 --logger zap --log-outputs stderr

# ------------------------------------------------------------------ PKI (openssl), kept across restarts
P="$S/pki"
mkdir -p "$P"
umask 077
ossl() { openssl "$@" 2>>"$S/logs/openssl.log"; }
new_key() { [ -s "$P/$1.key" ] || ossl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$P/$1.key"; }
# sign_cert NAME SUBJECT EXTENSIONS
sign_cert() {
    local name="$1" subj="$2" ext="$3"
    [ -s "$P/$name.crt" ] && return 0
    new_key "$name"
    ossl req -new -key "$P/$name.key" -subj "$subj" -out "$P/$name.csr"
    printf '%b\n' "$ext" > "$P/$name.ext"
    ossl x509 -req -in "$P/$name.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial \
        -days 3650 -sha256 -extfile "$P/$name.ext" -out "$P/$name.crt"
    rm -f "$P/$name.csr" "$P/$name.ext"
}
# RSA 2048 keys (as kubeadm makes them), generated in parallel: ~0.3 s each.
keygen_pids=()
for k in ca apiserver admin controller-manager scheduler sa; do new_key "$k" & keygen_pids+=($!); done
for pid in "${keygen_pids[@]}"; do wait "$pid" || die "openssl key generation failed (see $S/logs/openssl.log)"; done
if [ ! -s "$P/ca.crt" ]; then
    log "generating PKI in $P (CA, apiserver serving cert, client certs, service-account keys)"
    rm -f "$P"/*.crt
    new_key ca
    ossl req -x509 -new -key "$P/ca.key" -subj "/CN=podguard-test-ca" -days 3650 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
        -out "$P/ca.crt"
fi
sign_cert apiserver "/CN=kube-apiserver" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
CLIENT_EXT="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth"
sign_cert admin "/O=system:masters/CN=podguard-admin" "$CLIENT_EXT"
sign_cert controller-manager "/CN=system:kube-controller-manager" "$CLIENT_EXT"
sign_cert scheduler "/CN=system:kube-scheduler" "$CLIENT_EXT"
if [ ! -s "$P/sa.pub" ]; then
    new_key sa
    ossl pkey -in "$P/sa.key" -pubout -out "$P/sa.pub"
fi
umask 022

# kubeconfig NAME  -> $S/NAME.kubeconfig using pki/NAME.{crt,key}
write_kubeconfig() {
    local name="$1" user="$2"
    cat > "$S/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: podguard
  cluster:
    server: $APISERVER_URL
    certificate-authority: $P/ca.crt
users:
- name: $user
  user:
    client-certificate: $P/$name.crt
    client-key: $P/$name.key
contexts:
- name: podguard
  context: {cluster: podguard, user: $user}
current-context: podguard
EOF
}
write_kubeconfig admin podguard-admin
write_kubeconfig controller-manager system:kube-controller-manager
write_kubeconfig scheduler system:kube-scheduler

ADMIN_CURL=(curl -sf --max-time 2 --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key")

wait_for etcd "$PID_etcd" bash -c "curl -sf --max-time 1 $ETCD_URL/health | grep -q '\"health\":\"true\"'"
log "etcd ready on $ETCD_URL ($(ms_since "$T0") ms)"

start kube-apiserver "$BIN/kube-apiserver" \
    --advertise-address=127.0.0.1 --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" "${APISERVER_VERSION_FLAGS[@]}" \
    --etcd-servers="$ETCD_URL" --watch-cache="$WATCH_CACHE" \
    --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
    --client-ca-file="$P/ca.crt" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,NodeRestriction,TaintNodesByCondition,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,PersistentVolumeClaimResize,RuntimeClass,CertificateApproval,CertificateSigning,CertificateSubjectRestriction,DefaultIngressClass,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true --endpoint-reconciler-type=none \
    --cert-dir="$S/apiserver-certs" --v=1 ${PODGUARD_EXTRA_APISERVER_FLAGS:-}

wait_for kube-apiserver "$PID_kube_apiserver" bash -c "$(printf '%q ' "${ADMIN_CURL[@]}") $APISERVER_URL/readyz | grep -qx ok"
log "kube-apiserver ready on $APISERVER_URL ($(ms_since "$T0") ms)"
# Controller-manager and scheduler only once the apiserver is ready: before RBAC's bootstrap
# roles exist their delegated authentication fails and they exit.
start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$S/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$S/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$S/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" "${KCM_VERSION_FLAGS[@]}" --cert-dir="$S/kcm-certs" \
    --leader-elect=false --use-service-account-credentials=true \
    --controllers="$KCM_CONTROLLERS" \
    --service-account-private-key-file="$P/sa.key" --root-ca-file="$P/ca.crt" \
    --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" \
    --node-monitor-period="$NODE_MONITOR_PERIOD" --node-monitor-grace-period="$NODE_MONITOR_GRACE_PERIOD" \
    --node-startup-grace-period="$NODE_STARTUP_GRACE_PERIOD" \
    --pvclaimbinder-sync-period="$PV_SYNC_PERIOD" \
    --v=2 ${PODGUARD_EXTRA_KCM_FLAGS:-}

start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$S/scheduler.kubeconfig" \
    --authentication-kubeconfig="$S/scheduler.kubeconfig" \
    --authorization-kubeconfig="$S/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" "${SCHEDULER_VERSION_FLAGS[@]}" --cert-dir="$S/scheduler-certs" \
    --leader-elect=false --v=1 ${PODGUARD_EXTRA_SCHEDULER_FLAGS:-}

wait_for kube-controller-manager "$PID_kube_controller_manager" curl -sfk --max-time 1 "https://127.0.0.1:$KCM_PORT/healthz"
wait_for kube-scheduler "$PID_kube_scheduler" curl -sfk --max-time 1 "https://127.0.0.1:$SCHEDULER_PORT/healthz"
# The controllers work once the service-account controllers have populated "default" (pods
# cannot be created before: the ServiceAccount admission plugin needs the account and, before
# 1.24, its token Secret; 1.24+ creates no token Secrets, pods get projected tokens).
if [ "$KUBE_MINOR" -lt 24 ]; then SA_READY="grep -q '\"secrets\"'"; else SA_READY="grep -q '\"name\": *\"default\"'"; fi
wait_for kube-controller-manager "$PID_kube_controller_manager" bash -c \
    "$(printf '%q ' "${ADMIN_CURL[@]}") $APISERVER_URL/api/v1/namespaces/default/serviceaccounts/default | $SA_READY"
log "controller-manager and scheduler ready ($(ms_since "$T0") ms)"

# ------------------------------------------------------------------ env file
{
    q() { printf 'export %s=%q\n' "$1" "$2"; }
    q KUBECONFIG "$S/admin.kubeconfig"
    q PODGUARD_CP_STATE_DIR "$S"
    q PODGUARD_CP_APISERVER_URL "$APISERVER_URL"
    q PODGUARD_CP_APISERVER_PORT "$APISERVER_PORT"
    q PODGUARD_CP_ETCD_URL "$ETCD_URL"
    q PODGUARD_CP_ETCD_PORT "$ETCD_PORT"
    q PODGUARD_CP_ETCD_PEER_PORT "$ETCD_PEER_PORT"
    q PODGUARD_CP_KCM_PORT "$KCM_PORT"
    q PODGUARD_CP_SCHEDULER_PORT "$SCHEDULER_PORT"
    q PODGUARD_CP_CA_FILE "$P/ca.crt"
    q PODGUARD_CP_CA_KEY_FILE "$P/ca.key"
    q PODGUARD_CP_CLIENT_CERT_FILE "$P/admin.crt"
    q PODGUARD_CP_CLIENT_KEY_FILE "$P/admin.key"
    q PODGUARD_CP_ETCD_PID "$PID_etcd"
    q PODGUARD_CP_APISERVER_PID "$PID_kube_apiserver"
    q PODGUARD_CP_KCM_PID "$PID_kube_controller_manager"
    q PODGUARD_CP_SCHEDULER_PID "$PID_kube_scheduler"
    q PODGUARD_CP_BIN_DIR "$BIN"
    q PODGUARD_CP_KUBE_VERSION "$KUBE_VERSION"
} > "$S/env.tmp"
mv "$S/env.tmp" "$S/env"
trap - EXIT
echo "[control-plane] up in $(ms_since "$T0") ms: apiserver $APISERVER_URL (Kubernetes $KUBE_VERSION), etcd $ETCD_URL, pids etcd=$PID_etcd apiserver=$PID_kube_apiserver kcm=$PID_kube_controller_manager scheduler=$PID_kube_scheduler; source $S/env (KUBECONFIG=$S/admin.kubeconfig); logs $S/logs/"
