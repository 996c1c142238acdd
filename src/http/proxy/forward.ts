import type { Http2ServerRequest } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Exchange, UpstreamAttempt } from '../exchange.js';
import type { ResponseHeaders } from '../response-writer.js';
import type { Observation } from '../../observability/observation.js';
import { ClientClosedError, InternalError, UpstreamConnectError, UpstreamTimeoutError, type DataPathError } from '../errors.js';
import { canonicalHeaderName, headerTokens } from './header-names.js';
import { connectionTokens, isHopByHop } from './hop-by-hop.js';

/** How one server of a load balancer is reached; fixed at build time. */
export interface ForwardTarget {
  readonly dispatcher: Dispatcher;
  /** The server URL as configured (access log `ServiceURL`, tracing). */
  readonly url: string;
  /** `host[:port]` of the server URL, sent as Host when the client's is not passed on. */
  readonly authority: string;
  /** Path of the server URL, prefixed to the request path when `preservePath` is set. */
  readonly basePath: string;
  readonly passHostHeader: boolean;
  readonly preservePath: boolean;
  /** 0 means no limit, as Traefik's `responseHeaderTimeout` default. */
  readonly responseHeaderTimeoutMs: number;
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);
/**
 * A server certificate that fails verification: Go reports it as a plain error, not a network one, so
 * Traefik answers 500 (a server that refuses Junction's certificate is a network error: 502).
 */
const certificateCodes = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'INVALID_CA',
  'INVALID_PURPOSE',
]);

/** Maps an upstream failure to what the client sees, as Traefik does: timeouts 504, network errors 502. */
export function upstreamError(error: unknown, isClientGone: boolean): DataPathError {
  if (isClientGone) return new ClientClosedError('client closed the connection');
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (timeoutCodes.has(code)) return new UpstreamTimeoutError(message);
  if (certificateCodes.has(code)) return new InternalError(`tls: failed to verify certificate: ${code}: ${message}`);
  if (connectionCodes.has(code) || code.startsWith('E') || code.startsWith('UND_ERR')) return new UpstreamConnectError(`${code}: ${message}`);
  return new InternalError(message);
}

/**
 * Tells whether the client's request has a body: over HTTP/1.1 a length other than 0, or chunks; over HTTP/2
 * a stream its headers did not end (gRPC streams announce no length).
 */
export function hasRequestBody(exchange: Exchange): boolean {
  const request = exchange.request;
  if (request.httpVersionMajor === 2) return (request as unknown as Http2ServerRequest).stream.endAfterHeaders === false;
  const headers = request.headers;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

function joinPaths(base: string, path: string): string {
  if (base === '' || base === '/') return path;
  const baseSlash = base.endsWith('/');
  const pathSlash = path.startsWith('/');
  if (baseSlash && pathSlash) return base + path.slice(1);
  if (!baseSlash && !pathSlash) return `${base}/${path}`;
  return base + path;
}

/** Builds the upstream request headers: end-to-end headers only, Go's spelling, X-Forwarded-For appended. */
function upstreamHeaders(exchange: Exchange, target: ForwardTarget): string[] {
  const headers = exchange.request.headers;
  const connection = connectionTokens(headers);
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    // HTTP/2 pseudo-headers (`:path`, `:authority`...) describe the client's request, not headers to pass on.
    if (value === undefined || name.charCodeAt(0) === 0x3a) continue;
    if (isHopByHop(name, connection) || name === 'expect' || name === 'x-forwarded-for') continue;
    if (name === 'host') {
      out.push('Host', target.passHostHeader ? (value as string) : target.authority);
      continue;
    }
    const wireName = canonicalHeaderName(name);
    if (typeof value === 'string') out.push(wireName, value);
    else for (const item of value) out.push(wireName, item);
  }
  if (headers.host === undefined) out.push('Host', target.authority);
  const prior = headers['x-forwarded-for'];
  if (!exchange.entryPoint.appendXForwardedFor) {
    if (prior !== undefined) out.push('X-Forwarded-For', String(prior));
  } else out.push('X-Forwarded-For', prior === undefined || prior === '' ? exchange.clientIp : `${prior}, ${exchange.clientIp}`);
  if (headerTokens(headers.te).includes('trailers')) out.push('Te', 'trailers');
  return out;
}

/** A raw header name, lowercased, for the hop-by-hop checks. */
function lowerName(raw: Buffer): string {
  return raw.toString('latin1').toLowerCase();
}

/**
 * Turns the upstream's raw response headers into what goes downstream: hop-by-hop headers removed, as a
 * flat `[name, value, ...]` list in the upstream's order and spelling.
 */
function downstreamHeaders(raw: readonly Buffer[]): { list: string[]; connection: string[]; contentType: string | undefined } {
  const names: string[] = [];
  let connection: string[] = [];
  let contentType: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = lowerName(raw[i]!);
    names.push(name);
    if (name === 'connection') connection = connection.concat(headerTokens(raw[i + 1]!.toString('latin1')));
    else if (name === 'content-type') contentType = raw[i + 1]!.toString('latin1');
  }
  const list: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (isHopByHop(names[i >> 1]!, connection)) continue;
    // Names as Go's http.Header spells them (Traefik's client canonicalises them); Latin-1 keeps value bytes as they are.
    list.push(canonicalHeaderName(names[i >> 1]!), raw[i + 1]!.toString('latin1'));
  }
  return { list, connection, contentType };
}

/** Turns a flat header list into the lowercase-keyed record that response hooks edit. */
function headerRecord(list: readonly string[]): ResponseHeaders {
  const record: ResponseHeaders = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!.toLowerCase();
    const existing = record[name];
    const value = list[i + 1]!;
    if (existing === undefined) record[name] = value;
    else record[name] = Array.isArray(existing) ? [...existing, value] : [String(existing), value];
  }
  return record;
}

function trailerPairs(trailers: string[] | Record<string, string | string[] | undefined>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(trailers)) {
    for (let i = 0; i < trailers.length; i += 2) pairs.push([String(trailers[i]), String(trailers[i + 1])]);
    return pairs;
  }
  for (const name in trailers) {
    const value = trailers[name];
    if (value === undefined || name.charCodeAt(0) === 0x3a) continue;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([name, item]);
  }
  return pairs;
}

/**
 * One request in flight to an upstream: undici's (non-wrapped) dispatch handler, holding what the callbacks
 * share, so a request costs one object rather than a handful of closures.
 */
class UpstreamCall implements Dispatcher.DispatchHandler {
  readonly #exchange: Exchange;
  readonly #attempt: UpstreamAttempt | undefined;
  readonly #observation: Observation | undefined;
  #abort: ((error?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #isClientGone = false;
  #isSpliced = false;
  readonly #onDrain = (): void => this.#resume?.();

  constructor(exchange: Exchange) {
    this.#exchange = exchange;
    this.#attempt = exchange.upstreamAttempt;
    this.#observation = exchange.observation;
  }

  /** Stops watching the client once this call is over, when the exchange may make another (retry). */
  #detach(): void {
    if (this.#attempt === undefined) return;
    const { response, upgrade } = this.#exchange;
    if (upgrade !== undefined) upgrade.socket.off('close', this.clientGone);
    else response.off('close', this.clientGone);
  }

  /** The client left: stop the upstream exchange and log 499 (nothing can be sent any more). */
  readonly clientGone = (): void => {
    const { response, upgrade } = this.#exchange;
    if (this.#isSpliced || (upgrade === undefined && response.writableFinished)) return;
    this.#isClientGone = true;
    this.#exchange.status = 499;
    this.#exchange.log.debug('client closed the connection before the response was complete', { status: 499, routerName: this.#exchange.routerName });
    this.#abort?.(new ClientClosedError('client closed the connection'));
  };

  onConnect(abort: (error?: Error) => void): void {
    this.#abort = abort;
    // undici calls this on a connected socket, right before it writes the request.
    if (this.#attempt !== undefined) this.#attempt.isRequestSent = true;
    if (this.#isClientGone) abort(new ClientClosedError('client closed the connection'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.#isClientGone) return true;
    this.#resume = resume;
    const exchange = this.#exchange;
    const { list, contentType } = downstreamHeaders(rawHeaders);
    if (this.#observation !== undefined) this.#observation.originResponded(statusCode, list);
    if (exchange.isWriterWrapped) exchange.writer.writeHead(statusCode, headerRecord(list));
    else exchange.nodeWriter.writeHeadList(statusCode, list);
    // Event streams must reach the client at once, before the first event arrives.
    // Only once the head reached the client's response: a middleware may hold it back (buffering, retry).
    if (contentType?.startsWith('text/event-stream') === true && exchange.nodeWriter.status !== 0 && exchange.response.headersSent === false) exchange.response.flushHeaders();
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#observation !== undefined) this.#observation.originContentSize += chunk.length;
    if (this.#isClientGone) return true;
    const writer = this.#exchange.writer;
    if (writer.write(chunk)) return true;
    writer.onceDrain(this.#onDrain);
    return false;
  }

  /** Trailers come as a flat list from an HTTP/1.1 server, as a record from an HTTP/2 one (gRPC status). */
  onComplete(trailers: string[] | Record<string, string | string[] | undefined> | null): void {
    this.#detach();
    this.#observation?.originEnded();
    if (this.#isClientGone) return;
    const exchange = this.#exchange;
    if (trailers !== null) {
      const pairs = trailerPairs(trailers);
      if (pairs.length > 0 && exchange.writer.addTrailers?.(pairs) !== true) exchange.nodeWriter.addTrailers(pairs);
    }
    exchange.writer.end();
  }

  onError(error: Error): void {
    this.#detach();
    const failure = upstreamError(error, this.#isClientGone);
    this.#exchange.error = failure;
    this.#observation?.originEnded();
    this.#exchange.fail(failure);
  }

  onUpgrade(statusCode: number, rawHeaders: Buffer[] | string[] | null, socket: Duplex): void {
    this.#isSpliced = true;
    const list: string[] = [];
    for (let i = 0; rawHeaders !== null && i < rawHeaders.length; i += 2) list.push(String(rawHeaders[i]), String(rawHeaders[i + 1]));
    spliceUpgrade(this.#exchange, statusCode, headerRecord(list), socket);
  }
}

/**
 * Forwards the exchange to one upstream server and streams the response back. Bodies are streamed both
 * ways with backpressure; WebSocket upgrades are spliced once the upstream agrees.
 */
export function forward(exchange: Exchange, target: ForwardTarget): void {
  const { request } = exchange;
  if (exchange.upstreamAttempt !== undefined) exchange.upstreamAttempt.isProxyReached = true;
  const call = new UpstreamCall(exchange);
  if (exchange.upgrade !== undefined) exchange.upgrade.socket.once('close', call.clientGone);
  else exchange.response.once('close', call.clientGone);

  const path = target.preservePath ? joinPaths(target.basePath, exchange.path) : exchange.path;
  const rawQuery = exchange.rawQuery;
  const query = rawQuery === '' ? '' : rawQuery.includes(';') ? `?${rawQuery.replaceAll(';', '&')}` : `?${rawQuery}`;
  const isUpgrade = exchange.upgrade !== undefined;
  const headers = upstreamHeaders(exchange, target);
  if (exchange.observation !== undefined) exchange.observation.forwarding(target.url, target.authority, headers);
  target.dispatcher.dispatch(
    {
      path: path + query,
      method: request.method as Dispatcher.HttpMethod,
      headers,
      body: isUpgrade ? null : (exchange.requestBody ?? (hasRequestBody(exchange) ? request : null)),
      headersTimeout: target.responseHeaderTimeoutMs,
      bodyTimeout: 0,
      upgrade: isUpgrade ? (request.headers.upgrade ?? 'websocket') : null,
    },
    call,
  );
}

/** Completes an upgrade: answers the client with the upstream's 101, then relays bytes both ways. */
function spliceUpgrade(exchange: Exchange, statusCode: number, headers: ResponseHeaders, upstream: Duplex): void {
  const upgrade = exchange.upgrade!;
  const client = upgrade.socket;
  // The 101 goes out on the raw socket, but middlewares still see and edit its headers on the way.
  exchange.nodeWriter.captureNextHead();
  exchange.writer.writeHead(statusCode, headers);
  const kept = exchange.nodeWriter.capturedHead ?? headers;
  let head = `HTTP/1.1 ${statusCode} Switching Protocols\r\n`;
  for (const name in kept) {
    const value = kept[name];
    if (value === undefined) continue;
    const wireName = canonicalHeaderName(name);
    for (const item of Array.isArray(value) ? value : [value]) head += `${wireName}: ${item}\r\n`;
  }
  client.write(`${head}\r\n`);
  if (upgrade.head.length > 0) upstream.write(upgrade.head);
  relay(client, upstream);
}

/** How long a side that closed waits for the other to flush and close before it is cut. */
const closeGraceMs = 5000;

/**
 * Relays bytes both ways until both sides are done. An end (FIN) is passed on as an end, and a side that
 * closes lets the other finish writing what it already holds: a WebSocket close frame sent right before the
 * connection closes still reaches the other side, with its code and reason. A side that fails closes too,
 * and is handled the same way.
 */
function relay(client: Duplex, upstream: Duplex): void {
  const ignore = (): void => undefined;
  const endAfterClose = (other: Duplex) => (): void => {
    if (other.destroyed) return;
    other.end();
    setTimeout(() => other.destroy(), closeGraceMs).unref();
  };
  client.on('error', ignore);
  upstream.on('error', ignore);
  client.on('close', endAfterClose(upstream));
  upstream.on('close', endAfterClose(client));
  upstream.pipe(client);
  client.pipe(upstream);
}
