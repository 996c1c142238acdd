import type { ServerResponse } from 'node:http';
import { canonicalHeaderName } from './proxy/header-names.js';
import type { DataPathError } from './errors.js';

/** Response headers keyed by lowercase name; writers and hooks may edit them before they are sent. */
export type ResponseHeaders = Record<string, string | string[] | number | undefined>;

/**
 * Where an exchange's response goes. The proxy and Junction's own answers write to `exchange.writer`;
 * response-side middlewares (headers, compress, errors, retry, circuitBreaker) wrap it to see or change
 * the status, headers, body or failure on the way out.
 */
export interface ResponseWriter {
  writeHead(status: number, headers: ResponseHeaders): void;
  /** Returns false when the client is slow: wait for `onceDrain` before writing more. */
  write(chunk: Buffer): boolean;
  end(): void;
  onceDrain(listener: () => void): void;
  /** Offered every failure first; returns true when it took care of it (a retry), false to let the exchange answer. */
  fail(error: DataPathError): boolean;
  /** True once the status line went to the client: a failure after that can only cut the connection. */
  readonly isHeadSent: boolean;
}

/** Passes everything to the writer it wraps; subclasses override what they need. */
export class ResponseWriterWrapper implements ResponseWriter {
  protected readonly inner: ResponseWriter;

  constructor(inner: ResponseWriter) {
    this.inner = inner;
  }

  writeHead(status: number, headers: ResponseHeaders): void {
    this.inner.writeHead(status, headers);
  }

  write(chunk: Buffer): boolean {
    return this.inner.write(chunk);
  }

  end(): void {
    this.inner.end();
  }

  onceDrain(listener: () => void): void {
    this.inner.onceDrain(listener);
  }

  fail(error: DataPathError): boolean {
    return this.inner.fail(error);
  }

  get isHeadSent(): boolean {
    return this.inner.isHeadSent;
  }
}

/** Runs a hook on the headers before passing them on. */
export class HeadersHookWriter extends ResponseWriterWrapper {
  readonly #hook: (status: number, headers: ResponseHeaders) => void;

  constructor(inner: ResponseWriter, hook: (status: number, headers: ResponseHeaders) => void) {
    super(inner);
    this.#hook = hook;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    this.#hook(status, headers);
    this.inner.writeHead(status, headers);
  }
}

/** The writer at the bottom of every chain: Node's ServerResponse. */
export class NodeResponseWriter implements ResponseWriter {
  readonly response: ServerResponse;
  /** Status actually written. */
  status = 0;
  /** When set, the next head is kept here instead of written (a WebSocket 101 goes out on the raw socket). */
  capturedHead: ResponseHeaders | undefined;
  #isCapturing = false;

  constructor(response: ServerResponse) {
    this.response = response;
  }

  /** Makes the next `writeHead` record its headers instead of sending them. */
  captureNextHead(): void {
    this.#isCapturing = true;
  }

  writeHead(status: number, headers: ResponseHeaders): void {
    this.status = status;
    if (this.#isCapturing) {
      this.#isCapturing = false;
      this.capturedHead = headers;
      return;
    }
    // Go's spelling on the wire, whatever case middlewares used in the record.
    const list: string[] = [];
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      const wireName = canonicalHeaderName(name);
      if (Array.isArray(value)) for (const item of value) list.push(wireName, item);
      else list.push(wireName, String(value));
    }
    this.response.writeHead(status, list);
  }

  /** The fast path for an unwrapped chain: a flat `[name, value, ...]` list as the upstream sent it. */
  writeHeadList(status: number, headers: readonly string[]): void {
    this.status = status;
    this.response.writeHead(status, headers as string[]);
  }

  write(chunk: Buffer): boolean {
    return this.response.write(chunk);
  }

  end(): void {
    this.response.end();
  }

  onceDrain(listener: () => void): void {
    this.response.once('drain', listener);
  }

  fail(): boolean {
    return false;
  }

  get isHeadSent(): boolean {
    return this.response.headersSent;
  }
}

/** gRPC status fields an HTTP/2 answer carries in its trailers. */
const grpcStatusFields = new Set(['grpc-status', 'grpc-message', 'grpc-status-details-bin']);

/**
 * The bottom writer for an HTTP/2 client. A gRPC server may answer "trailers-only" (its status in the only
 * HEADERS frame); Node's compatibility layer cannot end a stream on its headers, so the status goes out as
 * trailers after an empty body, which gRPC clients read the same way.
 */
export class Http2NodeResponseWriter extends NodeResponseWriter {
  override writeHead(status: number, headers: ResponseHeaders): void {
    const contentType = headers['content-type'];
    if (headers['grpc-status'] !== undefined && typeof contentType === 'string' && contentType.startsWith('application/grpc')) {
      const trailers: Record<string, string> = {};
      for (const name of grpcStatusFields) {
        const value = headers[name];
        if (value === undefined) continue;
        trailers[name] = String(value);
        delete headers[name];
      }
      this.response.addTrailers(trailers);
    }
    super.writeHead(status, headers);
  }

  override writeHeadList(status: number, headers: readonly string[]): void {
    let grpcStatusAt = -1;
    let isGrpc = false;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!.toLowerCase();
      if (name === 'grpc-status') grpcStatusAt = i;
      else if (name === 'content-type' && headers[i + 1]!.startsWith('application/grpc')) isGrpc = true;
    }
    if (grpcStatusAt === -1 || !isGrpc) return super.writeHeadList(status, headers);
    const kept: string[] = [];
    const trailers: Array<[string, string]> = [];
    for (let i = 0; i < headers.length; i += 2) {
      if (grpcStatusFields.has(headers[i]!.toLowerCase())) trailers.push([headers[i]!.toLowerCase(), headers[i + 1]!]);
      else kept.push(headers[i]!, headers[i + 1]!);
    }
    this.response.addTrailers(Object.fromEntries(trailers));
    super.writeHeadList(status, kept);
  }
}
