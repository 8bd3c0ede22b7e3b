#!/usr/bin/env bash
# Checks podguard's Prometheus rules and Grafana dashboard (what `make rules-check`, and so
# `make test`, runs before the build):
#
#   1. the rules as the chart ships them: helm template of helm/podguard with its DEFAULT values and
#      only monitoring.prometheusRule.enabled and monitoring.grafanaDashboard.enabled turned on; the
#      PrometheusRule's spec is the rules file checked below (the source file,
#      files/prometheus/podguard.rules.yaml, holds placeholders the chart fills from its values, so
#      what is tested is what the chart renders, never a hand-made copy)
#   2. promtool check rules of it, then promtool test rules with files/prometheus/podguard.rules.test.yaml
#      (the unit tests expect the default values: budget 120 s, taint age 30 minutes)
#   3. the rules' conventions: each alert has a severity label (info, warning, critical), summary,
#      description and a runbook_url whose anchor is a heading of docs/operations.md, and is tested
#      firing and not firing; every recording rule's value is tested
#   4. other values render valid rules too: a budget of 2.5 s on another phase, a taint age of 90
#      minutes, another runbook URL (promtool check rules, and each value is where it belongs)
#   5. the dashboard: files/grafana/podguard-dashboard.json parses, its panels are well formed, every
#      query (Grafana's variables replaced) parses as PromQL (promtool check rules of a temporary rule
#      file holding each as a recording rule), and the chart's ConfigMap carries it unchanged
#   6. metric names: every podguard_* metric a rule or a panel reads appears in the Swift sources
#      (Services/, Libraries/), and every recorded name they read is recorded by the rules
#
# Usage: rules-check.sh
# Environment: PODGUARD_CACHE_DIR (where setup.sh installed helm, see scripts/tools.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/tools.sh
source scripts/tools.sh

CHART=helm/podguard
RELEASE=podguard
NAMESPACE=podguard
RULES_TESTS="$CHART/files/prometheus/podguard.rules.test.yaml"
DASHBOARD="$CHART/files/grafana/podguard-dashboard.json"

log() { printf '\033[1;34m[rules-check]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[rules-check]\033[0m %s\n' "$*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

podguard_require_helm || exit 1
command -v promtool >/dev/null || die "promtool not found: run \`make setup\` (Debian's prometheus package)"
# Debian's python3-yaml (setup.sh) belongs to /usr/bin/python3; a python3 earlier on PATH (pyenv,
# a virtualenv) may lack it.
PYTHON=
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import yaml' 2>/dev/null; then PYTHON="$candidate"; break; fi
done
[ -n "$PYTHON" ] || die "no python3 with PyYAML (Debian's python3-yaml): run \`make setup\`"
PROMTOOL_VERSION="$(promtool --version 2>&1 | head -1 | awk '{print $3}')"
T0=$(date +%s%N)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/podguard-rules-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# helm's own configuration from a clean place, as in chart-check.sh.
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
unset HELM_NAMESPACE HELM_KUBECONTEXT HELM_DRIVER
py() { "$PYTHON" scripts/rules-check.py "$@"; }

# render DIR HELM-ARGS...: the chart's PrometheusRule as DIR/podguard.rules.yaml, its dashboard
# ConfigMap's JSON as DIR/dashboard.json.
render() {
    local dir="$1"; shift
    mkdir -p "$dir"
    "$PODGUARD_HELM" template "$RELEASE" "$CHART" --namespace "$NAMESPACE" \
        --set monitoring.prometheusRule.enabled=true --set monitoring.grafanaDashboard.enabled=true "$@" \
        --show-only templates/monitoring-prometheusrule.yaml --show-only templates/monitoring-dashboard.yaml \
        >"$dir/rendered.yaml" 2>"$dir/template.err" || { cat "$dir/template.err" >&2; die "helm template failed with ${*:-the default values} (above)"; }
    py extract "$dir/rendered.yaml" "$dir/podguard.rules.yaml"
    "$PYTHON" -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "ConfigMap":
        open(sys.argv[2], "w").write(d["data"]["podguard-dashboard.json"])' "$dir/rendered.yaml" "$dir/dashboard.json"
}

# ---------------------------------------------------------------------------------------------
# 1 and 2: the default rendering, checked and unit-tested
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
render "$WORK/default"
cp "$RULES_TESTS" "$WORK/default/"
promtool check rules "$WORK/default/podguard.rules.yaml" >"$WORK/check.out" 2>&1 \
    || { cat "$WORK/check.out" >&2; die "promtool check rules failed on the rules the chart renders (above)"; }
log "promtool check rules: $(grep -o 'SUCCESS: .*' "$WORK/check.out") ($(ms_since "$t") ms)"
t=$(date +%s%N)
# promtool resolves the tests' rule_files beside the test file: the rendered rules.
if ! promtool test rules "$WORK/default/$(basename "$RULES_TESTS")" >"$WORK/test.out" 2>&1; then
    cat "$WORK/test.out" >&2
    die "promtool test rules failed (above): $RULES_TESTS against the rules the chart renders with its defaults"
fi
tests=$("$PYTHON" -c 'import sys, yaml; print(len(yaml.safe_load(open(sys.argv[1]))["tests"]))' "$RULES_TESTS")
grep . "$WORK/test.out" | sed 's/^/    /'
log "promtool test rules: $tests tests of $(basename "$RULES_TESTS") passed ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 3: conventions
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
summary=$(py conventions "$WORK/default/podguard.rules.yaml" "$RULES_TESTS" docs/operations.md) \
    || die "the rules or their tests break the conventions (above)"
log "conventions: $summary ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 4: other values
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
printf 'monitoring:\n  rules:\n    failoverBudget: {phase: decision_to_fenced, seconds: 2.5}\n    taintMaxAgeMinutes: 90\n    runbookUrl: https://docs.example.com/podguard/operations.html\n' >"$WORK/other-values.yaml"
render "$WORK/other" -f "$WORK/other-values.yaml"
promtool check rules "$WORK/other/podguard.rules.yaml" >"$WORK/check.out" 2>&1 \
    || { cat "$WORK/check.out" >&2; die "promtool check rules failed on the rules rendered with $WORK/other-values.yaml (above)"; }
for expected in 'phase="decision_to_fenced", le="2.5"' 'podguard_cleanup_taint_age_seconds) > 5400' \
                'more than 90 minutes' 'budget of 2.5 s' 'https://docs.example.com/podguard/operations.html#podguardtainttooold'; do
    grep -qF -- "$expected" "$WORK/other/podguard.rules.yaml" || die "rendered with other values, the rules lack: $expected"
done
log "other values (budget 2.5 s on decision_to_fenced, taint age 90 min, runbook URL) render valid rules with them ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 5: the dashboard
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
summary=$(py dashboard "$DASHBOARD" "$WORK/dashboard.rules.yaml") || die "$DASHBOARD is not well formed (above)"
promtool check rules "$WORK/dashboard.rules.yaml" >"$WORK/check.out" 2>&1 \
    || { cat "$WORK/check.out" >&2; die "a query of $DASHBOARD is not valid PromQL (above: dashboard:panel_<id>:<refId>)"; }
# Byte for byte but the final newline, which the ConfigMap's block scalar (|-) drops.
"$PYTHON" -c 'import sys; a, b = (open(f).read().rstrip("\n") for f in sys.argv[1:]); sys.exit(a != b)' \
        "$DASHBOARD" "$WORK/default/dashboard.json" \
    || die "the chart's dashboard ConfigMap does not carry $DASHBOARD unchanged"
log "dashboard: $summary, every query valid PromQL, shipped unchanged in the ConfigMap ($(ms_since "$t") ms)"

# ---------------------------------------------------------------------------------------------
# 6: metric names
# ---------------------------------------------------------------------------------------------
t=$(date +%s%N)
py names "$WORK/default/podguard.rules.yaml" "$DASHBOARD" "$ROOT" >"$WORK/names.out" 2>&1 \
    || { cat "$WORK/names.out" >&2; die "the rules or the dashboard read metrics podguard does not export (above)"; }
sed -e '$d' -e 's/^/    /' "$WORK/names.out"
log "metric names: $(tail -1 "$WORK/names.out") ($(ms_since "$t") ms)"

log "done in $(ms_since "$T0") ms (promtool $PROMTOOL_VERSION, helm $PODGUARD_HELM_VERSION)"
