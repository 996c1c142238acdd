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
  /**
   * Takes the upstream's trailers, before `end`. Returns false when no writer down the chain took them: the
   * proxy then adds them to the client's response itself.
   */
  addTrailers?(trailers: ReadonlyArray<readonly [string, string]>): boolean;
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

  addTrailers(trailers: ReadonlyArray<readonly [string, string]>): boolean {
    return this.inner.addTrailers?.(trailers) ?? false;
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
  /** Body bytes written to the client (access log and metrics). */
  bytesWritten = 0;
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
    this.bytesWritten += chunk.length;
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

  addTrailers(trailers: ReadonlyArray<readonly [string, string]>): boolean {
    this.response.addTrailers(trailers as Array<[string, string]>);
    return true;
  }
}

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2); Node refuses to send a response holding one. */
const connectionSpecificHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function withoutConnectionHeaders(headers: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (!connectionSpecificHeaders.has(headers[i]!.toLowerCase())) kept.push(headers[i]!, headers[i + 1]!);
  return kept;
}

/**
 * The bottom writer for an HTTP/2 client. A gRPC server that fails a call at once answers "trailers-only":
 * one HEADERS frame ending the stream, holding the status and the call's trailing metadata. Node's
 * compatibility layer cannot end a stream on its headers, so such an answer goes out as response headers
 * with only the content type, an empty body, then the rest as trailers: gRPC clients read both the same way.
 */
export class Http2NodeResponseWriter extends NodeResponseWriter {
  /** Node's HTTP/2 responses take trailers as a record only. */
  override addTrailers(trailers: ReadonlyArray<readonly [string, string]>): boolean {
    this.response.addTrailers(Object.fromEntries(trailers));
    return true;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    for (const name of connectionSpecificHeaders) delete headers[name];
    const contentType = headers['content-type'];
    if (headers['grpc-status'] === undefined || typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return super.writeHead(status, headers);
    const trailers: Record<string, string | string[]> = {};
    for (const name in headers) {
      const value = headers[name];
      if (name === 'content-type' || value === undefined) continue;
      trailers[name] = Array.isArray(value) ? value : String(value);
    }
    this.response.addTrailers(trailers);
    super.writeHead(status, { 'content-type': contentType });
  }

  override writeHeadList(status: number, headers: readonly string[]): void {
    let hasGrpcStatus = false;
    let hasConnectionHeader = false;
    let contentType: string | undefined;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!.toLowerCase();
      if (name === 'grpc-status') hasGrpcStatus = true;
      else if (name === 'content-type') contentType = headers[i + 1];
      else if (connectionSpecificHeaders.has(name)) hasConnectionHeader = true;
    }
    if (hasConnectionHeader) return this.writeHeadList(status, withoutConnectionHeaders(headers));
    if (!hasGrpcStatus || contentType?.startsWith('application/grpc') !== true) return super.writeHeadList(status, headers);
    const trailers: Record<string, string | string[]> = {};
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!.toLowerCase();
      if (name === 'content-type') continue;
      const existing = trailers[name];
      trailers[name] = existing === undefined ? headers[i + 1]! : [...(Array.isArray(existing) ? existing : [existing]), headers[i + 1]!];
    }
    this.response.addTrailers(trailers);
    super.writeHeadList(status, ['Content-Type', contentType]);
  }
}
