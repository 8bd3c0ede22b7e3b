#!/usr/bin/env bash
# Applies the rendered Helm chart to a real API server of one Kubernetes version (what `make test`
# runs for each version of the matrix, after scripts/chart-check.sh): the objects the chart renders
# must be accepted by the API server that will hold them, which helm lint and helm template never
# ask (field names and types, the CRD's schema, RBAC rules, names).
#
#   1. a test control plane in a temporary directory (scripts/control-plane/up.sh)
#   2. helm template with every optional part on (the value sets of helm/podguard/ci/ in EVERYTHING
#      below, CRDs included); the namespaces its objects name are created, and a stand-in for the
#      Prometheus Operator's PrometheusRule CRD (scripts/crds/) that the monitoring values need
#   3. kubectl apply --server-side --dry-run=server, then kubectl apply --server-side
#   4. every rendered object exists (kubectl get of each kind/name), the StatefulCluster CRD is
#      Established, and every Deployment, DaemonSet and Job (the bus install Job, a Helm hook that
#      helm template renders too) got its pods past admission (a Node object without a kubelet
#      stands in for a node)
#   5. each other value set of helm/podguard/ci/ (the other bus auth methods, the defaults) passes a
#      server-side dry run over the applied release
#   6. the control plane is stopped and its directory removed (also on failure)
#
# No node runs a pod (there are no kubelets): Deployments and DaemonSets never become Ready, the Job
# never completes, and only the API objects are checked.
#
# Usage: chart-apply.sh [VERSION]   VERSION: 1.28 | 1.20 | newest (default) | oldest
# Environment: PODGUARD_CACHE_DIR (the cache of helm and of the Kubernetes binaries).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

CHART=helm/podguard
RELEASE=podguard
NAMESPACE=podguard
# Every optional part at once (one bus auth method: nkey per service with mutual TLS mounts the
# most, and brings the install Job).
EVERYTHING=(adapters alert-relay bus-nkey-mtls statefulcluster-namespaced dryrun-remediation monitoring)
CRD=statefulclusters.enge.me
# The chart's PrometheusRule (ci/monitoring-values.yaml) needs the Prometheus Operator's CRD, which
# no test API server has: a stand-in with the Operator's schema for rules is applied first.
PROMETHEUS_RULE_CRD=scripts/crds/prometheusrules.monitoring.coreos.com.yaml
FIELD_MANAGER=podguard-chart-apply

log() { printf '\033[1;34m[chart-apply]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[chart-apply]\033[0m %s\n' "$*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

[ $# -le 1 ] || die "usage: chart-apply.sh [VERSION]"
VERSION="$(bash scripts/control-plane/binaries.sh resolve "${1:-newest}")"
podguard_require_helm || exit 1
T0=$(date +%s%N)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/podguard-chart-apply.XXXXXX")"
STATE="$WORK/control-plane"
cleanup() {
    local rc=$?
    if [ -d "$STATE/pids" ]; then
        bash scripts/control-plane/down.sh "$STATE" >"$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; rc=1; }
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
# helm's own configuration from a clean place, as in chart-check.sh.
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
unset HELM_NAMESPACE HELM_KUBECONTEXT HELM_DRIVER

# render FILE VALUE-SET...: helm template of the release with those ci/ value sets, CRDs included.
render() {
    local out="$1"; shift
    local args=() value_set
    for value_set in "$@"; do
        [ -f "$CHART/ci/$value_set-values.yaml" ] || die "no value set $CHART/ci/$value_set-values.yaml"
        args+=(-f "$CHART/ci/$value_set-values.yaml")
    done
    "$PODGUARD_HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --include-crds "${args[@]}" >"$out" \
        || die "helm template failed with ${*:-the default values} (run scripts/chart-check.sh)"
}

# objects FILE: one line per rendered object, "<namespace or ->\t<kind>.<group>/<name>" (what
# kubectl get takes). helm's output is regular: documents start with ---, top-level apiVersion and
# kind, metadata's own name and namespace indented by two spaces.
objects() {
    awk '
        function flush() {
            if (kind != "" && name != "") {
                group = (api ~ /\//) ? "." substr(api, 1, index(api, "/") - 1) : ""
                printf "%s\t%s%s/%s\n", (ns == "" ? "-" : ns), tolower(kind), group, name
            }
            api = kind = name = ns = ""; inmeta = 0
        }
        /^---/ { flush(); next }
        /^apiVersion:/ { api = $2 }
        /^kind:/ { kind = $2 }
        /^metadata:/ { inmeta = 1; next }
        /^[^ #]/ { inmeta = 0 }
        inmeta && /^  name:/ { name = $2; gsub(/"/, "", name) }
        inmeta && /^  namespace:/ { ns = $2; gsub(/"/, "", ns) }
        END { flush() }
    ' "$1"
}

# kube ARGS...: the control plane's own kubectl; on failure its error, and the script stops.
kube() {
    if ! "$KUBECTL" "$@" >"$WORK/kubectl.out" 2>&1; then
        # The objects it did accept are noise beside the error.
        grep -v -e ' serverside-applied$' -e ' serverside-applied (server dry run)$' "$WORK/kubectl.out" >&2 || true
        die "kubectl $* failed on Kubernetes $KUBE (above)"
    fi
}

# ---------------------------------------------------------------------------------------------
# 1. the control plane
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
if ! PODGUARD_KUBE_VERSION="$VERSION" bash scripts/control-plane/up.sh "$STATE" >"$WORK/up.log" 2>&1; then
    cat "$WORK/up.log" >&2
    die "the Kubernetes $VERSION control plane did not start (above)"
fi
# shellcheck disable=SC1091
source "$STATE/env"
KUBECTL="$PODGUARD_CP_BIN_DIR/kubectl"
KUBE="$PODGUARD_CP_KUBE_VERSION"
log "Kubernetes $KUBE: control plane up ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 2. render, and create the namespaces the objects name
# ---------------------------------------------------------------------------------------------
render "$WORK/everything.yaml" "${EVERYTHING[@]}"
objects "$WORK/everything.yaml" >"$WORK/objects.tsv"
total=$(wc -l <"$WORK/objects.tsv")
[ "$total" -gt 0 ] || die "helm template rendered no objects"
mapfile -t namespaces < <({ echo "$NAMESPACE"; cut -f1 "$WORK/objects.tsv" | grep -vx -- -; } | LC_ALL=C sort -u)
for ns in "${namespaces[@]}"; do printf -- '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n' "$ns"; done >"$WORK/namespaces.yaml"
kube apply --server-side --field-manager="$FIELD_MANAGER" -f "$WORK/namespaces.yaml"
kube apply --server-side --field-manager="$FIELD_MANAGER" -f "$PROMETHEUS_RULE_CRD"
kube wait --for=condition=Established --timeout=30s customresourcedefinition.apiextensions.k8s.io/prometheusrules.monitoring.coreos.com
log "rendered $total objects with ${EVERYTHING[*]}; namespaces: ${namespaces[*]}; PrometheusRule CRD stand-in Established"

# ---------------------------------------------------------------------------------------------
# 3. server-side dry run, then applied
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
kube apply --server-side --field-manager="$FIELD_MANAGER" --dry-run=server -f "$WORK/everything.yaml"
log "server-side dry run: $(grep -c . "$WORK/kubectl.out") objects accepted ($(ms_since "$t") ms)"
t=$(date +%s%N)
kube apply --server-side --field-manager="$FIELD_MANAGER" -f "$WORK/everything.yaml"
log "applied: $(grep -c . "$WORK/kubectl.out") objects ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 4. every object is there, the CRD is Established
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
found=0
for ns in - "${namespaces[@]}"; do
    mapfile -t refs < <(awk -F'\t' -v ns="$ns" '$1 == ns { print $2 }' "$WORK/objects.tsv")
    [ ${#refs[@]} -gt 0 ] || continue
    # Cluster-scoped objects are asked for with the release namespace, which kubectl ignores for them:
    # a namespaced object rendered without a namespace would be looked for there, and missed (it
    # went to kubectl's default namespace), so such a template fails here.
    kube get --namespace "$([ "$ns" = - ] && echo "$NAMESPACE" || echo "$ns")" -o name "${refs[@]}"
    n=$(grep -c . "$WORK/kubectl.out")
    [ "$n" -eq ${#refs[@]} ] || { cat "$WORK/kubectl.out" >&2; die "kubectl get found $n of ${#refs[@]} objects in namespace $ns"; }
    found=$((found + n))
done
[ "$found" -eq "$total" ] || die "found $found of the $total rendered objects"
kube wait --for=condition=Established --timeout=30s "customresourcedefinition.apiextensions.k8s.io/$CRD"
log "all $found objects exist, CRD $CRD Established ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 4b. the workloads' pods are admitted
# ---------------------------------------------------------------------------------------------
# The controllers create the pods, and only then do the pods' admission plugins run (the
# ServiceAccount must exist, the priority class must be allowed in the namespace, ...): a Deployment
# the API server accepted can still never get a pod. One Node object without a kubelet (labelled as
# the ci/ value sets' node selectors and affinities ask) lets the DaemonSets create theirs too. The
# pods stay Pending: nothing runs them.
t=$(date +%s%N)
printf 'apiVersion: v1\nkind: Node\nmetadata:\n  name: chart-apply-node\n  labels:\n    kubernetes.io/os: linux\n    kubernetes.io/hostname: chart-apply-node\n' >"$WORK/node.yaml"
kube apply --server-side --field-manager="$FIELD_MANAGER" -f "$WORK/node.yaml"
# workloads_without_pods: each Deployment, DaemonSet and Job of the release whose pods are not all
# created (a Job's one pod is active: it never finishes without a kubelet).
workloads_without_pods() {
    kube get deployments.apps,daemonsets.apps,jobs.batch --all-namespaces -l app.kubernetes.io/part-of=podguard -o jsonpath=\
'{range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name}|{.spec.replicas}|{.status.replicas}|{.status.desiredNumberScheduled}|{.status.currentNumberScheduled}|{.status.active}{"\n"}{end}'
    # A field not set yet prints as nothing, hence | between them.
    awk -F'|' '$1 ~ /^Deployment\// && $2 != $3 { print $1; next }
               $1 ~ /^DaemonSet\// && ($4 == "" || $4 + 0 < 1 || $4 != $5) { print $1; next }
               $1 ~ /^Job\// && ($6 == "" || $6 + 0 < 1) { print $1 }' "$WORK/kubectl.out"
}
workloads=$(grep -cE '^kind: (Deployment|DaemonSet|Job)$' "$WORK/everything.yaml" || true)
deadline=$(( $(date +%s) + 30 ))
# Not in $(...): a failing kubectl must stop the script, not read as "nothing pending".
while workloads_without_pods >"$WORK/pending"; [ -s "$WORK/pending" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        kube get events --all-namespaces --field-selector type=Warning
        grep -v FailedScheduling "$WORK/kubectl.out" >&2 || true
        die "after 30 s these workloads still lack pods (the warnings above say why): $(paste -sd' ' "$WORK/pending")"
    fi
    sleep 0.5
done
log "the pods of all $workloads Deployments, DaemonSets and Jobs were admitted, Pending without kubelets ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 5. the other value sets: a server-side dry run over the applied release
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
others=("")   # "" = the defaults
while IFS= read -r f; do
    value_set="$(basename "$f" -values.yaml)"
    [[ " ${EVERYTHING[*]} " == *" $value_set "* ]] || others+=("$value_set")
done < <(find "$CHART/ci" -maxdepth 1 -name '*-values.yaml' | LC_ALL=C sort)
# The defaults whole; of each other set only the documents that differ from the defaults' (the
# ConfigMaps and workloads its bus settings change): kubectl 1.20 takes ~0.1 s per object, and a
# document already dry-run proves nothing new.
changed_documents() {  # BASE FILE: FILE's documents that are not, byte for byte, one of BASE's
    awk 'function flush() {
             if (doc != "") { if (base) seen[doc] = 1; else if (!(doc in seen)) printf "---\n%s", doc }
             doc = ""
         }
         FNR == 1 { flush(); base = (NR == 1) }
         /^---$/ { flush(); next }
         { doc = doc $0 "\n" }
         END { flush() }' "$1" "$2"
}
# helm deletes a hook Job and creates it anew (hook-delete-policy before-hook-creation), never
# updates it, and a Job's pod template cannot change: each value set's Job is dry-run as a new
# object, under a name of its own.
jobs_renamed() {  # FILE SUFFIX: FILE with each Job's name suffixed
    awk -v suffix="$2" '/^---$/ { job = 0 } /^kind: Job$/ { job = 1 } job && /^  name: / { $0 = $0 "-" suffix } { print }' "$1"
}
labels=()
checked=0
for value_set in "${others[@]}"; do
    render "$WORK/other.yaml" ${value_set:+"$value_set"}
    if [ -z "$value_set" ]; then
        cp "$WORK/other.yaml" "$WORK/defaults.yaml"
        cp "$WORK/other.yaml" "$WORK/changed.yaml"
    else
        changed_documents "$WORK/defaults.yaml" "$WORK/other.yaml" >"$WORK/changed.yaml.tmp"
        jobs_renamed "$WORK/changed.yaml.tmp" "$value_set" >"$WORK/changed.yaml"
    fi
    n=$(grep -c '^kind:' "$WORK/changed.yaml" || true)
    [ "$n" -eq 0 ] || kube apply --server-side --field-manager="$FIELD_MANAGER" --dry-run=server -f "$WORK/changed.yaml"
    labels+=("${value_set:-defaults}: $n")
    checked=$((checked + n))
done
log "server-side dry run of the defaults and, of each other value set, the objects that differ from them (${labels[*]}): $checked accepted ($(ms_since "$t") ms)"

log "Kubernetes $KUBE: the chart applies ($(ms_since "$T0") ms, control plane stopped next)"
