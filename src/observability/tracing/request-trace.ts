import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { Exchange, ResponseHeaders } from '../../http/exchange.js';
import type { Observation } from '../observation.js';
import { headerListSetter } from './propagators.js';
import type { Tracer } from './tracer.js';

/** `HTTP/1.1` → `1.1`, as Traefik's `proto`. */
function protocolVersion(exchange: Exchange): string {
  return exchange.request.httpVersion;
}

/** The query with every parameter not listed as safe replaced by `REDACTED`, re-encoded as Go's `url.Values`. */
export function safeQuery(rawQuery: string, safe: ReadonlySet<string>): string {
  if (rawQuery === '') return '';
  const params = new URLSearchParams(rawQuery);
  const keys = [...new Set(params.keys())].sort();
  const parts: string[] = [];
  for (const key of keys) {
    const values = safe.has(key) ? params.getAll(key) : ['REDACTED'];
    for (const value of values) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  return parts.join('&');
}

function headerValues(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * The spans of one exchange: the entryPoint's server span, Router and Service spans when the router asks
 * for detailed traces, and one `ReverseProxy` client span per upstream request.
 */
export class RequestTrace {
  readonly #tracer: Tracer;
  readonly #server: Span;
  #context: Context;
  #router: Span | undefined;
  #service: Span | undefined;
  #client: Span | undefined;
  readonly traceId: string;
  readonly spanId: string;

  constructor(tracer: Tracer, server: Span, context: Context, exchange: Exchange) {
    this.#tracer = tracer;
    this.#server = server;
    this.#context = context;
    const spanContext = server.spanContext();
    this.traceId = spanContext.traceId;
    this.spanId = spanContext.spanId;
    const { request } = exchange;
    const attributes: Attributes = {
      entry_point: exchange.entryPoint.name,
      'http.request.method': request.method ?? '',
      'network.protocol.version': protocolVersion(exchange),
      'http.request.body.size': Number(request.headers['content-length'] ?? 0) || 0,
      'url.path': exchange.path,
      'url.query': safeQuery(exchange.rawQuery, tracer.capture.safeQueryParams),
      'url.scheme': String(request.headers['x-forwarded-proto'] ?? ''),
      'user_agent.original': String(request.headers['user-agent'] ?? ''),
      'server.address': String(request.headers.host ?? ''),
      'network.peer.address': exchange.clientIp,
      'client.address': exchange.clientIp,
      'client.port': exchange.clientPort,
      'network.peer.port': exchange.clientPort,
    };
    this.#captureRequestHeaders(attributes, request.headers);
    server.setAttributes(attributes);
  }

  #captureRequestHeaders(attributes: Attributes, headers: Exchange['request']['headers']): void {
    for (const name of this.#tracer.capture.requestHeaders) {
      if (name === 'user-agent') continue;
      const values = headerValues(headers[name]);
      if (values !== undefined) attributes[`http.request.header.${name}`] = values;
    }
  }

  #captureResponseHeaders(span: Span, headers: Readonly<Record<string, unknown>> | undefined): void {
    if (headers === undefined) return;
    for (const name of this.#tracer.capture.responseHeaders) {
      const values = headerValues(headers[name]);
      if (values !== undefined) span.setAttribute(`http.response.header.${name}`, values);
    }
  }

  /** A router took the request: with detailed verbosity, a Router span below the entryPoint's. */
  routed(observation: Observation, rule: string): void {
    if (observation.flags.traceVerbosity !== 'detailed' || this.#router !== undefined) return;
    const { exchange } = observation;
    const { span, context } = this.#tracer.startChild('Router', SpanKind.INTERNAL, this.#context);
    span.setAttributes({ 'traefik.service.name': exchange.serviceName ?? '', 'traefik.router.name': exchange.routerName ?? '', 'http.route': rule });
    this.#router = span;
    this.#context = context;
  }

  /** The request leaves for a server: a `ReverseProxy` client span, whose context goes into `headers`. */
  forwarding(observation: Observation, headers: string[]): void {
    if (!observation.flags.tracing) return;
    const { exchange } = observation;
    if (observation.flags.traceVerbosity === 'detailed' && this.#service === undefined) {
      const { span, context } = this.#tracer.startChild('Service', SpanKind.INTERNAL, this.#context);
      span.setAttribute('traefik.service.name', exchange.serviceName ?? '');
      this.#service = span;
      this.#context = context;
    }
    this.#client?.end();
    const { span, context } = this.#tracer.startChild('ReverseProxy', SpanKind.CLIENT, this.#context);
    const url = new URL(exchange.target, observation.serviceUrl);
    const safe = safeQuery(exchange.rawQuery, this.#tracer.capture.safeQueryParams);
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const attributes: Attributes = {
      'http.request.method': exchange.request.method ?? '',
      'network.protocol.version': protocolVersion(exchange),
      'url.full': `${url.origin}${url.pathname}${safe === '' ? '' : `?${safe}`}`,
      'url.scheme': url.protocol.slice(0, -1),
      'user_agent.original': String(exchange.request.headers['user-agent'] ?? ''),
      'network.peer.address': url.hostname,
      'network.peer.port': port,
      'server.address': url.hostname,
      'server.port': port,
    };
    this.#captureRequestHeaders(attributes, exchange.request.headers);
    span.setAttributes(attributes);
    this.#client = span;
    this.#tracer.propagator.inject(context, headers, headerListSetter);
  }

  /** The server's response is over (or failed): the client span ends with its status. */
  originEnded(observation: Observation): void {
    const span = this.#client;
    if (span === undefined) return;
    this.#client = undefined;
    const status = observation.originStatus !== 0 ? observation.originStatus : (observation.exchange.error?.status ?? 502);
    span.setAttribute('http.response.status_code', status);
    // Client spans are errors from 400 on, as Traefik's clientStatus.
    if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    this.#captureResponseHeaders(span, headerRecord(observation.originHeaders));
    span.end();
  }

  /** The exchange is over: the remaining spans end, the server span with the downstream status. */
  end(observation: Observation, status: number, headers: ResponseHeaders | undefined): void {
    // A router that turned tracing off leaves its spans unended: they are never exported.
    if (!observation.flags.tracing) return;
    this.#service?.end();
    this.#router?.end();
    const span = this.#server;
    if (status < 100 || status >= 600) span.setStatus({ code: SpanStatusCode.ERROR, message: `Invalid HTTP status code ${status}` });
    else if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('http.response.status_code', status);
    this.#captureResponseHeaders(span, headers);
    span.end();
  }
}

function headerRecord(list: readonly string[] | undefined): Record<string, string[]> | undefined {
  if (list === undefined) return undefined;
  const record: Record<string, string[]> = {};
  for (let i = 0; i < list.length; i += 2) (record[list[i]!.toLowerCase()] ??= []).push(list[i + 1]!);
  return record;
}
