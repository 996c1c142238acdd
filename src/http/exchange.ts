import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { RoutingRequest } from '../rules/routing-request.js';
import type { Logger } from '../observability/logger.js';
import type { Observation } from '../observability/observation.js';
import { ClientClosedError, type DataPathError } from './errors.js';
import { HeadersHookWriter, Http2NodeResponseWriter, NodeResponseWriter, type ResponseHeaders, type ResponseWriter } from './response-writer.js';

export type { ResponseHeaders };
export type ResponseHeadersHook = (status: number, headers: ResponseHeaders) => void;

/** Where a request came in. */
export interface EntryPointInfo {
  readonly name: string;
  readonly isTls: boolean;
  /** False with `forwardedHeaders.notAppendXForwardedFor`: X-Forwarded-For goes upstream as the client sent it. */
  readonly appendXForwardedFor: boolean;
}

/** A WebSocket (or other) upgrade: the raw client socket and what was read past the headers. */
export interface UpgradeRequest {
  readonly socket: Duplex;
  readonly head: Buffer;
}

/**
 * How far one attempt to reach an upstream went, reported by the proxy to a middleware that may send the
 * request again (retry): a failure before the request went out is a network error that is safe to retry.
 */
export interface UpstreamAttempt {
  /** The exchange reached a server's proxy; an answer made before (a 401 from a middleware) is no network error. */
  isProxyReached: boolean;
  /** The request went out on a connection to the server. */
  isRequestSent: boolean;
}

/**
 * One request/response exchange between a downstream client and Junction. Middlewares edit the request
 * headers and `path`/`rawQuery` in place; services forward it upstream or answer it.
 */
export class Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly upgrade: UpgradeRequest | undefined;
  readonly entryPoint: EntryPointInfo;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly startedAt: number;
  log: Logger;
  /** Escaped path sent upstream; path middlewares rewrite it. */
  path: string;
  /** Query string without `?`, empty when there is none. */
  rawQuery: string;
  routerName: string | undefined;
  /** Multi-layer routing: the routers that handed the request down to `routerName`, outermost first. */
  parentRouterNames: string[] | undefined = undefined;
  serviceName: string | undefined;
  error: DataPathError | undefined;
  /** The bottom of the writer chain: the client's response. */
  readonly nodeWriter: NodeResponseWriter;
  /** Where the response goes; response-side middlewares wrap it. */
  writer: ResponseWriter;
  /**
   * The request body to send upstream instead of streaming `request`: set by a middleware that read it first
   * (buffering) or must be able to send it again (retry). Undefined on the usual path.
   */
  requestBody: Buffer | Readable | undefined = undefined;
  /** Set by a middleware that may send the request again; the proxy reports into it how far each attempt went. */
  upstreamAttempt: UpstreamAttempt | undefined = undefined;
  /** The telemetry record, when the access log, metrics or tracing observe this entryPoint. */
  observation: Observation | undefined = undefined;

  constructor(init: {
    request: IncomingMessage;
    response: ServerResponse;
    upgrade?: UpgradeRequest;
    entryPoint: EntryPointInfo;
    clientIp: string;
    clientPort: number;
    path: string;
    rawQuery: string;
    log: Logger;
  }) {
    this.request = init.request;
    this.response = init.response;
    this.upgrade = init.upgrade;
    this.entryPoint = init.entryPoint;
    this.clientIp = init.clientIp;
    this.clientPort = init.clientPort;
    this.path = init.path;
    this.rawQuery = init.rawQuery;
    this.log = init.log;
    this.startedAt = performance.now();
    this.nodeWriter = init.request.httpVersionMajor === 2 ? new Http2NodeResponseWriter(init.response) : new NodeResponseWriter(init.response);
    this.writer = this.nodeWriter;
  }

  /** The request target as it goes upstream: path plus query. */
  get target(): string {
    return this.rawQuery === '' ? this.path : `${this.path}?${this.rawQuery}`;
  }

  /** True when a middleware wraps the response writer (the proxy then takes the general path). */
  get isWriterWrapped(): boolean {
    return this.writer !== this.nodeWriter;
  }

  /** Registers a hook that runs on the response headers, whoever writes them (upstream or Junction). */
  onResponseHeaders(hook: ResponseHeadersHook): void {
    this.writer = new HeadersHookWriter(this.writer, hook);
  }

  /** Writes status and headers through the writer chain. */
  writeHead(status: number, headers: ResponseHeaders): void {
    this.writer.writeHead(status, headers);
  }

  /** Answers the request from Junction itself with a plain-text body. */
  reply(status: number, body = '', headers: ResponseHeaders = {}): void {
    if (this.writer.isHeadSent || this.response.destroyed) return;
    if (body !== '' && headers['content-type'] === undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      headers['x-content-type-options'] = 'nosniff';
    }
    headers['content-length'] = Buffer.byteLength(body);
    const writer = this.writer;
    writer.writeHead(status, headers);
    if (body !== '' && this.request.method !== 'HEAD') writer.write(Buffer.from(body));
    writer.end();
  }

  /** Ends the exchange with a data-path error: the client gets its status unless it already left. */
  fail(error: DataPathError): void {
    this.error = error;
    if (this.writer.fail(error)) return;
    if (error instanceof ClientClosedError) {
      this.nodeWriter.status = error.status;
      return;
    }
    if (this.writer.isHeadSent) {
      this.response.destroy(error);
      return;
    }
    this.reply(error.status, error.body);
  }

  /** Status as written to the client (499 when it went away first). */
  get status(): number {
    return this.nodeWriter.status;
  }

  set status(value: number) {
    this.nodeWriter.status = value;
  }
}

export type Handler = (exchange: Exchange) => void;
export type Middleware = (next: Handler) => Handler;
