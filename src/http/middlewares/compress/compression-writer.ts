import type { ResponseWriter } from '../../response-writer.js';
import { EncodingWriter, firstValue, isEventStream, type Coding } from './encoding-writer.js';
import { parseMediaType } from './media-type.js';

/** What decides whether a brotli or zstd response is compressed. */
export interface CompressionRules {
  readonly minSize: number;
  /** When not empty, only these media types are compressed. */
  readonly includedMediaTypes: ReadonlySet<string>;
  /** Media types never compressed; empty when `includedMediaTypes` is given, as in Traefik. */
  readonly excludedMediaTypes: ReadonlySet<string>;
}

/**
 * Brotli (and zstd) as Traefik's own compression handler does it: a Content-Encoding, an unparsable
 * Content-Type or one the options rule out keeps the response as it is; otherwise up to `minSize` bytes are
 * held, and a body that reaches `minSize` is compressed without its Content-Length. Unlike gzip, no
 * Content-Type is guessed and Content-Length is not looked at.
 */
export class CompressionWriter extends EncodingWriter {
  readonly #rules: CompressionRules;

  constructor(inner: ResponseWriter, coding: Coding, rules: CompressionRules, onError: (error: Error) => void) {
    super(inner, coding, onError);
    this.#rules = rules;
  }

  /** Tells whether the head rules compression out. */
  #isRuledOut(): boolean {
    if (firstValue(this.headers, 'content-encoding') !== '') return true;
    const contentType = firstValue(this.headers, 'content-type');
    if (contentType === '') return false;
    const { mediaType, error } = parseMediaType(contentType);
    // As klauspost's gzip handler, an unparsable Content-Type is not compressed.
    if (error !== undefined) return true;
    const { includedMediaTypes, excludedMediaTypes } = this.#rules;
    if (includedMediaTypes.size > 0 && !includedMediaTypes.has(mediaType)) return true;
    return excludedMediaTypes.has(mediaType);
  }

  protected override headReceived(): void {
    // An event stream is flushed after every event, which starts compression at once.
    if (!isEventStream(firstValue(this.headers, 'content-type'))) return;
    if (this.#isRuledOut()) this.sendPlain([]);
    else this.#startCompression([]);
  }

  protected override decide(chunk: Buffer): boolean {
    if (this.#isRuledOut()) return this.sendPlain([chunk]);
    if (this.bufferedLength + chunk.length < this.#rules.minSize) {
      this.hold(chunk);
      return true;
    }
    return this.#startCompression([chunk]);
  }

  protected override finish(): void {
    // Below `minSize` (or without a body), the response goes as it came.
    this.sendPlain([]);
  }

  #startCompression(rest: readonly Buffer[]): boolean {
    delete this.headers['content-length'];
    this.headers['content-encoding'] = this.coding.name;
    return this.sendCompressed(rest);
  }
}
