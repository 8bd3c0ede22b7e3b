#!/usr/bin/env bash
# Checks the Helm chart helm/podguard with helm itself (what `make chart-check`, and so `make test`,
# runs; scripts/chart-apply.sh then applies it to a real API server):
#
#   1. helm lint --strict of the umbrella, with its default values and with each value set under
#      helm/podguard/ci/ (helm's convention: every adapter family, each per-service bus auth method
#      with the install Job, mutual TLS, namespaced StatefulCluster RBAC, dry run with remediation
#      ladders and podmon's ConfigMap, the PrometheusRule and the Grafana dashboard ConfigMap, the
#      alert relay with Alertmanager and two signed webhooks).
#      The subcharts are linted through the umbrella: they use its helpers (templates/_helpers.tpl)
#      and cannot render alone, so `--with-subcharts` would only report that.
#   2. helm template of each (CRDs included): every template renders, and every value set passes
#      the values.schema.json of the umbrella and of each subchart.
#   3. Values that must be refused are: each by the schema or the chart's own `fail`/`required`,
#      with a message naming the value.
#
# Usage: chart-check.sh
# Environment: PODGUARD_CACHE_DIR (where setup.sh installed helm, see scripts/tools.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

CHART=helm/podguard
RELEASE=podguard
NAMESPACE=podguard

log() { printf '\033[1;34m[chart-check]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[chart-check]\033[0m %s\n' "$*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

podguard_require_helm || exit 1
T0=$(date +%s%N)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/podguard-chart-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# helm's own configuration, cache and plugins from a clean place: a user's repositories, plugins
# or HELM_* settings must not change what the check sees (and it writes nothing into $HOME).
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
unset HELM_NAMESPACE HELM_KUBECONTEXT HELM_DRIVER

value_sets=("")   # "" = the chart's defaults
while IFS= read -r f; do value_sets+=("$f"); done < <(find "$CHART/ci" -maxdepth 1 -name '*-values.yaml' | LC_ALL=C sort)
[ ${#value_sets[@]} -gt 1 ] || die "no value sets under $CHART/ci/"

# ---------------------------------------------------------------------------------------------
# 1 and 2: lint and render each value set
# ---------------------------------------------------------------------------------------------
for values in "${value_sets[@]}"; do
    label="${values:-default values}"
    args=()
    [ -z "$values" ] || args=(-f "$values")
    t=$(date +%s%N)
    if ! "$PODGUARD_HELM" lint --strict --quiet "$CHART" --namespace "$NAMESPACE" "${args[@]}" >"$WORK/lint.out" 2>&1; then
        cat "$WORK/lint.out" >&2
        die "helm lint --strict failed with $label (above)"
    fi
    # --quiet still prints the chart's name; anything else is a warning that --strict let through.
    if grep -v -e '^==> Linting' -e '^$' -e 'chart(s) linted' "$WORK/lint.out" | grep -q .; then
        cat "$WORK/lint.out" >&2
        die "helm lint reported findings with $label (above)"
    fi
    if ! "$PODGUARD_HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" --include-crds "${args[@]}" \
            >"$WORK/rendered.yaml" 2>"$WORK/template.err"; then
        cat "$WORK/template.err" >&2
        die "helm template failed with $label (above)"
    fi
    [ ! -s "$WORK/template.err" ] || { cat "$WORK/template.err" >&2; die "helm template warned with $label (above)"; }
    objects=$(grep -c '^kind:' "$WORK/rendered.yaml" || true)
    [ "$objects" -gt 0 ] || die "helm template rendered no objects with $label"
    log "$label: lint --strict clean, $objects objects rendered ($(ms_since "$t") ms)"
done

# ---------------------------------------------------------------------------------------------
# 3: values that must be refused, and the words the refusal must contain
# ---------------------------------------------------------------------------------------------
refused=0
# expect_refused MESSAGE HELM-ARGS...: helm template fails, and its error contains MESSAGE.
expect_refused() {
    local message="$1"; shift
    if "$PODGUARD_HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" "$@" >/dev/null 2>"$WORK/refused.err"; then
        die "helm template accepted $* (expected a refusal saying: $message)"
    fi
    if ! grep -qF -- "$message" "$WORK/refused.err"; then
        cat "$WORK/refused.err" >&2
        die "helm template refused $* but without saying: $message (its error is above)"
    fi
    # helm's error on one line, without its header: the chart whose schema refused, and why.
    log "refused as expected: $* -> $(grep -v -e '^Error: values don.t meet' -e '^$' "$WORK/refused.err" | sed -e 's/^Error: //' -e 's/^- //' -e 's/ *Use --debug flag.*//' -e '/^$/d' | paste -sd' ')"
    refused=$((refused + 1))
}
# The schema (values.schema.json of the umbrella and of each subchart).
expect_refused 'global.bus.auth.method must be one of the following' --set global.bus.auth.method=bogus
expect_refused 'Additional property watchr is not allowed' --set watchr.enabled=true
expect_refused 'Additional property replica is not allowed' --set watcher.replica=3
expect_refused 'Additional property tsl is not allowed' --set global.bus.tsl.secretName=nats-tls
expect_refused 'global.log.level must be one of the following' --set global.log.level=verbose
expect_refused 'global.log.format must be one of the following' --set global.log.format=yaml
expect_refused 'global.httpPort: Must be less than or equal to 65535' --set global.httpPort=80800
expect_refused 'global.image.tag: Invalid type. Expected: string' --set-json global.image.tag=1
expect_refused 'global.image.tag: Does not match pattern' --set 'global.image.tag=0.1.0 beta'
expect_refused 'global.bus.auth.secretName: String length must be greater than or equal to 1' \
    --set global.bus.auth.method=userPassword
# One token is one identity for every service: no per-service permissions, so no such method.
expect_refused 'global.bus.auth.method must be one of the following' --set global.bus.auth.method=token
expect_refused 'global.bus.auth: Additional property passwordKey is not allowed' --set global.bus.auth.passwordKey=password
expect_refused 'global.bus.auth.nkeyPublicKeys.watcher: Does not match pattern' \
    --set global.bus.auth.method=nkey --set global.bus.auth.secretName=nats-nkey --set global.bus.auth.nkeyPublicKeys.watcher=SUAK
expect_refused 'global.bus.auth.userNames: Additional property watchr is not allowed' --set global.bus.auth.userNames.watchr=podguard-w
expect_refused 'global.bus.streamReplicas: Must be less than or equal to 5' --set global.bus.streamReplicas=7
expect_refused 'global.bus.tls.secretName: String length must be greater than or equal to 1' \
    --set global.bus.tls.clientCertificate=true
expect_refused 'global.bus.servers.0: Does not match pattern' --set 'global.bus.servers={http://nats:4222}'
expect_refused 'Additional property powerflx is not allowed' --set adapters.families.powerflx.enabled=true
expect_refused 'replicas: Must be greater than or equal to 0' --set fencing.replicas=-1
expect_refused 'namespaced: Invalid type. Expected: boolean' --set statefulcluster.rbac.namespaced=yes
# The monitoring values: the failover budget must be a bound of the duration histogram's buckets.
expect_refused 'monitoring.rules.failoverBudget.seconds must be one of the following' \
    --set monitoring.rules.failoverBudget.seconds=100
expect_refused 'monitoring.rules.failoverBudget.phase must be one of the following' \
    --set monitoring.rules.failoverBudget.phase=decision_to_pod_deleted
expect_refused 'monitoring.rules.taintMaxAgeMinutes: Must be greater than or equal to 1' \
    --set monitoring.rules.taintMaxAgeMinutes=0
expect_refused 'Additional property enable is not allowed' --set monitoring.prometheusRule.enable=true
# The alert relay: enabled only with a receiver; every webhook signed, named as the relay takes it
# (not "alertmanager", the Alertmanager receiver's name), filtered by known severities.
RELAY=(--set alert-relay.enabled=true)
HOOK='"name":"ops","url":"https://hooks.example.com/podguard"'
expect_refused 'alertmanager.urls: Array must have at least 1 items' "${RELAY[@]}"
expect_refused 'webhooks.0: secret is required' "${RELAY[@]}" --set-json "alert-relay.webhooks=[{$HOOK}]"
expect_refused 'webhooks.0.secret: key is required' "${RELAY[@]}" \
    --set-json "alert-relay.webhooks=[{$HOOK,\"secret\":{\"name\":\"podguard-webhook-ops\"}}]"
expect_refused "webhooks.0.name: Does not match pattern '^[a-z0-9-]+\$'" "${RELAY[@]}" \
    --set-json 'alert-relay.webhooks=[{"name":"Ops_1","url":"https://hooks.example.com/podguard","secret":{"name":"s","key":"k"}}]'
expect_refused 'webhooks.0.name: Must not validate the schema (not)' "${RELAY[@]}" \
    --set-json 'alert-relay.webhooks=[{"name":"alertmanager","url":"https://hooks.example.com/podguard","secret":{"name":"s","key":"k"}}]'
expect_refused 'webhooks.0.severities.0 must be one of the following: "info", "warning", "critical"' "${RELAY[@]}" \
    --set-json "alert-relay.webhooks=[{$HOOK,\"secret\":{\"name\":\"s\",\"key\":\"k\"},\"severities\":[\"error\"]}]"
expect_refused "alertmanager.urls.0: Does not match pattern" "${RELAY[@]}" --set 'alert-relay.alertmanager.urls={alertmanager:9093}'
expect_refused 'resendInterval: Does not match pattern' "${RELAY[@]}" --set 'alert-relay.alertmanager.urls={http://am:9093}' \
    --set alert-relay.alertmanager.resendInterval=1min
# The chart's own checks of what a schema cannot say.
expect_refused 'adapters.families.powerflex.controller.socketVolume is required' \
    --set adapters.families.powerflex.enabled=true
expect_refused 'statefulcluster.rbac.namespaced needs statefulcluster.config.statefulCluster.namespaces' \
    --set statefulcluster.rbac.namespaced=true
expect_refused 'config.remediation.external.template: expected' \
    --set fencing.config.remediation.external.template=medik8s/far
expect_refused 'alert-relay.webhooks: two webhooks are named "ops"' "${RELAY[@]}" \
    --set-json "alert-relay.webhooks=[{$HOOK,\"secret\":{\"name\":\"s\",\"key\":\"a\"}},{$HOOK,\"secret\":{\"name\":\"s\",\"key\":\"b\"}}]"
# A role the chart runs without its public key (the schema cannot know which roles run).
grep -v '^ *fencing: U' "$CHART/ci/bus-nkey-mtls-values.yaml" >"$WORK/nkey-without-fencing.yaml"
expect_refused 'global.bus.auth.nkeyPublicKeys.fencing is required with method nkey' -f "$WORK/nkey-without-fencing.yaml"
grep -v '^ *alert-relay: U' "$CHART/ci/bus-nkey-mtls-values.yaml" >"$WORK/nkey-without-alert-relay.yaml"
expect_refused 'global.bus.auth.nkeyPublicKeys.alert-relay is required with method nkey' \
    -f "$WORK/nkey-without-alert-relay.yaml" -f "$CHART/ci/alert-relay-values.yaml"

log "done in $(ms_since "$T0") ms: ${#value_sets[@]} value sets linted and rendered, $refused bad values refused (helm $PODGUARD_HELM_VERSION)"
