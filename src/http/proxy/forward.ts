import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Exchange, ResponseHeaders } from '../exchange.js';
import { ClientClosedError, InternalError, UpstreamConnectError, UpstreamTimeoutError, type DataPathError } from '../errors.js';
import { canonicalHeaderName, headerTokens } from './header-names.js';
import { connectionTokens, isHopByHop } from './hop-by-hop.js';

/** How one server of a load balancer is reached; fixed at build time. */
export interface ForwardTarget {
  readonly dispatcher: Dispatcher;
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
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
]);

/** Maps an upstream failure to what the client sees, as Traefik does: timeouts 504, network errors 502. */
export function upstreamError(error: unknown, isClientGone: boolean): DataPathError {
  if (isClientGone) return new ClientClosedError('client closed the connection');
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (timeoutCodes.has(code)) return new UpstreamTimeoutError(message);
  if (connectionCodes.has(code) || code.startsWith('E') || code.startsWith('UND_ERR')) return new UpstreamConnectError(`${code}: ${message}`);
  return new InternalError(message);
}

function hasBody(exchange: Exchange): boolean {
  const headers = exchange.request.headers;
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
    if (value === undefined) continue;
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
  out.push('X-Forwarded-For', prior === undefined || prior === '' ? exchange.clientIp : `${prior}, ${exchange.clientIp}`);
  if (headerTokens(headers.te).includes('trailers')) out.push('Te', 'trailers');
  return out;
}

function downstreamHeaders(headers: Record<string, string | string[] | undefined>): ResponseHeaders {
  const connection = connectionTokens(headers);
  const out: ResponseHeaders = {};
  for (const name in headers) {
    if (isHopByHop(name, connection)) continue;
    out[name] = headers[name];
  }
  return out;
}

/**
 * Forwards the exchange to one upstream server and streams the response back. Bodies are streamed both
 * ways with backpressure; WebSocket upgrades are spliced once the upstream agrees.
 */
export function forward(exchange: Exchange, target: ForwardTarget): void {
  const { request, response } = exchange;
  const isUpgrade = exchange.upgrade !== undefined;
  let controller: Dispatcher.DispatchController | undefined;
  let isClientGone = false;
  let isSpliced = false;

  const onClientGone = (): void => {
    if (isSpliced || (response.writableFinished && !isUpgrade)) return;
    isClientGone = true;
    exchange.status = 499;
    exchange.log.debug('client closed the connection before the response was complete', { status: 499, routerName: exchange.routerName });
    controller?.abort(new ClientClosedError('client closed the connection'));
  };
  if (isUpgrade) exchange.upgrade.socket.once('close', onClientGone);
  else response.once('close', onClientGone);

  const path = target.preservePath ? joinPaths(target.basePath, exchange.path) : exchange.path;
  const query = exchange.rawQuery === '' ? '' : `?${exchange.rawQuery.replaceAll(';', '&')}`;

  const options: Dispatcher.DispatchOptions = {
    path: path + query,
    method: request.method as Dispatcher.HttpMethod,
    headers: upstreamHeaders(exchange, target),
    body: !isUpgrade && hasBody(exchange) ? request : null,
    headersTimeout: target.responseHeaderTimeoutMs,
    bodyTimeout: 0,
    upgrade: isUpgrade ? (request.headers.upgrade ?? 'websocket') : null,
  };

  target.dispatcher.dispatch(options, {
    onRequestStart(dispatchController) {
      controller = dispatchController;
      if (isClientGone) dispatchController.abort(new ClientClosedError('client closed the connection'));
    },
    onResponseStart(_dispatchController, statusCode, headers) {
      if (isClientGone) return;
      exchange.writeHead(statusCode, downstreamHeaders(headers as Record<string, string | string[] | undefined>));
      // Event streams must reach the client at once, before the first event arrives.
      if (isStreaming(headers)) response.flushHeaders();
    },
    onResponseData(dispatchController, chunk) {
      if (isClientGone) return;
      if (!response.write(chunk)) {
        dispatchController.pause();
        response.once('drain', () => dispatchController.resume());
      }
    },
    onResponseEnd(_dispatchController, trailers) {
      if (isClientGone) return;
      if (trailers !== null && Object.keys(trailers).length > 0) response.addTrailers(trailers as Record<string, string>);
      response.end();
    },
    onResponseError(_dispatchController, error) {
      exchange.fail(upstreamError(error, isClientGone));
    },
    onRequestUpgrade(_dispatchController, statusCode, headers, upstreamSocket) {
      isSpliced = true;
      spliceUpgrade(exchange, statusCode, headers as Record<string, string | string[] | undefined>, upstreamSocket);
    },
  });
}

function isStreaming(headers: Record<string, unknown>): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

/** Completes an upgrade: answers the client with the upstream's 101, then relays bytes both ways. */
function spliceUpgrade(exchange: Exchange, statusCode: number, headers: Record<string, string | string[] | undefined>, upstream: Duplex): void {
  const upgrade = exchange.upgrade!;
  const client = upgrade.socket;
  const kept: ResponseHeaders = {};
  for (const name in headers) kept[name] = headers[name];
  exchange.applyResponseHooks(statusCode, kept);
  let head = `HTTP/1.1 ${statusCode} Switching Protocols\r\n`;
  for (const name in kept) {
    const value = kept[name];
    if (value === undefined) continue;
    const wireName = canonicalHeaderName(name);
    for (const item of Array.isArray(value) ? value : [value]) head += `${wireName}: ${item}\r\n`;
  }
  client.write(`${head}\r\n`);
  if (upgrade.head.length > 0) upstream.write(upgrade.head);
  const closeBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', closeBoth);
  upstream.on('error', closeBoth);
  client.on('close', closeBoth);
  upstream.on('close', closeBoth);
  upstream.pipe(client);
  client.pipe(upstream);
}
