import { decode, duration, number, oneOf, string, withDefault, type Infer, type Schema } from '../schema.js';
import { bool, listOf, mapOf, opaque, section, struct } from './shape.js';

/**
 * The static `accessLog`, `metrics` and `tracing` sections, with Traefik's keys and defaults
 * (`pkg/observability/types` and `pkg/config/static`). Durations are milliseconds.
 */

function defaultsOf<T>(schema: Schema<T>): T {
  const { value, errors } = decode(schema, {});
  if (value === undefined || errors.length > 0) throw new Error(`schema without complete defaults: ${errors.map((error) => error.message).join(', ')}`);
  return value;
}

/** A status code or range as Traefik's `HTTPCodeRanges` reads it: `404`, `500-599`. */
function checkStatusRange(value: string): string | undefined {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  if (match === null) return `invalid status code range ${JSON.stringify(value)}; expected a code such as "404" or a range such as "500-599"`;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from > to) return `invalid status code range ${JSON.stringify(value)}; the first code is above the second`;
  return undefined;
}

const accessLogFilters = struct({
  statusCodes: withDefault(listOf(string(checkStatusRange)), []),
  retryAttempts: withDefault(bool(), false),
  minDuration: withDefault(duration(), 0),
});

const fieldMode = oneOf(['keep', 'drop']);
const headerMode = oneOf(['keep', 'drop', 'redact']);

const accessLogHeaders = struct({
  defaultMode: withDefault(headerMode, 'drop'),
  names: withDefault(mapOf(headerMode), {}),
});

const accessLogQueryParameters = struct({
  defaultMode: withDefault(fieldMode, 'keep'),
});

const accessLogFields = struct({
  defaultMode: withDefault(fieldMode, 'keep'),
  names: withDefault(mapOf(fieldMode), {}),
  headers: withDefault(accessLogHeaders, defaultsOf(accessLogHeaders)),
  queryParameters: withDefault(accessLogQueryParameters, defaultsOf(accessLogQueryParameters)),
});

/** `accessLog`: off unless present; a bare `--accesslog` turns it on with these defaults. */
export const accessLogSection = section({
  filePath: withDefault(string(), ''),
  format: withDefault(oneOf(['common', 'genericCLF', 'json']), 'common'),
  filters: withDefault(accessLogFilters, defaultsOf(accessLogFilters)),
  fields: withDefault(accessLogFields, defaultsOf(accessLogFields)),
  bufferingSize: withDefault(number({ integer: true, min: 0 }), 0),
  addInternals: withDefault(bool(), false),
  dualOutput: withDefault(bool(), false),
  otlp: opaque(),
});

/** `metrics.prometheus`: Traefik's defaults, entryPoint and service labels on, router labels off. */
const prometheus = section({
  buckets: withDefault(listOf(number({ min: 0 })), [0.1, 0.3, 1.2, 5]),
  addEntryPointsLabels: withDefault(bool(), true),
  addRoutersLabels: withDefault(bool(), false),
  addServicesLabels: withDefault(bool(), true),
  entryPoint: withDefault(string(), 'traefik'),
  manualRouting: withDefault(bool(), false),
  headerLabels: withDefault(mapOf(string()), {}),
});

/** `metrics`: Prometheus is served; the push exporters are accepted and reported as not supported yet. */
export const metricsSection = struct({
  addInternals: withDefault(bool(), false),
  prometheus,
  datadog: opaque(),
  statsD: opaque(),
  influxDB2: opaque(),
  otlp: opaque(),
});

/** An OTLP/HTTP collector URL (`scheme://host:port/path`). */
function checkHttpEndpoint(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  } catch {
    // reported below
  }
  return `invalid collector endpoint ${JSON.stringify(value)}; expected an http or https URL such as "http://collector:4318"`;
}

const otlpHttp = section({
  endpoint: withDefault(string(checkHttpEndpoint), 'https://localhost:4318'),
  headers: withDefault(mapOf(string()), {}),
  tls: opaque(),
});

const otlpGrpc = section({
  endpoint: withDefault(string(), 'localhost:4317'),
  insecure: withDefault(bool(), false),
  headers: withDefault(mapOf(string()), {}),
  tls: opaque(),
});

const otlpTracing = section({
  http: otlpHttp,
  grpc: otlpGrpc,
});

/** `tracing`: OpenTelemetry; without `otlp` the spans go over OTLP/HTTP to `https://localhost:4318`, as in Traefik. */
export const tracingSection = section({
  serviceName: withDefault(string(), 'traefik'),
  resourceAttributes: withDefault(mapOf(string()), {}),
  globalAttributes: withDefault(mapOf(string()), {}),
  capturedRequestHeaders: withDefault(listOf(string()), []),
  capturedResponseHeaders: withDefault(listOf(string()), []),
  safeQueryParams: withDefault(listOf(string()), []),
  sampleRate: withDefault(number({ min: 0, max: 1 }), 1),
  addInternals: withDefault(bool(), false),
  otlp: otlpTracing,
});

export type AccessLogConfig = NonNullable<Infer<typeof accessLogSection>>;
export type MetricsConfig = Infer<typeof metricsSection>;
export type PrometheusConfig = NonNullable<MetricsConfig['prometheus']>;
export type TracingConfig = NonNullable<Infer<typeof tracingSection>>;
