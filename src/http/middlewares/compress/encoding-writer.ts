import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import type { DataPathError } from '../../errors.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';
import type { Encoding } from './accept-encoding.js';
import { parseMediaType } from './media-type.js';

/** A zlib transform that can be flushed mid-stream. */
type Compressor = Transform & { flush(kind: number, callback?: () => void): void };

/** How one content coding is produced. */
export interface Coding {
  readonly name: Encoding;
  create(): Compressor;
  /** Flush kind that pushes out everything written so far without ending the stream. */
  readonly flushKind: number;
}

type ZstdZlib = { createZstdCompress?: () => Compressor; constants: { ZSTD_e_flush?: number } };
const zstdZlib = zlib as unknown as ZstdZlib;

/** Codings by name; zstd only when this Node's zlib has it (Node 20 does not). */
export const codings: ReadonlyMap<Encoding, Coding> = new Map<Encoding, Coding>([
  ['gzip', { name: 'gzip', create: () => zlib.createGzip(), flushKind: zlib.constants.Z_SYNC_FLUSH }],
  [
    'br',
    {
      name: 'br',
      // Quality 6 is what Traefik's brotli writer uses by default; Node's own default (11) is far slower.
      create: () => zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 6 } }),
      flushKind: zlib.constants.BROTLI_OPERATION_FLUSH,
    },
  ],
  ...(typeof zstdZlib.createZstdCompress === 'function'
    ? ([['zstd', { name: 'zstd', create: () => zstdZlib.createZstdCompress!(), flushKind: zstdZlib.constants.ZSTD_e_flush ?? 1 }]] as const)
    : []),
]);

/** The first value of a response header, as Go's `Header.Get`; empty when absent. */
export function firstValue(headers: ResponseHeaders, name: string): string {
  const value = headers[name];
  if (value === undefined) return '';
  if (Array.isArray(value)) return value[0] ?? '';
  return String(value);
}

/** Event streams are flushed after each event; the proxy also sends their head at once (`startsWith`, as it checks). */
export function isEventStream(contentType: string): boolean {
  return contentType.startsWith('text/event-stream') || parseMediaType(contentType).mediaType === 'text/event-stream';
}

/** Adds `Accept-Encoding` to Vary before the upstream's values, as Traefik adds it before the proxy copies them. */
export function addVary(headers: ResponseHeaders): void {
  const existing = headers.vary;
  if (existing === undefined) headers.vary = 'Accept-Encoding';
  else headers.vary = ['Accept-Encoding', ...(Array.isArray(existing) ? existing : [String(existing)])];
}

type State = 'waiting' | 'pending' | 'plain' | 'compressing';

/**
 * A response writer that holds the head and the first bytes of the body until it knows whether to compress,
 * then sends the response either as it is or through a compressor, flushed as data comes so that streams
 * keep streaming. Subclasses decide, each as the Traefik handler it follows.
 */
export abstract class EncodingWriter extends ResponseWriterWrapper {
  protected readonly coding: Coding;
  protected status = 200;
  protected headers: ResponseHeaders = {};
  #state: State = 'waiting';
  #buffered: Buffer[] = [];
  #bufferedLength = 0;
  #compressor: Compressor | undefined;
  #isEnded = false;
  #isFlushScheduled = false;
  readonly #onError: (error: Error) => void;

  constructor(inner: ResponseWriter, coding: Coding, onError: (error: Error) => void) {
    super(inner);
    this.coding = coding;
    this.#onError = onError;
  }

  /** Bytes held while deciding. */
  protected get bufferedLength(): number {
    return this.#bufferedLength;
  }

  /** The held bytes as one buffer. */
  protected bufferedBytes(): Buffer {
    if (this.#buffered.length > 1) this.#buffered = [Buffer.concat(this.#buffered)];
    return this.#buffered[0] ?? Buffer.alloc(0);
  }

  protected hold(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#buffered.push(chunk);
    this.#bufferedLength += chunk.length;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    // Informational answers (103, and the 101 of an upgrade) go through as they are.
    if (status >= 100 && status <= 199) {
      this.inner.writeHead(status, headers);
      return;
    }
    if (this.#state === 'pending') this.#reset();
    addVary(headers);
    this.status = status;
    this.headers = headers;
    this.#state = 'pending';
    this.headReceived();
  }

  override write(chunk: Buffer): boolean {
    switch (this.#state) {
      case 'plain':
        return this.inner.write(chunk);
      case 'compressing':
        return this.#compress(chunk);
      default:
        return this.decide(chunk);
    }
  }

  override end(): void {
    if (this.#state === 'pending') this.finish();
    this.#isEnded = true;
    if (this.#state === 'compressing' && this.#compressor !== undefined) this.#compressor.end();
    else this.inner.end();
  }

  override onceDrain(listener: () => void): void {
    if (this.#state === 'compressing' && this.#compressor !== undefined) this.#compressor.once('drain', listener);
    else this.inner.onceDrain(listener);
  }

  override fail(error: DataPathError): boolean {
    this.#compressor?.destroy();
    this.#compressor = undefined;
    // A head still held was never sent: the answer to the failure replaces it.
    if (this.#state === 'pending') this.#reset();
    return this.inner.fail(error);
  }

  /** Called with the head held in `status` and `headers`; may decide at once (event streams must not wait). */
  protected abstract headReceived(): void;

  /** Takes a chunk while deciding; sends the head once decided. Returns false when the client is slow. */
  protected abstract decide(chunk: Buffer): boolean;

  /** Decides, at the end of a body that never made the decision, and sends the head and what was held. */
  protected abstract finish(): void;

  /** Sends the head as it is, then what was held and `rest`. */
  protected sendPlain(rest: readonly Buffer[]): boolean {
    this.#state = 'plain';
    this.inner.writeHead(this.status, this.headers);
    let isWritable = true;
    for (const chunk of [...this.#takeBuffered(), ...rest]) if (chunk.length > 0) isWritable = this.inner.write(chunk);
    return isWritable;
  }

  /** Sends the head, marked with the coding by the caller, then compresses what was held and `rest`. */
  protected sendCompressed(rest: readonly Buffer[]): boolean {
    this.#state = 'compressing';
    this.inner.writeHead(this.status, this.headers);
    let isWritable = true;
    for (const chunk of [...this.#takeBuffered(), ...rest]) if (chunk.length > 0) isWritable = this.#compress(chunk);
    return isWritable;
  }

  #takeBuffered(): Buffer[] {
    const chunks = this.#buffered;
    this.#buffered = [];
    this.#bufferedLength = 0;
    return chunks;
  }

  #reset(): void {
    this.#takeBuffered();
    this.#state = 'waiting';
    this.status = 200;
    this.headers = {};
  }

  #compress(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    const compressor = this.#compressor ?? this.#startCompressor();
    const isWritable = compressor.write(chunk);
    this.#scheduleFlush();
    return isWritable;
  }

  #startCompressor(): Compressor {
    const compressor = this.coding.create();
    this.#compressor = compressor;
    compressor.on('data', (output: Buffer) => {
      if (this.inner.write(output)) return;
      compressor.pause();
      this.inner.onceDrain(() => compressor.resume());
    });
    compressor.once('end', () => this.inner.end());
    compressor.once('error', (error: Error) => this.#onError(error));
    return compressor;
  }

  /** Flushes once per turn of the event loop, so data reaches the client as it comes without a flush per chunk. */
  #scheduleFlush(): void {
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    setImmediate(() => {
      this.#isFlushScheduled = false;
      const compressor = this.#compressor;
      if (compressor !== undefined && !this.#isEnded && !compressor.destroyed) compressor.flush(this.coding.flushKind);
    });
  }
}
