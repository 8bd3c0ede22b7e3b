{{/*
alert-relay's own helpers (the shared ones are the umbrella's templates/_helpers.tpl).

Each webhook's HMAC key: the key `secret.key` of the Secret `secret.name`, mounted alone as
/etc/podguard/webhooks/<webhook name>/hmac-key (names are unique, so are the directories) and named
in the webhook's relay.webhooks entry as secretFile=. The volumes are numbered (webhook-secret-<i>):
a webhook name may be any [a-z0-9-]+, which is not always a valid volume name.
*/}}

{{/* What the values schema cannot say: two webhooks of one name (the relay would refuse to start). */}}
{{- define "podguard.alertRelay.check" -}}
{{- $seen := dict -}}
{{- range .Values.webhooks }}
{{- if hasKey $seen .name }}
{{- fail (printf "alert-relay.webhooks: two webhooks are named %q (each name must be unique)" .name) }}
{{- end }}
{{- $_ := set $seen .name true }}
{{- end }}
{{- end -}}

{{- define "podguard.alertRelay.secretDir" -}}
/etc/podguard/webhooks/{{ .name }}
{{- end -}}

{{/* One relay.webhooks entry: name=<n> url=<u> secretFile=<path> [severity=a|b] [reasons=A|B] [excludeReasons=C]. */}}
{{- define "podguard.alertRelay.webhookEntry" -}}
{{- $fields := list (printf "name=%s" .name) (printf "url=%s" .url) (printf "secretFile=%s/hmac-key" (include "podguard.alertRelay.secretDir" .)) -}}
{{- with .severities }}{{ $fields = append $fields (printf "severity=%s" (join "|" .)) }}{{ end -}}
{{- with .reasons }}{{ $fields = append $fields (printf "reasons=%s" (join "|" .)) }}{{ end -}}
{{- with .excludeReasons }}{{ $fields = append $fields (printf "excludeReasons=%s" (join "|" .)) }}{{ end -}}
{{- join " " $fields -}}
{{- end -}}

{{/* The relay.* keys the chart writes from the values, as a dict for podguard.configFile's "derived". */}}
{{- define "podguard.alertRelay.relayConfig" -}}
{{- $v := .Values -}}
{{- $alertmanager := dict "eventDuration" $v.alertmanager.eventDuration "resendInterval" $v.alertmanager.resendInterval -}}
{{- with $v.alertmanager.urls }}{{ $_ := set $alertmanager "urls" . }}{{ end -}}
{{- with $v.alertmanager.runbookURL }}{{ $_ := set $alertmanager "runbookURL" . }}{{ end -}}
{{- with $v.alertmanager.generatorURL }}{{ $_ := set $alertmanager "generatorURL" . }}{{ end -}}
{{- $relay := dict "alertmanager" $alertmanager "timeout" $v.timeout "retryInitialDelay" $v.retryInitialDelay "retryMaxDelay" $v.retryMaxDelay "concurrency" $v.concurrency -}}
{{- $webhooks := list -}}
{{- range $v.webhooks }}{{ $webhooks = append $webhooks (include "podguard.alertRelay.webhookEntry" .) }}{{ end -}}
{{- with $webhooks }}{{ $_ := set $relay "webhooks" . }}{{ end -}}
{{- toYaml (dict "relay" $relay) -}}
{{- end -}}

{{/* The webhooks' Secrets as volumes (each its one key) and where they are mounted. */}}
{{- define "podguard.alertRelay.secretVolumes" -}}
{{- range $i, $w := .Values.webhooks }}
- name: webhook-secret-{{ $i }}
  secret:
    secretName: {{ $w.secret.name }}
    items:
      - key: {{ $w.secret.key }}
        path: hmac-key
{{- end }}
{{- end -}}

{{- define "podguard.alertRelay.secretMounts" -}}
{{- range $i, $w := .Values.webhooks }}
- name: webhook-secret-{{ $i }}
  mountPath: {{ include "podguard.alertRelay.secretDir" $w }}
  readOnly: true
{{- end }}
{{- end -}}
