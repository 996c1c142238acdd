import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { BadRequestError, InternalError, NoRouteError } from '../http/errors.js';
import { Exchange, type EntryPointInfo } from '../http/exchange.js';
import { canonicalHost, RoutingView, routingPath } from '../http/routers/routing-view.js';
import { cleanPath, normalizePathEscapes } from '../http/url-path.js';
import type { Logger } from '../observability/logger.js';
import type { EntryPointTelemetry } from '../observability/telemetry.js';
import type { Runtime } from '../runtime/build-runtime.js';
import { clientAddressOf } from './client-address.js';
import { compileForwardedHeaders, type ForwardedHeadersOptions } from './forwarded-headers.js';
import { acceptH2cPriorKnowledge, type UndecidedConnections } from './h2c-preface.js';
import { Http2Connections, type Http2Options } from './http2-connection.js';

export interface HttpEntryPointOptions {
  readonly name: string;
  readonly forwardedHeaders: ForwardedHeadersOptions;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** `transport.keepAliveMaxRequests`: the response to the N-th request on a connection closes it; 0 for no limit. */
  readonly keepAliveMaxRequests: number;
  /** `transport.keepAliveMaxTime`: a response after this long on a connection closes it; 0 for no limit. */
  readonly keepAliveMaxTimeMs: number;
  readonly maxHeaderBytes: number;
  /** Clean `.`, `..` and `//` out of the path before routing and forwarding (`http.sanitizePath`). */
  readonly sanitizePath: boolean;
  /** `http.encodeQuerySemicolons`: a `;` in the query is passed on as `%3B` instead of read as `&`. */
  readonly encodeQuerySemicolons: boolean;
  /** `http.underscoreHeadersStrategy`: what becomes of request headers whose name holds an underscore. */
  readonly underscoreHeaders: 'keep' | 'delete' | 'reject';
  /** Access log, metrics and tracing hooks; absent when none of them is on. */
  readonly telemetry?: EntryPointTelemetry | undefined;
  /** `http2` options, for h2c connections. */
  readonly http2: Http2Options;
}

/**
 * Splits a request target into path and query; absolute-form targets also give the host. As Go reads a
 * request target, a `#` is not a fragment mark: it stays in the path (which is then refused) or the query.
 */
function parseTarget(target: string): { path: string; query: string; host?: string } | undefined {
  let rest = target;
  let host: string | undefined;
  if (!rest.startsWith('/')) {
    const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(rest);
    if (absolute === null) return undefined;
    host = absolute[1];
    rest = absolute[2] === '' ? '/' : absolute[2]!;
    if (!rest.startsWith('/') && !rest.startsWith('?')) return undefined;
    if (rest.startsWith('?')) rest = `/${rest}`;
  }
  const mark = rest.indexOf('?');
  return mark === -1 ? { path: rest, query: '', host } : { path: rest.slice(0, mark), query: rest.slice(mark + 1), host };
}

/**
 * The HTTP side of an entryPoint: serves the connections the entryPoint hands over (plain, or TLS already
 * terminated) and routes every request with the Runtime current when the request arrived: routers with
 * `tls` on TLS connections, the others on plain ones, as in Traefik.
 */
export class HttpEntryPoint {
  readonly name: string;
  readonly #options: HttpEntryPointOptions;
  readonly #server: Server;
  readonly #runtime: () => Runtime;
  readonly #log: Logger;
  readonly #info: EntryPointInfo;
  readonly #tlsInfo: EntryPointInfo;
  readonly #sockets = new Set<Socket>();
  /** When each HTTP/1 connection was handed over, for `keepAliveMaxTime`. */
  readonly #connectedAt = new WeakMap<object, number>();
  readonly #forwardedHeaders: ReturnType<typeof compileForwardedHeaders>;
  readonly #upgradeSockets = new Set<Duplex>();
  readonly #telemetry: EntryPointTelemetry | undefined;
  readonly #http2: Http2Connections;
  readonly #undecided: UndecidedConnections;

  constructor(options: HttpEntryPointOptions, runtime: () => Runtime, log: Logger) {
    this.name = options.name;
    this.#options = options;
    this.#runtime = runtime;
    this.#log = log.with({ entryPointName: options.name });
    const appendXForwardedFor = !options.forwardedHeaders.notAppendXForwardedFor;
    this.#info = { name: options.name, isTls: false, appendXForwardedFor };
    this.#tlsInfo = { name: options.name, isTls: true, appendXForwardedFor };
    this.#forwardedHeaders = compileForwardedHeaders(options.forwardedHeaders, `entryPoints.${options.name}.forwardedHeaders`);
    const headersTimeout = options.readTimeoutMs > 0 ? Math.min(60_000, options.readTimeoutMs) : 60_000;
    this.#server = createServer({
      requestTimeout: options.readTimeoutMs,
      headersTimeout,
      keepAliveTimeout: options.idleTimeoutMs,
      maxHeaderSize: options.maxHeaderBytes,
      noDelay: true,
      requireHostHeader: true,
    });
    // Node answers the N-th request of a connection with `Connection: close`, as Traefik does.
    this.#server.maxRequestsPerSocket = options.keepAliveMaxRequests;
    this.#server.on('request', (request: IncomingMessage, response: ServerResponse) => this.#serve(request, response, undefined));
    this.#server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#serveUpgrade(request, socket, head));
    this.#server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
      // CONNECT tunnels are not proxied, as Traefik answers since v3.7.9.
      socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    this.#telemetry = options.telemetry;
    this.#telemetry?.watch(this.#server);
    this.#http2 = new Http2Connections(options.http2, (request, response) => this.#serve(request, response, undefined));
    this.#undecided = acceptH2cPriorKnowledge(this.#server, this.#http2, headersTimeout);
    this.#server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => this.#rejectMalformed(error, socket));
  }

  /** Serves HTTP/1.1 on a connection; bytes already read and put back are parsed first. */
  serve(socket: Socket): void {
    this.#sockets.add(socket);
    if (this.#options.keepAliveMaxTimeMs > 0) this.#connectedAt.set(socket, Date.now());
    socket.once('close', () => this.#sockets.delete(socket));
    this.#server.emit('connection', socket);
    socket.resume();
  }

  /**
   * Serves h2c with prior knowledge on a connection whose first bytes (`head`, the connection preface) were
   * already read by the entryPoint; they are handed to the HTTP/2 session rather than put back on the socket.
   */
  serveH2c(socket: Socket, head: Buffer): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    this.#http2.serveHttp2(socket, head);
    socket.resume();
  }

  /** Serves a TLS connection with the protocol ALPN chose: HTTP/2 for `h2`, HTTP/1.1 otherwise. */
  serveTls(socket: TLSSocket): void {
    if (socket.alpnProtocol === 'h2') {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      this.#http2.serveHttp2(socket);
      return;
    }
    this.serve(socket);
  }

  /**
   * Lets in-flight requests finish within `graceTimeOutMs`, closing connections as they fall idle, then
   * closes what is left.
   */
  async drain(graceTimeOutMs: number): Promise<void> {
    const deadline = Date.now() + graceTimeOutMs;
    this.#server.closeIdleConnections();
    this.#http2.closeIdle();
    this.#undecided.destroyAll();
    while ((this.#sockets.size > 0 || this.#upgradeSockets.size > 0) && Date.now() < deadline) {
      await delay(50);
      this.#server.closeIdleConnections();
      this.#http2.closeIdle();
    }
    this.#server.closeAllConnections();
    this.#http2.destroyAll();
    for (const socket of this.#sockets) socket.destroy();
    for (const socket of this.#upgradeSockets) socket.destroy();
  }

  #rejectMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const text = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    this.#log.debug('malformed request', { code: error.code, status });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status} ${text}`);
  }

  #serveUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#upgradeSockets.add(socket);
    socket.once('close', () => this.#upgradeSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const response = new ServerResponse(request);
    response.assignSocket(socket as Socket);
    response.shouldKeepAlive = false;
    response.once('finish', () => socket.end());
    this.#serve(request, response, { socket, head });
  }

  #serve(request: IncomingMessage, response: ServerResponse, upgrade: { socket: Duplex; head: Buffer } | undefined): void {
    const socket = request.socket as Socket;
    const isTls = (socket as TLSSocket).encrypted === true;
    const client = clientAddressOf(socket);
    const clientIp = client.ip;
    const target = parseTarget(request.url ?? '');
    const exchange = new Exchange({
      request,
      response,
      ...(upgrade !== undefined ? { upgrade } : {}),
      entryPoint: isTls ? this.#tlsInfo : this.#info,
      clientIp,
      clientPort: client.port,
      path: target?.path ?? '/',
      rawQuery: target?.query ?? '',
      log: this.#log,
    });
    if (this.#telemetry !== undefined) this.#telemetry.begin(exchange);
    try {
      if (this.#options.underscoreHeaders !== 'keep' && !this.#handleUnderscoreHeaders(exchange)) return;
      if (target === undefined) return exchange.fail(new BadRequestError(`invalid request target ${JSON.stringify(request.url)}`));
      if (target.path.includes('#')) {
        // Passed on, the `#` would be escaped and change what the request means to the server.
        exchange.log.debug('rejecting request because its path contains a fragment', { path: target.path });
        return exchange.reply(400);
      }
      if (target.host !== undefined) request.headers.host = target.host;
      // Go reads `;` in the query as `&`, unless told to keep it as data, escaped.
      const query = target.query.includes(';') ? target.query.replaceAll(';', this.#options.encodeQuerySemicolons ? '%3B' : '&') : target.query;
      exchange.rawQuery = query;
      const normalized = normalizePathEscapes(exchange.path);
      if (normalized === undefined) return exchange.fail(new BadRequestError('invalid percent-encoding in path'));
      exchange.path = this.#options.sanitizePath ? cleanPath(normalized) : normalized;
      const path = routingPath(exchange.path);
      if (path === undefined) return exchange.fail(new BadRequestError('invalid percent-encoding in path'));
      this.#forwardedHeaders({ headers: request.headers, clientIp, isTls, isWebSocket: isWebSocket(request) });
      if (this.#options.writeTimeoutMs > 0) this.#limitWrite(response);
      if (this.#options.keepAliveMaxTimeMs > 0 && this.#isPastKeepAliveTime(request)) response.setHeader('connection', 'close');
      const runtime = this.#runtime();
      const table = (isTls ? runtime.httpsRouters : runtime.routers).get(this.name);
      const view = new RoutingView(request, canonicalHost(request.headers.host), path, query, clientIp);
      const route = table?.find(view);
      if (route === undefined) return exchange.fail(new NoRouteError('no router matches'));
      route.handler(exchange);
    } catch (error) {
      this.#log.error('request failed', { error: (error as Error).message, routerName: exchange.routerName });
      exchange.fail(new InternalError((error as Error).message));
    }
  }

  /** Deletes or refuses (400) request headers whose name holds an underscore; false when the request was refused. */
  #handleUnderscoreHeaders(exchange: Exchange): boolean {
    const headers = exchange.request.headers;
    for (const name in headers) {
      if (!name.includes('_')) continue;
      if (this.#options.underscoreHeaders === 'reject') {
        exchange.reply(400, 'Bad Request\n');
        return false;
      }
      delete headers[name];
    }
    return true;
  }

  /** True when the HTTP/1 connection of a request is older than `keepAliveMaxTime` (HTTP/2 has no such header). */
  #isPastKeepAliveTime(request: IncomingMessage): boolean {
    const connectedAt = this.#connectedAt.get(request.socket);
    return request.httpVersionMajor === 1 && connectedAt !== undefined && Date.now() - connectedAt > this.#options.keepAliveMaxTimeMs;
  }

  #limitWrite(response: ServerResponse): void {
    const timer = setTimeout(() => response.destroy(), this.#options.writeTimeoutMs);
    timer.unref();
    response.once('close', () => clearTimeout(timer));
  }
}

function isWebSocket(request: IncomingMessage): boolean {
  const upgrade = request.headers.upgrade;
  return typeof upgrade === 'string' && upgrade.toLowerCase().split(',').some((token) => token.trim() === 'websocket');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
