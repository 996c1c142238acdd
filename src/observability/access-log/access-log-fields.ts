import type { AccessLogConfig } from '../../config/static/observability-sections.js';
import { canonicalHeaderName } from '../../http/proxy/header-names.js';
import type { Observation } from '../observation.js';
import { rfc3339Nano } from './go-time.js';

/** A field as the JSON format writes it; durations are nanoseconds and times RFC 3339 text, as Go marshals them. */
export type FieldValue = string | number;
export type LogFields = Map<string, FieldValue>;

type FieldMode = 'keep' | 'drop';
type HeaderMode = 'keep' | 'drop' | 'redact';

/** The facts of one exchange the formats need besides the kept fields. */
export interface LogFacts {
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly status: number;
  readonly retryAttempts: number;
}

const nsPerMs = 1_000_000;

/** Splits `host:port` as Go's `net.SplitHostPort`, giving the whole value and "-" when there is no port. */
export function splitHostPort(value: string): [string, string] {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end !== -1 && value[end + 1] === ':') return [value.slice(1, end), value.slice(end + 2)];
    return [value, '-'];
  }
  const colon = value.lastIndexOf(':');
  if (colon === -1 || value.indexOf(':') !== colon) return [value, '-'];
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** The request target as the access log shows it: path and, unless dropped, the query, without scheme or host. */
function requestPath(url: string, keepQuery: boolean): string {
  let target = url;
  if (!target.startsWith('/')) {
    const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(target);
    if (absolute !== null) target = absolute[1] === '' ? '/' : absolute[1]!;
  }
  const hash = target.indexOf('#');
  if (hash !== -1) target = target.slice(0, hash);
  if (keepQuery) return target;
  const mark = target.indexOf('?');
  return mark === -1 ? target : target.slice(0, mark);
}

/**
 * Decides which fields and headers an access log line carries, as Traefik's `fields` options: each core
 * field kept or dropped (by `names`, case-insensitively, else `defaultMode`), each header kept, dropped or
 * redacted (by canonical name, else `headers.defaultMode`).
 */
export class FieldSelection {
  readonly #defaultMode: FieldMode;
  readonly #names: ReadonlyMap<string, FieldMode>;
  readonly #headerDefault: HeaderMode;
  readonly #headerNames: ReadonlyMap<string, HeaderMode>;
  readonly keepsQuery: boolean;
  /** Some header can appear in a line: the downstream headers must be captured. */
  readonly keepsHeaders: boolean;

  constructor(fields: AccessLogConfig['fields']) {
    this.#defaultMode = fields.defaultMode;
    this.#names = new Map(Object.entries(fields.names).map(([name, mode]) => [name.toLowerCase(), mode]));
    this.#headerDefault = fields.headers.defaultMode;
    this.#headerNames = new Map(Object.entries(fields.headers.names).map(([name, mode]) => [canonicalHeaderName(name.toLowerCase()), mode]));
    this.keepsQuery = fields.queryParameters.defaultMode === 'keep';
    this.keepsHeaders = this.#headerDefault !== 'drop' || [...this.#headerNames.values()].some((mode) => mode !== 'drop');
  }

  keeps(field: string): boolean {
    return (this.#names.get(field.toLowerCase()) ?? this.#defaultMode) === 'keep';
  }

  headerMode(canonicalName: string): HeaderMode {
    return this.#headerNames.get(canonicalName) ?? this.#headerDefault;
  }
}

/** Counts requests seen by the access log since start (`RequestCount`). */
let requestCount = 0;

/** Builds the fields of one line: Traefik's core fields, then the kept `request_`, `origin_` and `downstream_` headers. */
export function collectFields(observation: Observation, facts: LogFacts, selection: FieldSelection): LogFields {
  const { exchange } = observation;
  const { request } = exchange;
  const core: Array<[string, FieldValue | undefined]> = [];
  const durationNs = Math.round(facts.durationMs * nsPerMs);
  core.push(['StartUTC', rfc3339Nano(facts.startedAtMs, false)], ['StartLocal', rfc3339Nano(facts.startedAtMs, true)], ['Duration', durationNs]);
  core.push(['entryPointName', exchange.entryPoint.name]);
  // Multi-layer routing names every router on the way: `parent@file -> child@file`, as Traefik writes it.
  const routerName = exchange.parentRouterNames === undefined ? exchange.routerName : [...exchange.parentRouterNames, exchange.routerName].join(' -> ');
  core.push(['RouterName', routerName], ['ServiceName', exchange.routerName === undefined ? undefined : exchange.serviceName]);
  core.push(['ServiceURL', observation.serviceUrl], ['ServiceAddr', observation.serviceAddr]);
  const clientAddr = exchange.clientIp.includes(':') ? `[${exchange.clientIp}]:${exchange.clientPort}` : `${exchange.clientIp}:${exchange.clientPort}`;
  const forwardedFor = request.headers['x-forwarded-for'];
  core.push(['ClientAddr', clientAddr], ['ClientHost', typeof forwardedFor === 'string' && forwardedFor !== '' ? forwardedFor : exchange.clientIp]);
  core.push(['ClientPort', String(exchange.clientPort)], ['ClientUsername', observation.clientUsername ?? '-']);
  const host = request.headers.host;
  if (host !== undefined && host !== '') {
    const [requestHost, requestPort] = splitHostPort(host);
    core.push(['RequestAddr', host], ['RequestHost', requestHost], ['RequestPort', requestPort]);
  }
  core.push(['RequestMethod', request.method ?? '-'], ['RequestPath', requestPath(request.url ?? '/', selection.keepsQuery)]);
  core.push(['RequestProtocol', `HTTP/${request.httpVersion}`], ['RequestScheme', exchange.entryPoint.isTls ? 'https' : 'http']);
  const contentLength = Number(request.headers['content-length'] ?? 0);
  core.push(['RequestContentSize', Number.isFinite(contentLength) ? contentLength : 0]);
  if (observation.originStartedAt !== 0) {
    core.push(['OriginDuration', Math.round(Math.max(0, observation.originDurationMs) * nsPerMs)]);
    core.push(['OriginContentSize', observation.originContentSize], ['OriginStatus', observation.originStatus]);
  }
  const downstreamSize = exchange.nodeWriter.bytesWritten;
  core.push(['DownstreamStatus', facts.status], ['DownstreamContentSize', downstreamSize]);
  if (observation.originStartedAt !== 0 && downstreamSize !== 0 && downstreamSize !== observation.originContentSize) {
    core.push(['GzipRatio', observation.originContentSize / downstreamSize]);
  }
  const overheadMs = observation.originStartedAt !== 0 ? facts.durationMs - Math.max(0, observation.originDurationMs) : facts.durationMs;
  core.push(['Overhead', Math.round(overheadMs * nsPerMs)], ['RetryAttempts', facts.retryAttempts], ['RequestCount', ++requestCount]);
  const trace = observation.trace;
  if (trace !== undefined) core.push(['TraceId', trace.traceId], ['SpanId', trace.spanId], ['trace_id', trace.traceId], ['span_id', trace.spanId]);

  const fields: LogFields = new Map();
  for (const [name, value] of core) if (value !== undefined && selection.keeps(name)) fields.set(name, value);
  addHeaders(fields, 'request_', request.headers, selection);
  if (observation.originHeaders !== undefined) addHeaderList(fields, 'origin_', observation.originHeaders, selection);
  if (observation.downstreamHeaders !== undefined) addHeaders(fields, 'downstream_', observation.downstreamHeaders, selection);
  return fields;
}

function addHeader(fields: LogFields, prefix: string, name: string, value: string, selection: FieldSelection): void {
  const mode = selection.headerMode(name);
  if (mode === 'drop') return;
  const key = prefix + name;
  if (mode === 'redact') fields.set(key, 'REDACTED');
  else {
    const existing = fields.get(key);
    fields.set(key, existing === undefined ? value : `${existing},${value}`);
  }
}

function addHeaders(fields: LogFields, prefix: string, headers: Readonly<Record<string, unknown>>, selection: FieldSelection): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const canonical = canonicalHeaderName(name.toLowerCase());
    if (Array.isArray(value)) addHeader(fields, prefix, canonical, value.join(','), selection);
    else addHeader(fields, prefix, canonical, String(value), selection);
  }
}

function addHeaderList(fields: LogFields, prefix: string, list: readonly string[], selection: FieldSelection): void {
  for (let i = 0; i < list.length; i += 2) addHeader(fields, prefix, canonicalHeaderName(list[i]!.toLowerCase()), list[i + 1]!, selection);
}

