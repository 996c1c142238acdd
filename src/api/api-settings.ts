import { readFileSync } from 'node:fs';
import { listEntryPoints, type EntryPointConfig, type StaticConfig } from '../config/static/static-config.js';
import { goDuration } from './go-duration.js';

/** What the API and dashboard take from the static configuration. */
export interface ApiSettings {
  /** `api.basePath` without its trailing slash: "" for "/", "/traefik" for "/traefik/". */
  readonly prefix: string;
  /** `api.basePath` as configured. */
  readonly basePath: string;
  readonly dashboard: boolean;
  readonly debug: boolean;
  readonly disableDashboardAd: boolean;
  readonly dashboardName: string;
  /** Entry points as `/api/entrypoints` shows them, sorted by name. */
  readonly entryPoints: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly features: { readonly tracing: string; readonly metrics: string; readonly accessLog: boolean };
  /** Enabled providers by Traefik's field names (`File`, `KubernetesCRD`). */
  readonly providers: readonly string[];
  readonly version: string;
  /** When this process started, RFC 3339. */
  readonly startDate: string;
}

/** Provider keys of the static configuration with the names Traefik's API gives them, in Traefik's order. */
const providerFieldNames: ReadonlyArray<readonly [string, string]> = [
  ['docker', 'Docker'],
  ['swarm', 'Swarm'],
  ['file', 'File'],
  ['kubernetesIngress', 'KubernetesIngress'],
  ['kubernetesIngressNGINX', 'KubernetesIngressNGINX'],
  ['kubernetesCRD', 'KubernetesCRD'],
  ['kubernetesMesh', 'KubernetesMesh'],
  ['kubernetesGateway', 'KubernetesGateway'],
  ['knative', 'Knative'],
  ['rest', 'Rest'],
  ['consulCatalog', 'ConsulCatalog'],
  ['nomad', 'Nomad'],
  ['ecs', 'Ecs'],
  ['consul', 'Consul'],
  ['etcd', 'Etcd'],
  ['zooKeeper', 'ZooKeeper'],
  ['redis', 'Redis'],
  ['http', 'HTTP'],
];

const metricsFieldNames = [
  ['prometheus', 'Prometheus'],
  ['datadog', 'Datadog'],
  ['statsd', 'StatsD'],
  ['influxdb2', 'InfluxDB2'],
  ['otlp', 'OTLP'],
] as const;

const startDate = new Date().toISOString();

function findKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
}

function isEnabled(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  return !(typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** An entryPoint as Traefik's API encodes its static configuration: durations as Go prints them, empty parts left out. */
export function entryPointRepresentation(name: string, entryPoint: EntryPointConfig): Record<string, unknown> {
  const { transport, forwardedHeaders, http, http2, udp } = entryPoint;
  const compact = (value: Record<string, unknown>): Record<string, unknown> | undefined => {
    const kept = Object.entries(value).filter(([, field]) => field !== undefined && field !== false && field !== '' && !(Array.isArray(field) && field.length === 0));
    return kept.length === 0 ? undefined : Object.fromEntries(kept);
  };
  const duration = (ms: number): string | undefined => (ms === 0 ? undefined : goDuration(ms));
  return {
    address: entryPoint.address,
    ...(entryPoint.asDefault ? { asDefault: true } : {}),
    transport: {
      lifeCycle: compact({
        requestAcceptGraceTimeout: duration(transport.lifeCycle.requestAcceptGraceTimeout),
        graceTimeOut: duration(transport.lifeCycle.graceTimeOut),
      }),
      respondingTimeouts: compact({
        readTimeout: duration(transport.respondingTimeouts.readTimeout),
        writeTimeout: duration(transport.respondingTimeouts.writeTimeout),
        idleTimeout: duration(transport.respondingTimeouts.idleTimeout),
      }),
      ...(transport.keepAliveMaxRequests > 0 ? { keepAliveMaxRequests: transport.keepAliveMaxRequests } : {}),
      ...(transport.keepAliveMaxTime > 0 ? { keepAliveMaxTime: goDuration(transport.keepAliveMaxTime) } : {}),
    },
    ...(entryPoint.proxyProtocol !== undefined ? { proxyProtocol: compact({ ...entryPoint.proxyProtocol }) ?? {} } : {}),
    forwardedHeaders: compact({ ...forwardedHeaders }) ?? {},
    http: compact({
      redirections: http.redirections,
      middlewares: http.middlewares,
      tls: http.tls,
      encodedCharacters: http.encodedCharacters,
      encodeQuerySemicolons: http.encodeQuerySemicolons,
      sanitizePath: http.sanitizePath,
      maxHeaderBytes: http.maxHeaderBytes,
      underscoreHeadersStrategy: http.underscoreHeadersStrategy,
    }) ?? {},
    http2: { maxConcurrentStreams: http2.maxConcurrentStreams },
    udp: { timeout: goDuration(udp.timeout) },
    name,
  };
}

/** Derives the API's settings; undefined when `api` is not enabled. */
export function apiSettings(config: StaticConfig): ApiSettings | undefined {
  const api = config.api;
  if (api === undefined) return undefined;
  const metrics = metricsFieldNames.find(([key]) => isEnabled(findKey(config.metrics, key)))?.[1] ?? '';
  const providers = providerFieldNames.filter(([key]) => isEnabled((config.providers as Record<string, unknown>)[key])).map(([, name]) => name);
  for (const name of Object.keys((config.providers as { plugin?: Record<string, unknown> }).plugin ?? {})) providers.push(`plugin-${name}`);
  return {
    prefix: api.basePath.replace(/\/+$/, ''),
    basePath: api.basePath,
    dashboard: api.dashboard,
    debug: api.debug,
    disableDashboardAd: api.disableDashboardAd,
    dashboardName: api.dashboardName,
    entryPoints: listEntryPoints(config)
      .map(({ name, config: entryPoint }) => entryPointRepresentation(name, entryPoint))
      .sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1)),
    // As Traefik: the first exporter configured names the feature; tracing in v3 is OpenTelemetry only.
    features: { tracing: isEnabled(config.tracing) ? 'OTLP' : '', metrics, accessLog: isEnabled(config.accessLog) },
    providers,
    version: packageVersion(),
    startDate,
  };
}
