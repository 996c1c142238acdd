import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Exchange } from '../../exchange.js';
import type { ResponseWriter } from '../../response-writer.js';

function copyHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) copy[name] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}

/**
 * What the middlewares after a replaying one (retry, buffering) may change on an exchange: put back before
 * each new attempt, so that every attempt starts from the request as it reached the replaying middleware,
 * as Traefik's attempts each start from a clone of it.
 */
export class ExchangeSnapshot {
  readonly #path: string;
  readonly #rawQuery: string;
  readonly #headers: IncomingHttpHeaders;
  readonly writer: ResponseWriter;

  constructor(exchange: Exchange) {
    this.#path = exchange.path;
    this.#rawQuery = exchange.rawQuery;
    this.#headers = copyHeaders(exchange.request.headers);
    this.writer = exchange.writer;
  }

  restore(exchange: Exchange): void {
    exchange.path = this.#path;
    exchange.rawQuery = this.#rawQuery;
    exchange.error = undefined;
    exchange.writer = this.writer;
    const headers = exchange.request.headers;
    for (const name of Object.keys(headers)) delete headers[name];
    Object.assign(headers, copyHeaders(this.#headers));
  }
}

/** Tells whether the client is gone, so nothing more can be sent to it. */
export function isClientGone(exchange: Exchange): boolean {
  if (exchange.upgrade !== undefined) return exchange.upgrade.socket.destroyed;
  return exchange.response.destroyed || exchange.request.socket?.destroyed !== false;
}

/** The body read, whole or up to the first chunk past the limit. */
export interface ReadBody {
  readonly body: Buffer;
  /** False when the body was longer than the limit: the rest is still in the request stream. */
  readonly isComplete: boolean;
}

/**
 * Reads a request body stream, stopping at the first chunk that takes it past `limit` bytes (negative: no
 * limit); the stream is then left paused. Rejects when the client goes away or the stream fails.
 */
export function readRequestBody(request: Readable, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (limit < 0 || size <= limit) return;
      request.pause();
      stop();
      resolve({ body: Buffer.concat(chunks, size), isComplete: false });
    };
    const onEnd = (): void => {
      stop();
      resolve({ body: Buffer.concat(chunks, size), isComplete: true });
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    const onClose = (): void => {
      if (request.readableEnded) return;
      stop();
      reject(new Error('client closed the connection while sending the request body'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
