#!/usr/bin/env python3
"""The parts of scripts/rules-check.sh that read YAML and JSON (python3-yaml, from setup.sh).

  rules-check.py extract RENDERED OUT
      The spec of the one PrometheusRule in RENDERED (helm template output) written to OUT as a
      Prometheus rules file.
  rules-check.py conventions RULES TESTS OPERATIONS_MD
      Every alert has a severity label (info, warning or critical), summary, description and a
      runbook_url whose anchor is a heading of OPERATIONS_MD; TESTS tests every alert firing and not
      firing, and every recording rule's value.
  rules-check.py dashboard DASHBOARD OUT
      DASHBOARD is a Grafana dashboard whose every panel has a unique id, a grid position and
      Prometheus queries; each query, with Grafana's variables replaced, written to OUT as a
      recording rule, for `promtool check rules` to parse.
  rules-check.py names RULES DASHBOARD SOURCES
      Every podguard_* metric that a rule or a panel reads appears in the Swift sources under
      SOURCES (Services/, Libraries/), and
      every recorded name (level:metric:operation) that one reads is recorded by RULES.

Exit status 1 with one line per finding on stderr.
"""
import json
import os
import re
import sys

import yaml

# Grafana's built-in and the dashboard's own variables, with a value of the kind each stands for.
GRAFANA_VARIABLES = {
    "__rate_interval": "5m",
    "__interval": "1m",
    "__range": "1h",
    "window": "30m",
    "namespace": ".*",
    "datasource": "prometheus",
}
SEVERITIES = {"info", "warning", "critical"}


def fail(findings):
    """Exits 1 after printing the findings, if there are any."""
    for finding in findings:
        print(f"rules-check: {finding}", file=sys.stderr)
    if findings:
        sys.exit(1)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def rules_of(path):
    doc = load_yaml(path)
    return [rule for group in doc.get("groups", []) for rule in group.get("rules", [])]


def extract(rendered, out):
    specs = [d["spec"] for d in yaml.safe_load_all(open(rendered, encoding="utf-8"))
             if d and d.get("kind") == "PrometheusRule"]
    if len(specs) != 1:
        fail([f"{rendered}: expected one PrometheusRule, found {len(specs)}"])
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump(specs[0], f, sort_keys=False, width=1000)


def github_anchor(heading):
    """The anchor GitHub gives a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def conventions(rules_path, tests_path, operations_md):
    findings = []
    rules = rules_of(rules_path)
    with open(operations_md, encoding="utf-8") as f:
        anchors = {github_anchor(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", f.read(), re.M)}
    alerts = [r for r in rules if "alert" in r]
    recorded = [r["record"] for r in rules if "record" in r]
    if not alerts or not recorded:
        findings.append(f"{rules_path}: {len(alerts)} alerts and {len(recorded)} recording rules")
    for rule in alerts:
        name = rule["alert"]
        severity = rule.get("labels", {}).get("severity")
        if severity not in SEVERITIES:
            findings.append(f"alert {name}: label severity is {severity!r}, not one of {sorted(SEVERITIES)}")
        annotations = rule.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            if not str(annotations.get(key, "")).strip():
                findings.append(f"alert {name}: no {key} annotation")
        url = str(annotations.get("runbook_url", ""))
        anchor = url.split("#", 1)[1] if "#" in url else ""
        if not anchor:
            findings.append(f"alert {name}: runbook_url {url!r} names no anchor")
        elif anchor not in anchors:
            findings.append(f"alert {name}: runbook_url anchor #{anchor} is no heading of {operations_md}")
        if anchor and anchor != name.lower():
            findings.append(f"alert {name}: runbook_url anchor #{anchor}, expected #{name.lower()}")
    fires, silent, exprs = set(), set(), []
    for test in load_yaml(tests_path).get("tests", []):
        for case in test.get("alert_rule_test", []) or []:
            (fires if case.get("exp_alerts") else silent).add(case.get("alertname"))
        exprs += [case.get("expr", "") for case in test.get("promql_expr_test", []) or []]
    for rule in alerts:
        name = rule["alert"]
        if name not in fires:
            findings.append(f"alert {name}: no test in {os.path.basename(tests_path)} expects it to fire")
        if name not in silent:
            findings.append(f"alert {name}: no test in {os.path.basename(tests_path)} expects it not to fire")
    for name in recorded:
        if not any(re.search(rf"(?<![\w:]){re.escape(name)}(?![\w:])", e) for e in exprs):
            findings.append(f"recording rule {name}: no promql_expr_test in {os.path.basename(tests_path)} reads its value")
    alert_names = [r["alert"] for r in alerts]
    for name in sorted({n for n in alert_names if alert_names.count(n) > 1}):
        findings.append(f"alert {name} is defined twice")
    fail(findings)
    print(f"{len(alerts)} alerts (each with severity, summary, description, runbook anchor; tested firing and not), "
          f"{len(recorded)} recording rules (each value tested)")


def substitute(expr):
    def replace(m):
        name = m.group(1) or m.group(2)
        if name not in GRAFANA_VARIABLES:
            raise KeyError(name)
        return GRAFANA_VARIABLES[name]
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)", replace, expr)


def dashboard_panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])   # a collapsed row holds its panels


def dashboard(path, out):
    findings = []
    try:
        with open(path, encoding="utf-8") as f:
            board = json.load(f)
    except (OSError, ValueError) as e:
        fail([f"{path}: not JSON: {e}"])
    for key in ("title", "uid", "panels", "templating", "schemaVersion"):
        if key not in board:
            findings.append(f"{path}: no {key}")
    if board.get("id") is not None:
        findings.append(f"{path}: id must be null (Grafana assigns it on import)")
    ids, rules, queries = set(), [], 0
    for panel in dashboard_panels(board):
        pid, title = panel.get("id"), panel.get("title", "")
        where = f"panel {pid} {title!r}"
        if not isinstance(pid, int) or pid in ids:
            findings.append(f"{where}: id missing or not unique")
        ids.add(pid)
        if not title:
            findings.append(f"{where}: no title")
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in ("x", "y", "w", "h")) or grid.get("x", 0) + grid.get("w", 0) > 24:
            findings.append(f"{where}: gridPos {grid} is not within Grafana's 24 columns")
        if panel.get("type") == "row":
            continue
        if "description" not in panel:
            findings.append(f"{where}: no description")
        targets = panel.get("targets", [])
        if not targets:
            findings.append(f"{where}: no queries")
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            findings.append(f"{where}: datasource is not the dashboard's ${{datasource}} variable")
        refs = set()
        for target in targets:
            ref, expr = target.get("refId"), target.get("expr", "")
            if not ref or ref in refs:
                findings.append(f"{where}: refId {ref!r} missing or not unique")
            refs.add(ref)
            if not expr.strip():
                findings.append(f"{where} {ref}: empty expr")
                continue
            try:
                expr = substitute(expr)
            except KeyError as e:
                findings.append(f"{where} {ref}: unknown variable ${e.args[0]}")
                continue
            queries += 1
            rules.append({"record": f"dashboard:panel_{pid}:{ref}", "expr": expr})
    variables = {v.get("name") for v in board.get("templating", {}).get("list", [])}
    for name in ("datasource", "namespace", "window"):
        if name not in variables:
            findings.append(f"{path}: no template variable {name}")
    fail(findings)
    with open(out, "w", encoding="utf-8") as f:
        yaml.safe_dump({"groups": [{"name": "podguard-dashboard", "rules": rules}]}, f, sort_keys=False, width=1000)
    print(f"{len(ids)} panels, {queries} queries")


def exprs_of_dashboard(path):
    with open(path, encoding="utf-8") as f:
        board = json.load(f)
    for panel in dashboard_panels(board):
        for target in panel.get("targets", []):
            yield f"dashboard panel {panel.get('id')} {panel.get('title', '')!r}", target.get("expr", "")


def names(rules_path, dashboard_path, sources_root):
    rules = rules_of(rules_path)
    recorded = {r["record"] for r in rules if "record" in r}
    uses = [(f"rule {r.get('alert') or r.get('record')}", str(r["expr"])) for r in rules]
    uses += list(exprs_of_dashboard(dashboard_path))
    # Every word of the Swift sources that looks like a podguard metric (comments included).
    known = set()
    for top in ("Services", "Libraries"):
        for directory, _, files in os.walk(os.path.join(sources_root, top)):
            for name in files:
                if name.endswith(".swift"):
                    with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
                        known.update(re.findall(r"(?<![\w:])podguard_\w+", f.read()))
    findings, metrics = [], set()
    for where, expr in uses:
        expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)   # no label values
        for token in re.findall(r"(?<![\w:$])[A-Za-z_:][\w:]*", expr):
            if ":" in token:
                if token not in recorded:
                    findings.append(f"{where}: reads {token}, which no rule of {os.path.basename(rules_path)} records")
            elif token.startswith("podguard_"):
                base = re.sub(r"_(bucket|count|sum)$", "", token)
                if token in known or base in known:
                    metrics.add(token)
                else:
                    findings.append(f"{where}: reads {token}, which appears nowhere in Services/ or Libraries/")
    fail(findings)
    print(f"{len(metrics)} podguard metric names read, each in the Swift sources")


def main(argv):
    commands = {"extract": (extract, 2), "conventions": (conventions, 3), "dashboard": (dashboard, 2), "names": (names, 3)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    commands[argv[1]][0](*argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
