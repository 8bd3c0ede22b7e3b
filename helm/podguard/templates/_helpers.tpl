{{/*
Helpers shared by every podguard subchart. Helm compiles the templates of the umbrella chart and of
its subcharts together, so a subchart calls these with its own context (its .Values with .Values.global
merged in). The subcharts are meant to be installed through this umbrella chart only.
*/}}

{{/* <release>-<service>, cut to 63 characters. */}}
{{- define "podguard.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. The image tag may be 128 characters and start or end with '_', '.' or
'-' (OCI), a label value only 63 characters between alphanumerics. */}}
{{- define "podguard.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: podguard
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ regexReplaceAll "^[^A-Za-z0-9]+|[^A-Za-z0-9]+$" (.Values.global.image.tag | trunc 63) "" | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one workload: pass (dict "ctx" . "component" "<name>"). */}}
{{- define "podguard.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The container image: one image holds every podguard-* executable. */}}
{{- define "podguard.image" -}}
{{- $img := .Values.global.image -}}
{{- if $img.registry -}}
{{- printf "%s/%s:%s" $img.registry $img.repository $img.tag -}}
{{- else -}}
{{- printf "%s:%s" $img.repository $img.tag -}}
{{- end -}}
{{- end -}}

{{/*
The bus option of podguard.commonConfig, podguard.env, podguard.volumeMounts, podguard.volumes and
podguard.configFile: a service that does not connect to NATS (statefulcluster: Kubernetes API only)
has no use for the bus.* keys, and must not be given the bus secrets. Those helpers take the chart's context
as before, or (dict "ctx" . "bus" false); podguard.volumes and podguard.configFile take the
optional "bus" key in their dict. Without it, the bus settings are there.
*/}}

{{/*
The keys every service has (ServiceKit and BusService: log.*, http.*, bus.*), as YAML. The operations
server listens on 0.0.0.0 so that kubelet probes and Prometheus reach it (its default is 127.0.0.1).
Secrets are mounted under /etc/podguard/bus (see podguard.volumes). Without the bus: log.* and http.*.
*/}}
{{- define "podguard.commonConfig" -}}
{{- $ctx := . -}}
{{- $withBus := true -}}
{{- if hasKey . "ctx" }}{{ $ctx = .ctx }}{{ if hasKey . "bus" }}{{ $withBus = .bus }}{{ end }}{{ end -}}
{{- $bus := $ctx.Values.global.bus -}}
log:
  level: {{ $ctx.Values.global.log.level | quote }}
  format: {{ $ctx.Values.global.log.format | quote }}
http:
  host: "0.0.0.0"
  port: {{ $ctx.Values.global.httpPort }}
{{- if $withBus }}
bus:
  servers:
{{- range $bus.servers }}
    - {{ . | quote }}
{{- end }}
  subjectPrefix: {{ $bus.subjectPrefix | quote }}
{{- if eq $bus.auth.method "credentialsFile" }}
  credentialsFile: /etc/podguard/bus/auth/{{ $bus.auth.credentialsKey }}
{{- else if eq $bus.auth.method "nkey" }}
  nkeySeedFile: /etc/podguard/bus/auth/{{ $bus.auth.nkeySeedKey }}
  nkeyPublicKey: {{ required "global.bus.auth.nkeyPublicKey is required with method nkey" $bus.auth.nkeyPublicKey | quote }}
{{- end }}
{{- /* The hostname applies to a tls:// URL verified against the system CAs too (no Secret). */}}
{{- if or $bus.tls.secretName $bus.tls.hostname }}
  tls:
{{- if $bus.tls.secretName }}
    caFile: /etc/podguard/bus/tls/ca.crt
{{- if $bus.tls.clientCertificate }}
    certFile: /etc/podguard/bus/tls/tls.crt
    keyFile: /etc/podguard/bus/tls/tls.key
{{- end }}
{{- end }}
{{- if $bus.tls.hostname }}
    hostname: {{ $bus.tls.hostname | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* families.genericDrivers from global.genericDrivers, set into .derived: for the services that
resolve array families (watcher, decision, fencing, node-cleanup). Renders nothing. */}}
{{- define "podguard.deriveFamilies" -}}
{{- if .ctx.Values.global.genericDrivers }}
{{- $_ := set .derived "families" (dict "genericDrivers" .ctx.Values.global.genericDrivers) }}
{{- end }}
{{- end -}}

{{/* The ladder keys decision and fencing both read (global.remediation): fencing climbs the
ladders, decision names them in its records. */}}
{{- define "podguard.remediationLadders" -}}
{{- $remediation := .Values.global.remediation -}}
ladder: {{ $remediation.ladder | quote }}
ladderLabel: {{ $remediation.ladderLabel | quote }}
{{- with $remediation.ladders }}
ladders:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The service's configuration file: pass (dict "ctx" . "derived" <dict>), and "bus" false for a
service without the bus. Precedence (highest first): the subchart's .Values.config, then what the
chart derives from global values, then the common keys.
*/}}
{{- define "podguard.configFile" -}}
{{- $withBus := true -}}
{{- if hasKey . "bus" }}{{ $withBus = .bus }}{{ end -}}
{{- $common := include "podguard.commonConfig" (dict "ctx" .ctx "bus" $withBus) | fromYaml -}}
{{- $own := deepCopy (default (dict) .ctx.Values.config) -}}
{{- $merged := merge $own (default (dict) .derived) $common -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* Environment of every container: the configuration file and the bus secrets ServiceKit reads
(none without the bus). */}}
{{- define "podguard.env" -}}
{{- $ctx := . -}}
{{- $withBus := true -}}
{{- if hasKey . "ctx" }}{{ $ctx = .ctx }}{{ if hasKey . "bus" }}{{ $withBus = .bus }}{{ end }}{{ end -}}
- name: PODGUARD_CONFIG
  value: /etc/podguard/config/config.yaml
# glibc gives every thread its own malloc arena and keeps freed memory in each; two arenas keep a
# service's resident memory near what it uses (the watcher after its initial list: 335 MB, not 381).
- name: MALLOC_ARENA_MAX
  value: "2"
{{- $auth := $ctx.Values.global.bus.auth }}
{{- if not $withBus }}
{{- else if eq $auth.method "userPassword" }}
- name: PODGUARD_BUS_USER
  valueFrom:
    secretKeyRef:
      name: {{ required "global.bus.auth.secretName is required" $auth.secretName }}
      key: {{ $auth.userKey }}
- name: PODGUARD_BUS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $auth.secretName }}
      key: {{ $auth.passwordKey }}
{{- else if eq $auth.method "token" }}
- name: PODGUARD_BUS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ required "global.bus.auth.secretName is required" $auth.secretName }}
      key: {{ $auth.tokenKey }}
{{- else if not (has $auth.method (list "none" "credentialsFile" "nkey")) }}
{{- fail "global.bus.auth.method must be one of none, userPassword, token, credentialsFile, nkey" }}
{{- end }}
{{- end -}}

{{/* Volumes of every pod: the ConfigMap (pass its name as .configMap) and the bus secrets (none
with "bus" false). */}}
{{- define "podguard.volumes" -}}
{{- $withBus := true -}}
{{- if hasKey . "bus" }}{{ $withBus = .bus }}{{ end -}}
- name: config
  configMap:
    name: {{ .configMap }}
{{- $bus := .ctx.Values.global.bus }}
{{- if not $withBus }}
{{- else if has $bus.auth.method (list "credentialsFile" "nkey") }}
- name: bus-auth
  secret:
    secretName: {{ required "global.bus.auth.secretName is required" $bus.auth.secretName }}
{{- end }}
{{- if and $withBus $bus.tls.secretName }}
- name: bus-tls
  secret:
    secretName: {{ $bus.tls.secretName }}
{{- end }}
{{- end -}}

{{/* Mounts of the service's container: the configuration and the bus secrets (none without the bus). */}}
{{- define "podguard.volumeMounts" -}}
{{- $ctx := . -}}
{{- $withBus := true -}}
{{- if hasKey . "ctx" }}{{ $ctx = .ctx }}{{ if hasKey . "bus" }}{{ $withBus = .bus }}{{ end }}{{ end -}}
- name: config
  mountPath: /etc/podguard/config
  readOnly: true
{{- $bus := $ctx.Values.global.bus }}
{{- if not $withBus }}
{{- else if has $bus.auth.method (list "credentialsFile" "nkey") }}
- name: bus-auth
  mountPath: /etc/podguard/bus/auth
  readOnly: true
{{- end }}
{{- if and $withBus $bus.tls.secretName }}
- name: bus-tls
  mountPath: /etc/podguard/bus/tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* The operations port and the probes on /healthz and /readyz. */}}
{{- define "podguard.ports" -}}
- name: http
  containerPort: {{ .Values.global.httpPort }}
  protocol: TCP
{{- end -}}

{{- define "podguard.probes" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  failureThreshold: 2
{{- end -}}

{{/*
Tolerations of the per-node pods (node-cleanup and node-mode adapters): they must keep running on a
node that carries podguard's own taints, or the node could never be cleaned and untainted.
*/}}
{{- define "podguard.nodeTolerations" -}}
- key: node.kubernetes.io/unreachable
  operator: Exists
- key: node.kubernetes.io/not-ready
  operator: Exists
{{- range .Values.global.taintStems }}
- key: {{ printf "%s.podmon.storage.dell.com" . | quote }}
  operator: Exists
  effect: NoSchedule
- key: {{ printf "offline.%s.storage.dell.com" . | quote }}
  operator: Exists
  effect: NoSchedule
{{- end }}
{{- with .Values.global.extraNodeTolerations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Path of podmon's driver ConfigMap inside decision and array-prober. */}}
{{- define "podguard.driverConfigParamsPath" -}}
/etc/podguard/podmon/{{ .Values.global.podmon.driverConfigParams.key }}
{{- end -}}
