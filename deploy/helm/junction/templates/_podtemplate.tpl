{{/* The pod of the Deployment or DaemonSet: Junction with the static configuration as flags. */}}
{{- define "junction.podTemplate" -}}
{{- $lowPort := false -}}
{{- range $name, $port := .Values.ports -}}
{{- if and $port (lt (int $port.port) 1024) -}}{{- $lowPort = true -}}{{- end -}}
{{- end -}}
metadata:
  labels:
    {{- include "junction.selectorLabels" . | nindent 4 }}
    {{- with .Values.deployment.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.deployment.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "junction.serviceAccountName" . }}
  terminationGracePeriodSeconds: {{ .Values.deployment.terminationGracePeriodSeconds }}
  hostNetwork: {{ .Values.hostNetwork }}
  {{- with .Values.deployment.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with .Values.podSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: junction
      image: {{ include "junction.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args:
        {{- range .Values.globalArguments }}
        - {{ . | quote }}
        {{- end }}
        {{- range $name, $port := .Values.ports }}
        {{- if $port }}
        - "--entryPoints.{{ $name }}.address=:{{ $port.port }}/{{ default "TCP" $port.protocol | lower }}"
        {{- with $port.http }}{{- with .tls }}{{- if .enabled }}
        - "--entryPoints.{{ $name }}.http.tls=true"
        {{- with .certResolver }}
        - "--entryPoints.{{ $name }}.http.tls.certResolver={{ . }}"
        {{- end }}
        {{- with .options }}
        - "--entryPoints.{{ $name }}.http.tls.options={{ . }}"
        {{- end }}
        {{- end }}{{- end }}{{- end }}
        {{- end }}
        {{- end }}
        - "--ping=true"
        {{- if .Values.api.dashboard }}
        - "--api.dashboard=true"
        {{- end }}
        {{- with .Values.metrics.prometheus.entryPoint }}
        - "--metrics.prometheus=true"
        - "--metrics.prometheus.entryPoint={{ . }}"
        {{- end }}
        {{- with .Values.providers.kubernetesCRD }}
        {{- if .enabled }}
        - "--providers.kubernetesCRD=true"
        {{- if .allowCrossNamespace }}
        - "--providers.kubernetesCRD.allowCrossNamespace=true"
        {{- end }}
        {{- if .allowExternalNameServices }}
        - "--providers.kubernetesCRD.allowExternalNameServices=true"
        {{- end }}
        - "--providers.kubernetesCRD.allowEmptyServices={{ .allowEmptyServices }}"
        {{- if .nativeLBByDefault }}
        - "--providers.kubernetesCRD.nativeLBByDefault=true"
        {{- end }}
        {{- with .ingressClass }}
        - "--providers.kubernetesCRD.ingressClass={{ . }}"
        {{- end }}
        {{- with .labelSelector }}
        - "--providers.kubernetesCRD.labelSelector={{ . }}"
        {{- end }}
        {{- with .namespaces }}
        - "--providers.kubernetesCRD.namespaces={{ join "," . }}"
        {{- end }}
        {{- end }}
        {{- end }}
        {{- with .Values.providers.kubernetesIngress }}
        {{- if .enabled }}
        - "--providers.kubernetesIngress=true"
        {{- if .allowExternalNameServices }}
        - "--providers.kubernetesIngress.allowExternalNameServices=true"
        {{- end }}
        - "--providers.kubernetesIngress.allowEmptyServices={{ .allowEmptyServices }}"
        {{- if .nativeLBByDefault }}
        - "--providers.kubernetesIngress.nativeLBByDefault=true"
        {{- end }}
        {{- with .ingressClass }}
        - "--providers.kubernetesIngress.ingressClass={{ . }}"
        {{- end }}
        {{- with .labelSelector }}
        - "--providers.kubernetesIngress.labelSelector={{ . }}"
        {{- end }}
        {{- with .namespaces }}
        - "--providers.kubernetesIngress.namespaces={{ join "," . }}"
        {{- end }}
        {{- if and .publishedService.enabled $.Values.service.enabled }}
        - "--providers.kubernetesIngress.ingressEndpoint.publishedService={{ .publishedService.pathOverride | default (printf "%s/%s" $.Release.Namespace (include "junction.fullname" $)) }}"
        {{- end }}
        {{- end }}
        {{- end }}
        {{- with .Values.logs.general }}
        - "--log.level={{ .level | default "INFO" }}"
        {{- with .format }}
        - "--log.format={{ . }}"
        {{- end }}
        {{- end }}
        {{- with .Values.logs.access }}
        {{- if .enabled }}
        - "--accessLog=true"
        {{- with .format }}
        - "--accessLog.format={{ . }}"
        {{- end }}
        {{- with .filePath }}
        - "--accessLog.filePath={{ . }}"
        {{- end }}
        {{- end }}
        {{- end }}
        {{- range .Values.additionalArguments }}
        - {{ . | quote }}
        {{- end }}
      ports:
        {{- range $name, $port := .Values.ports }}
        {{- if $port }}
        - name: {{ $name | trunc 15 }}
          containerPort: {{ $port.port }}
          {{- with $port.hostPort }}
          hostPort: {{ . }}
          {{- end }}
          {{- with $port.hostIP }}
          hostIP: {{ . }}
          {{- end }}
          protocol: {{ default "TCP" $port.protocol }}
        {{- end }}
        {{- end }}
      readinessProbe:
        httpGet:
          path: /ping
          port: traefik
        {{- toYaml .Values.readinessProbe | nindent 8 }}
      livenessProbe:
        httpGet:
          path: /ping
          port: traefik
        {{- toYaml .Values.livenessProbe | nindent 8 }}
      {{- with .Values.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- $securityContext := deepCopy (.Values.securityContext | default dict) }}
      {{- if $lowPort }}
      {{- $capabilities := get $securityContext "capabilities" | default dict }}
      {{- $_ := set $capabilities "add" (append (get $capabilities "add" | default list) "NET_BIND_SERVICE" | uniq) }}
      {{- $_ := set $securityContext "capabilities" $capabilities }}
      {{- end }}
      {{- with $securityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.envFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: {{ .Values.persistence.name }}
          mountPath: {{ .Values.persistence.path }}
          {{- with .Values.persistence.subPath }}
          subPath: {{ . }}
          {{- end }}
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: {{ .Values.persistence.name }}
      {{- if .Values.persistence.enabled }}
      persistentVolumeClaim:
        claimName: {{ .Values.persistence.existingClaim | default (include "junction.fullname" .) }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    - name: tmp
      emptyDir: {}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
