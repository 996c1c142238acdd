import { Readable } from 'node:stream';
import { ConfigError, quote } from '../../../config/errors.js';
import { ClientClosedError, InternalError, type DataPathError } from '../../errors.js';
import type { Exchange, Handler } from '../../exchange.js';
import { hasRequestBody } from '../../proxy/forward.js';
import type { ResponseHeaders, ResponseWriter } from '../../response-writer.js';
import { ExpressionError } from '../expression/expression-error.js';
import type { Predicate } from '../expression/predicate.js';
import type { MiddlewareFactory } from '../middleware.js';
import { ExchangeSnapshot, isClientGone } from '../retry/replay.js';
import type { BufferingConfig } from './buffering-schema.js';
import { compileRetryExpression, type AttemptOutcome } from './retry-expression.js';
import { SpillBuffer } from './spill-buffer.js';

/** multibuf's memory threshold when none is set. */
const DEFAULT_MEMORY_BYTES = 1024 * 1024;
/** oxy replays a request at most this many times. */
const MAX_RETRY_ATTEMPTS = 10;
/** Go's server gives a Content-Length to a response written whole that fits its 2 KiB buffer. */
const GO_BUFFERED_RESPONSE_BYTES = 2048;
const TEXT_PLAIN = 'text/plain; charset=utf-8';

interface BufferingSettings {
  /** 0: no limit. */
  readonly maxRequestBytes: number;
  readonly memoryRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly memoryResponseBytes: number;
  readonly retryCondition: Predicate<AttemptOutcome> | undefined;
}

/** Keeps one attempt's response (status, headers, body) away from the client until it is complete. */
class CaptureWriter implements ResponseWriter {
  readonly body: SpillBuffer;
  readonly #run: BufferingRun;
  readonly #maxBytes: number;
  status = 0;
  headers: ResponseHeaders = {};
  isHeadCaptured = false;
  /** The body went past `maxResponseBodyBytes`: the rest is dropped and the client gets a 500. */
  isOverLimit = false;

  constructor(run: BufferingRun, memoryBytes: number, maxBytes: number) {
    this.#run = run;
    this.#maxBytes = maxBytes;
    this.body = new SpillBuffer(memoryBytes);
  }

  writeHead(status: number, headers: ResponseHeaders): void {
    if (this.isHeadCaptured) return;
    this.isHeadCaptured = true;
    this.status = status;
    this.headers = headers;
  }

  write(chunk: Buffer): boolean {
    if (this.isOverLimit) return true;
    if (this.#maxBytes > 0 && this.body.size + chunk.length > this.#maxBytes) {
      this.isOverLimit = true;
      return true;
    }
    return this.body.append(chunk);
  }

  end(): void {
    this.#run.complete(this);
  }

  onceDrain(listener: () => void): void {
    this.body.onceWritten(listener);
  }

  fail(error: DataPathError): boolean {
    return this.#run.failed(this, error);
  }

  get isHeadSent(): boolean {
    return false;
  }
}

/** RFC 9110: these responses have no body, whatever their headers say. */
function expectsBody(method: string, status: number, headers: ResponseHeaders): boolean {
  if (method === 'HEAD') return false;
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return false;
  if (String(headers['content-length'] ?? '') === '0') return false;
  // gRPC and gRPC-Web errors carry their status in headers only.
  const grpcStatus = headers['grpc-status'];
  return grpcStatus === undefined || String(grpcStatus) === '' || String(grpcStatus) === '0';
}

/** Resolves once the writer can take more, or the client is gone. */
function drained(writer: ResponseWriter, exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    writer.onceDrain(resolve);
    exchange.response.once('close', resolve);
  });
}

/** One request through the buffering middleware: its body read first, then each attempt's response kept whole. */
class BufferingRun {
  readonly #exchange: Exchange;
  readonly #next: Handler;
  readonly #settings: BufferingSettings;
  #snapshot: ExchangeSnapshot | undefined;
  #requestBody: SpillBuffer | undefined;
  #current: CaptureWriter | undefined;
  #attempt = 1;

  constructor(exchange: Exchange, next: Handler, settings: BufferingSettings) {
    this.#exchange = exchange;
    this.#next = next;
    this.#settings = settings;
  }

  start(): void {
    const exchange = this.#exchange;
    const request = exchange.request;
    const max = this.#settings.maxRequestBytes;
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (max > 0 && declared > max) return this.#tooLarge();
    if (!hasRequestBody(exchange)) return this.#sendAttempts();

    const body = new SpillBuffer(this.#settings.memoryRequestBytes);
    this.#requestBody = body;
    exchange.response.once('close', () => body.close());
    const stop = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onGone);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      if (max > 0 && body.size + chunk.length > max) {
        stop();
        request.pause();
        this.#tooLarge();
        return;
      }
      if (body.append(chunk)) return;
      request.pause();
      body.onceWritten(() => request.resume());
    };
    const onEnd = (): void => {
      stop();
      body
        .settled()
        .then(
          () => this.#requestRead(),
          (error: Error) => this.#internalError(error),
        )
        .catch((error: Error) => this.#abort(error));
    };
    const onGone = (): void => {
      stop();
      exchange.fail(new ClientClosedError('client closed the connection while sending the request body'));
    };
    const onClose = (): void => {
      if (!request.readableEnded) onGone();
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onGone);
    request.on('close', onClose);
  }

  /** The request goes upstream with its length known, no longer chunked, as oxy sends it. */
  #requestRead(): void {
    const headers = this.#exchange.request.headers;
    const size = this.#requestBody!.size;
    delete headers['transfer-encoding'];
    if (size === 0) {
      delete headers['content-length'];
      this.#requestBody = undefined;
    } else {
      headers['content-length'] = String(size);
    }
    this.#sendAttempts();
  }

  #tooLarge(): void {
    const exchange = this.#exchange;
    exchange.log.debug('request body over limit', { routerName: exchange.routerName, limit: this.#settings.maxRequestBytes });
    // What is left of the body is not read: the connection cannot be reused.
    const headers: ResponseHeaders = { 'content-type': TEXT_PLAIN };
    if (!exchange.request.readableEnded) headers.connection = 'close';
    exchange.reply(413, 'Request Entity Too Large', headers);
  }

  #internalError(error: Error): void {
    const exchange = this.#exchange;
    exchange.log.debug('buffering failed', { routerName: exchange.routerName, error: error.message });
    if (this.#snapshot !== undefined) exchange.writer = this.#snapshot.writer;
    exchange.error = new InternalError(error.message);
    exchange.reply(500, 'Internal Server Error', { 'content-type': TEXT_PLAIN });
  }

  /** Cuts the client's connection after an unexpected fault, so the exchange does not hang. */
  #abort(error: Error): void {
    const exchange = this.#exchange;
    exchange.log.error('request failed', { error: error.message, routerName: exchange.routerName });
    exchange.response.destroy();
  }

  #sendAttempts(): void {
    this.#snapshot = new ExchangeSnapshot(this.#exchange);
    this.#attemptNow();
  }

  #bodyForAttempt(): Buffer | Readable | undefined {
    const body = this.#requestBody;
    if (body === undefined) return undefined;
    return body.isInMemory ? body.contents() : Readable.from(body.chunks(), { objectMode: false });
  }

  #attemptNow(): void {
    const exchange = this.#exchange;
    if (this.#attempt > 1) this.#snapshot!.restore(exchange);
    exchange.requestBody = this.#bodyForAttempt();
    // Lets the proxy stop watching the client between attempts.
    exchange.upstreamAttempt = { isProxyReached: false, isRequestSent: false };
    const capture = new CaptureWriter(this, this.#settings.memoryResponseBytes, this.#settings.maxResponseBytes);
    this.#current = capture;
    exchange.writer = capture;
    // Attempts after the body was read, or replayed, run outside the entryPoint's guard.
    try {
      this.#next(exchange);
    } catch (error) {
      exchange.log.error('request failed', { error: (error as Error).message, routerName: exchange.routerName });
      exchange.fail(new InternalError((error as Error).message));
    }
  }

  /** A failure offered to the capture writer; true when handled here. */
  failed(capture: CaptureWriter, error: DataPathError): boolean {
    const exchange = this.#exchange;
    if (capture !== this.#current) return true;
    if (error instanceof ClientClosedError) {
      capture.body.close();
      exchange.writer = this.#snapshot!.writer;
      return this.#snapshot!.writer.fail(error);
    }
    if (capture.isHeadCaptured) {
      // The body broke after the head: Traefik's proxy aborts the handler, and the client's connection is cut.
      capture.body.close();
      this.#current = undefined;
      exchange.writer = this.#snapshot!.writer;
      exchange.status = error.status;
      exchange.response.destroy();
      return true;
    }
    // Junction's answer to the failure (502, 504) is captured like any response, as Traefik's proxy writes
    // its error page into the buffer; a retryExpression sees its status.
    return false;
  }

  /** The attempt's response is complete: retry, or send it to the client. */
  complete(capture: CaptureWriter): void {
    if (capture !== this.#current) return;
    capture.body
      .settled()
      .then(
        () => this.#decide(capture),
        (error: Error) => {
          capture.body.close();
          this.#internalError(error);
        },
      )
      .catch((error: Error) => this.#abort(error));
  }

  #decide(capture: CaptureWriter): void {
    const exchange = this.#exchange;
    if (capture.isOverLimit) {
      capture.body.close();
      exchange.log.debug('response body over limit', { routerName: exchange.routerName, limit: this.#settings.maxResponseBytes });
      this.#internalError(new Error(`response body larger than ${this.#settings.maxResponseBytes} bytes`));
      return;
    }
    const condition = this.#settings.retryCondition;
    const outcome: AttemptOutcome = { attempt: this.#attempt, responseCode: capture.status, method: exchange.request.method ?? 'GET' };
    if (condition !== undefined && this.#attempt <= MAX_RETRY_ATTEMPTS && condition(outcome)) {
      capture.body.close();
      this.#attempt++;
      exchange.log.debug(`retry attempt ${this.#attempt}`, { routerName: exchange.routerName, status: capture.status });
      setImmediate(() => {
        if (isClientGone(exchange)) {
          exchange.status = 499;
          return;
        }
        this.#attemptNow();
      });
      return;
    }
    void this.#deliver(capture);
  }

  async #deliver(capture: CaptureWriter): Promise<void> {
    const exchange = this.#exchange;
    const writer = this.#snapshot!.writer;
    exchange.writer = writer;
    const headers = capture.headers;
    const hasBody = expectsBody(exchange.request.method ?? 'GET', capture.status, headers);
    if (hasBody && headers['content-length'] === undefined && capture.body.size <= GO_BUFFERED_RESPONSE_BYTES) {
      headers['content-length'] = capture.body.size;
    }
    try {
      writer.writeHead(capture.status, headers);
      if (hasBody) {
        for await (const chunk of capture.body.chunks()) {
          if (isClientGone(exchange)) return;
          if (!writer.write(chunk)) await drained(writer, exchange);
        }
      }
      writer.end();
    } catch (error) {
      exchange.log.debug('cannot send the buffered response', { routerName: exchange.routerName, error: (error as Error).message });
      exchange.response.destroy();
    } finally {
      capture.body.close();
    }
  }
}

/**
 * Reads the whole request before sending it upstream and the whole response before answering, with size
 * limits (413 for a request over `maxRequestBodyBytes`, 500 for a response over `maxResponseBodyBytes`),
 * keeping up to the `mem*` thresholds in memory and the rest in a temporary file, as Traefik's buffering
 * (oxy's buffer) does. A `retryExpression` sends the request again while it holds after an attempt.
 */
export const buffering: MiddlewareFactory<BufferingConfig> = (config) => {
  let retryCondition: Predicate<AttemptOutcome> | undefined;
  const expression = config.retryExpression ?? '';
  if (expression !== '') {
    try {
      retryCondition = compileRetryExpression(expression);
    } catch (error) {
      if (error instanceof ExpressionError) throw new ConfigError('retryExpression', `invalid expression ${quote(expression)}: ${error.message}`);
      throw error;
    }
  }
  const maxRequestBytes = config.maxRequestBodyBytes;
  let memoryRequestBytes = config.memRequestBodyBytes === 0 ? DEFAULT_MEMORY_BYTES : config.memRequestBodyBytes;
  if (maxRequestBytes > 0 && maxRequestBytes < memoryRequestBytes) memoryRequestBytes = maxRequestBytes;
  const settings: BufferingSettings = {
    maxRequestBytes,
    memoryRequestBytes,
    maxResponseBytes: config.maxResponseBodyBytes,
    memoryResponseBytes: config.memResponseBodyBytes === 0 ? DEFAULT_MEMORY_BYTES : config.memResponseBodyBytes,
    retryCondition,
  };

  return (next) =>
    function buffering(exchange) {
      // A connection handed over to a WebSocket is not buffered, as in oxy.
      if (exchange.upgrade !== undefined) return next(exchange);
      new BufferingRun(exchange, next, settings).start();
    };
};
