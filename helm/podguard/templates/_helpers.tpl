{{/* Environment shared by every podguard container: the ServiceKit keys of the bus and logging. */}}
{{- define "podguard.commonEnv" -}}
- name: PODGUARD_BUS_SERVERS
  value: {{ join "," .Values.global.bus.servers | quote }}
- name: PODGUARD_BUS_SUBJECT_PREFIX
  value: {{ .Values.global.bus.subjectPrefix | quote }}
- name: PODGUARD_LOG_LEVEL
  value: {{ .Values.global.log.level | quote }}
- name: PODGUARD_LOG_FORMAT
  value: {{ .Values.global.log.format | quote }}
- name: PODGUARD_HTTP_HOST
  value: "0.0.0.0"
- name: PODGUARD_HTTP_PORT
  value: {{ .Values.global.httpPort | quote }}
- name: PODGUARD_INSTANCE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}
