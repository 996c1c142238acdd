import { Transform, type TransformCallback } from 'node:stream';

/**
 * Decodes a base64 stream (gRPC-Web text requests) as it arrives: whole 4-character groups are decoded, the
 * rest waits for the next chunk. Line breaks are skipped, as Go's decoder skips them.
 */
export class Base64Decoder extends Transform {
  #pending = '';

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.#pending + chunk.toString('latin1').replace(/[\r\n]/g, '');
    const whole = text.length - (text.length % 4);
    this.#pending = text.slice(whole);
    callback(null, whole === 0 ? undefined : Buffer.from(text.slice(0, whole), 'base64'));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.#pending === '' ? undefined : Buffer.from(this.#pending, 'base64'));
  }
}
