import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RoutingRequest } from '../rules/routing-request.js';
import type { Logger } from '../observability/logger.js';
import { ClientClosedError, type DataPathError } from './errors.js';

/** Response headers as they are about to be written, keyed by lowercase name; hooks may edit them. */
export type ResponseHeaders = Record<string, string | string[] | number | undefined>;
export type ResponseHeadersHook = (status: number, headers: ResponseHeaders) => void;

/** Where a request came in. */
export interface EntryPointInfo {
  readonly name: string;
  readonly isTls: boolean;
}

/** A WebSocket (or other) upgrade: the raw client socket and what was read past the headers. */
export interface UpgradeRequest {
  readonly socket: Duplex;
  readonly head: Buffer;
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
  serviceName: string | undefined;
  /** Final status as written, or the error's status (499 when the client went away). */
  status = 0;
  error: DataPathError | undefined;
  #responseHooks: ResponseHeadersHook[] | undefined;

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
  }

  /** The request target as it goes upstream: path plus query. */
  get target(): string {
    return this.rawQuery === '' ? this.path : `${this.path}?${this.rawQuery}`;
  }

  /** True when a middleware wants to see or edit the response headers. */
  get hasResponseHooks(): boolean {
    return this.#responseHooks !== undefined;
  }

  /** Registers a hook that runs on the response headers, whoever writes them (upstream or Junction). */
  onResponseHeaders(hook: ResponseHeadersHook): void {
    (this.#responseHooks ??= []).push(hook);
  }

  /** Lets response hooks edit the headers about to be sent with `status`, innermost middleware first. */
  applyResponseHooks(status: number, headers: ResponseHeaders): void {
    const hooks = this.#responseHooks;
    if (hooks !== undefined) for (let i = hooks.length - 1; i >= 0; i--) hooks[i]!(status, headers);
    this.status = status;
  }

  /** Writes status and headers, after response hooks had their say. */
  writeHead(status: number, headers: ResponseHeaders): void {
    this.applyResponseHooks(status, headers);
    this.response.writeHead(status, headers as OutgoingHttpHeaders);
  }

  /** Answers the request from Junction itself with a plain-text body. */
  reply(status: number, body = '', headers: ResponseHeaders = {}): void {
    if (this.response.headersSent || this.response.destroyed) return;
    if (body !== '' && headers['content-type'] === undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      headers['x-content-type-options'] = 'nosniff';
    }
    headers['content-length'] = Buffer.byteLength(body);
    this.writeHead(status, headers);
    this.response.end(this.request.method === 'HEAD' ? undefined : body);
  }

  /** Ends the exchange with a data-path error: the client gets its status unless it already left. */
  fail(error: DataPathError): void {
    this.error = error;
    if (error instanceof ClientClosedError) {
      this.status = error.status;
      return;
    }
    if (this.response.headersSent) {
      this.response.destroy(error);
      return;
    }
    this.reply(error.status, error.body);
  }
}

export type Handler = (exchange: Exchange) => void;
export type Middleware = (next: Handler) => Handler;
