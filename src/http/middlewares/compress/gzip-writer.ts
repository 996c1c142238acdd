import type { ResponseWriter } from '../../response-writer.js';
import { EncodingWriter, firstValue, isEventStream, type Coding } from './encoding-writer.js';
import { detectContentType } from '../content-type/detect-content-type.js';

/** A response header that turns gzip off for one response; it never reaches the client. */
const noCompressionHeader = 'no-gzip-compression';

/** What decides whether a gzip response is compressed. */
export interface GzipRules {
  readonly minSize: number;
  /** Tells whether a Content-Type may be compressed. */
  readonly acceptsContentType: (contentType: string) => boolean;
}

/** Go's `atoi` as klauspost uses it on Content-Length: anything but an integer reads 0. */
function contentLength(text: string): number {
  return /^[+-]?\d+$/.test(text) ? Number(text) : 0;
}

/** RFC 7230 §3.3: these statuses have no body. */
function isBodyAllowed(status: number): boolean {
  return !((status >= 100 && status <= 199) || status === 204 || status === 304);
}

/**
 * Gzip as Traefik does it, through klauspost's gzhttp: a Content-Length decides at the first write; without
 * one, up to `minSize` bytes are held; a response without Content-Type has one guessed from its first bytes
 * (and set); a Content-Encoding, a Content-Range or a `No-Gzip-Compression` header keeps it as it is.
 * Compressing drops Content-Length and Accept-Ranges.
 */
export class GzipWriter extends EncodingWriter {
  readonly #rules: GzipRules;
  /** klauspost holds at least 512 bytes, enough to guess a Content-Type. */
  readonly #holdLimit: number;

  constructor(inner: ResponseWriter, coding: Coding, rules: GzipRules, onError: (error: Error) => void) {
    super(inner, coding, onError);
    this.#rules = rules;
    this.#holdLimit = Math.max(rules.minSize, 512);
  }

  #mayCompress(): boolean {
    const headers = this.headers;
    return headers[noCompressionHeader] === undefined && firstValue(headers, 'content-encoding') === '' && firstValue(headers, 'content-range') === '';
  }

  /** Guesses and sets a missing Content-Type from the held bytes, as gzhttp does. */
  #contentType(): string {
    const contentType = firstValue(this.headers, 'content-type');
    if (contentType !== '' || !isBodyAllowed(this.status) || this.bufferedLength === 0) return contentType;
    const guessed = detectContentType(this.bufferedBytes());
    if (this.headers['content-type'] === undefined) this.headers['content-type'] = guessed;
    return guessed;
  }

  protected override headReceived(): void {
    // An event stream is flushed after every event, which makes gzhttp decide at once.
    if (!isEventStream(firstValue(this.headers, 'content-type'))) return;
    const length = contentLength(firstValue(this.headers, 'content-length')) || this.#rules.minSize;
    if (this.#mayCompress() && length >= this.#rules.minSize && this.#rules.acceptsContentType(firstValue(this.headers, 'content-type'))) this.#startCompression([]);
    else this.#startPlain([]);
  }

  protected override decide(chunk: Buffer): boolean {
    const room = this.#holdLimit - this.bufferedLength;
    const held = chunk.length > room ? chunk.subarray(0, room) : chunk;
    const rest = chunk.subarray(held.length);
    this.hold(held);
    if (this.#mayCompress()) {
      const { minSize } = this.#rules;
      const length = contentLength(firstValue(this.headers, 'content-length'));
      const declared = firstValue(this.headers, 'content-type');
      if (length === 0 || (length >= minSize && (declared === '' || this.#rules.acceptsContentType(declared)))) {
        if (this.bufferedLength < minSize && length === 0) return true;
        if (length >= minSize || this.bufferedLength >= minSize) {
          if (this.#rules.acceptsContentType(this.#contentType())) return this.#startCompression([rest]);
        }
      }
    }
    return this.#startPlain([rest]);
  }

  protected override finish(): void {
    const contentType = this.#contentType();
    const isSmall = this.bufferedLength === 0 || this.bufferedLength < this.#rules.minSize;
    if (isSmall || !this.#mayCompress() || !this.#rules.acceptsContentType(contentType)) this.#startPlain([]);
    else this.#startCompression([]);
  }

  #startCompression(rest: readonly Buffer[]): boolean {
    this.headers['content-encoding'] = this.coding.name;
    delete this.headers['content-length'];
    delete this.headers['accept-ranges'];
    return this.sendCompressed(rest);
  }

  #startPlain(rest: readonly Buffer[]): boolean {
    delete this.headers[noCompressionHeader];
    return this.sendPlain(rest);
  }
}
