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
The bus options of podguard.commonConfig, podguard.configFile, podguard.env, podguard.volumeMounts
and podguard.volumes. They take the chart's context, or a dict with "ctx" (the context) and:
  "bus"   false for a service that does not connect to NATS (statefulcluster: Kubernetes API only):
          no bus.* keys and no bus secrets;
  "role"  the service's role on the bus (docs/bus-contract.md, "Who may do what"): its NATS user,
          its key in the bus Secret, its inboxes. Defaults to the chart's name, which is the role of
          watcher, array-prober, decision, fencing, node-cleanup and alert-relay; the adapters pass
          adapter-<family>-controller and adapter-<family>-node, the install Job admin.
podguard.volumes and podguard.configFile always take a dict.
*/}}

{{/* The roles of podguard's services that the chart runs, and of the admin that installs the
topology (BusPrincipal.role; observer is a user of the NATS server, never of the chart). */}}
{{- define "podguard.busRolePattern" -}}
^(watcher|array-prober|decision|fencing|node-cleanup|alert-relay|admin|adapter-(powerflex|powerstore|powerscale|powermax|unity|generic)-(controller|node))$
{{- end -}}

{{/* The arguments of the bus helpers as a dict: ctx, bus (bool), role (checked). */}}
{{- define "podguard.busArgs" -}}
{{- $ctx := . -}}
{{- $withBus := true -}}
{{- $role := "" -}}
{{- if hasKey . "ctx" }}
{{- $ctx = .ctx }}
{{- if hasKey . "bus" }}{{ $withBus = .bus }}{{ end }}
{{- $role = default "" .role }}
{{- end }}
{{- $role = default $ctx.Chart.Name $role }}
{{- if and $withBus (not (regexMatch (include "podguard.busRolePattern" $ctx) $role)) }}
{{- fail (printf "podguard helpers: %q is not a bus role (chart %s must pass \"role\")" $role $ctx.Chart.Name) }}
{{- end }}
{{- toJson (dict "bus" $withBus "role" $role) -}}
{{- end -}}

{{/* "true" when every service authenticates as its own NATS user (global.bus.auth.method
userPassword, nkey or credentialsFile), "" with none. Then the services may not create streams or
buckets: they wait for the topology the install Job (or an administrator) installs. Fails on an
unknown method. Pass the chart's context. */}}
{{- define "podguard.busPerService" -}}
{{- $method := .Values.global.bus.auth.method -}}
{{- if has $method (list "userPassword" "nkey" "credentialsFile") -}}
true
{{- else if ne $method "none" -}}
{{- fail "global.bus.auth.method must be one of none, userPassword, nkey, credentialsFile" -}}
{{- end -}}
{{- end -}}

{{/* A role's NATS user name (userPassword): global.bus.auth.userNames.<role>, or
<subjectPrefix with '.' as '->-<role>, the name `podguard-bus permissions` gives it. Pass (dict "ctx"
. "role" <role>). */}}
{{- define "podguard.busUser" -}}
{{- $bus := .ctx.Values.global.bus -}}
{{- $names := default (dict) $bus.auth.userNames -}}
{{- default (printf "%s-%s" (replace "." "-" $bus.subjectPrefix) .role) (get $names .role) -}}
{{- end -}}

{{/*
The keys every service has (ServiceKit and BusService: log.*, http.*, bus.*), as YAML. The operations
server listens on 0.0.0.0 so that kubelet probes and Prometheus reach it (its default is 127.0.0.1).
Secrets are mounted under /etc/podguard/bus (see podguard.volumes). Without the bus: log.* and http.*.
With a per-service auth method the services wait for the topology (bus.installTopology false); the
role's NKey seed or .creds file is the one key of the bus Secret mounted into its pods.
*/}}
{{- define "podguard.commonConfig" -}}
{{- $ctx := . -}}
{{- if hasKey . "ctx" }}{{ $ctx = .ctx }}{{ end -}}
{{- $args := include "podguard.busArgs" . | fromJson -}}
{{- $bus := $ctx.Values.global.bus -}}
log:
  level: {{ $ctx.Values.global.log.level | quote }}
  format: {{ $ctx.Values.global.log.format | quote }}
http:
  host: "0.0.0.0"
  port: {{ $ctx.Values.global.httpPort }}
{{- if $args.bus }}
bus:
  servers:
{{- range $bus.servers }}
    - {{ . | quote }}
{{- end }}
  subjectPrefix: {{ $bus.subjectPrefix | quote }}
  streamReplicas: {{ $bus.streamReplicas }}
  installTopology: {{ not (include "podguard.busPerService" $ctx) }}
{{- if eq $bus.auth.method "credentialsFile" }}
  credentialsFile: /etc/podguard/bus/auth/{{ $args.role }}.creds
{{- else if eq $bus.auth.method "nkey" }}
  nkeySeedFile: /etc/podguard/bus/auth/{{ $args.role }}.nkey
  nkeyPublicKey: {{ required (printf "global.bus.auth.nkeyPublicKeys.%s is required with method nkey (the public key of the %s user)" $args.role $args.role) (get (default (dict) $bus.auth.nkeyPublicKeys) $args.role) | quote }}
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
service without the bus, "role" where it is not the chart's name. Precedence (highest first): the
subchart's .Values.config, then what the chart derives from global values, then the common keys.
*/}}
{{- define "podguard.configFile" -}}
{{- $common := include "podguard.commonConfig" (omit . "derived") | fromYaml -}}
{{- $own := deepCopy (default (dict) .ctx.Values.config) -}}
{{- $merged := merge $own (default (dict) .derived) $common -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* The role's bus credentials in the environment (userPassword: its user name and its password,
key <role>-password of the bus Secret); nothing for the other methods. Pass (dict "ctx" . "role"
<role>). */}}
{{- define "podguard.busEnv" -}}
{{- $auth := .ctx.Values.global.bus.auth }}
{{- if eq $auth.method "userPassword" }}
- name: PODGUARD_BUS_USER
  value: {{ include "podguard.busUser" . | quote }}
- name: PODGUARD_BUS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "global.bus.auth.secretName is required with method userPassword" $auth.secretName }}
      key: {{ .role }}-password
{{- end }}
{{- end -}}

{{/* The bus Secrets as volumes: the role's own key of the auth Secret (nkey: <role>.nkey,
credentialsFile: <role>.creds; only that key, so a pod holds no other service's credential) and the
TLS Secret. Pass (dict "ctx" . "role" <role>). */}}
{{- define "podguard.busVolumes" -}}
{{- $bus := .ctx.Values.global.bus }}
{{- $file := "" }}
{{- if eq $bus.auth.method "nkey" }}{{ $file = printf "%s.nkey" .role }}{{ end }}
{{- if eq $bus.auth.method "credentialsFile" }}{{ $file = printf "%s.creds" .role }}{{ end }}
{{- if $file }}
- name: bus-auth
  secret:
    secretName: {{ required (printf "global.bus.auth.secretName is required with method %s" $bus.auth.method) $bus.auth.secretName }}
    items:
      - key: {{ $file }}
        path: {{ $file }}
{{- end }}
{{- if $bus.tls.secretName }}
- name: bus-tls
  secret:
    secretName: {{ $bus.tls.secretName }}
{{- end }}
{{- end -}}

{{/* Where podguard.busVolumes are mounted (the paths podguard.commonConfig names). Pass the
context. */}}
{{- define "podguard.busVolumeMounts" -}}
{{- $bus := .Values.global.bus }}
{{- if has $bus.auth.method (list "credentialsFile" "nkey") }}
- name: bus-auth
  mountPath: /etc/podguard/bus/auth
  readOnly: true
{{- end }}
{{- if $bus.tls.secretName }}
- name: bus-tls
  mountPath: /etc/podguard/bus/tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* Environment of every container: the configuration file and the role's bus credentials
(none without the bus). */}}
{{- define "podguard.env" -}}
{{- $ctx := . -}}
{{- if hasKey . "ctx" }}{{ $ctx = .ctx }}{{ end -}}
{{- $args := include "podguard.busArgs" . | fromJson -}}
- name: PODGUARD_CONFIG
  value: /etc/podguard/config/config.yaml
# glibc gives every thread its own malloc arena and keeps freed memory in each; two arenas keep a
# service's resident memory near what it uses (the watcher after its initial list: 335 MB, not 381).
- name: MALLOC_ARENA_MAX
  value: "2"
{{- if $args.bus }}
{{- include "podguard.busEnv" (dict "ctx" $ctx "role" $args.role) }}
{{- end }}
{{- end -}}

{{/* Volumes of every pod: the ConfigMap (pass its name as .configMap) and the role's bus secrets
(none with "bus" false). */}}
{{- define "podguard.volumes" -}}
{{- $args := include "podguard.busArgs" (omit . "configMap") | fromJson -}}
- name: config
  configMap:
    name: {{ .configMap }}
{{- if $args.bus }}
{{- include "podguard.busVolumes" (dict "ctx" .ctx "role" $args.role) }}
{{- end }}
{{- end -}}

{{/* Mounts of the service's container: the configuration and the bus secrets (none without the bus). */}}
{{- define "podguard.volumeMounts" -}}
{{- $ctx := . -}}
{{- if hasKey . "ctx" }}{{ $ctx = .ctx }}{{ end -}}
{{- $args := include "podguard.busArgs" . | fromJson -}}
- name: config
  mountPath: /etc/podguard/config
  readOnly: true
{{- if $args.bus }}
{{- include "podguard.busVolumeMounts" $ctx }}
{{- end }}
{{- end -}}

{{/* A configuration (a dict, as podguard.commonConfig renders it) as command-line flags, one YAML
list item each: --<dotted key>=<value>, lists comma-separated (as every podguard executable takes
them). Pass (dict "map" <dict> "prefix" ""). */}}
{{- define "podguard.flags" -}}
{{- range $key, $value := .map }}
{{- $name := $.prefix | empty | ternary $key (printf "%s.%s" $.prefix $key) }}
{{- if kindIs "map" $value }}
{{- include "podguard.flags" (dict "map" $value "prefix" $name) }}
{{- else if kindIs "slice" $value }}
- {{ printf "--%s=%s" $name (join "," $value) | quote }}
{{- else if and (kindIs "float64" $value) (eq $value (float64 (int64 $value))) }}
- {{ printf "--%s=%d" $name (int64 $value) | quote }}
{{- else }}
- {{ printf "--%s=%v" $name $value | quote }}
{{- end }}
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

{{/* The bound of the failover budget's histogram bucket as swift-prometheus writes a Duration
bucket's le label: the seconds, a dot, then the fraction without trailing zeros, "0" when there is
none (120 -> "120.0", 2.5 -> "2.5", 0.005 -> "0.005"). Prometheus 3 normalises le the same way. */}}
{{- define "podguard.failoverBudgetLe" -}}
{{- $s := . | float64 -}}
{{- if eq $s (floor $s) -}}
{{- printf "%.1f" $s -}}
{{- else -}}
{{- printf "%v" $s -}}
{{- end -}}
{{- end -}}

{{/* files/prometheus/podguard.rules.yaml with its <<placeholders>> replaced by the values of
monitoring.rules (the file says which). The file's own {{ ... }} are Prometheus' templates and stay. */}}
{{- define "podguard.prometheusRules" -}}
{{- $r := .Values.monitoring.rules -}}
{{- $seconds := $r.failoverBudget.seconds | float64 -}}
{{- $minutes := $r.taintMaxAgeMinutes | int -}}
{{- $rules := .Files.Get "files/prometheus/podguard.rules.yaml" -}}
{{- $rules = $rules | replace "<<failoverBudgetPhase>>" $r.failoverBudget.phase -}}
{{- $rules = $rules | replace "<<failoverBudgetSeconds>>" (printf "%v" $seconds) -}}
{{- $rules = $rules | replace "<<failoverBudgetLe>>" (include "podguard.failoverBudgetLe" $seconds) -}}
{{- $rules = $rules | replace "<<taintMaxAgeSeconds>>" (mul $minutes 60 | toString) -}}
{{- $rules = $rules | replace "<<taintMaxAgeMinutes>>" (toString $minutes) -}}
{{- $rules = $rules | replace "<<runbookUrl>>" $r.runbookUrl -}}
{{- if regexFind "<<[A-Za-z]+>>" $rules -}}
{{- fail (printf "files/prometheus/podguard.rules.yaml: no value for %s" (regexFind "<<[A-Za-z]+>>" $rules)) -}}
{{- end -}}
{{- $rules -}}
{{- end -}}
