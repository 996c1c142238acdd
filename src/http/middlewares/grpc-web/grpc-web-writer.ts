import { canonicalHeaderName } from '../../proxy/header-names.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';

/** Flag byte of a gRPC-Web frame that carries the trailers instead of a message. */
const trailerFrameFlag = 0x80;

/**
 * Turns a gRPC answer into a gRPC-Web one on its way to the browser: `application/grpc` becomes
 * `application/grpc-web` (or `-text`, base64 for each write), the headers a browser may read are listed in
 * Access-Control-Expose-Headers, and the trailers (grpc-status, grpc-message, metadata) travel at the end of
 * the body in a trailer frame, since browsers cannot read HTTP trailers.
 */
export class GrpcWebWriter extends ResponseWriterWrapper {
  readonly #isText: boolean;
  /** CORS headers set before the answer, kept under the upstream's own. */
  readonly #corsHeaders: ResponseHeaders;
  #flushedNames = new Set<string>();
  #isHeadWritten = false;
  #trailers: Array<readonly [string, string]> = [];

  constructor(inner: ResponseWriter, isText: boolean, corsHeaders: ResponseHeaders) {
    super(inner);
    this.#isText = isText;
    this.#corsHeaders = corsHeaders;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    const out: ResponseHeaders = { ...this.#corsHeaders };
    const webType = this.#isText ? 'application/grpc-web-text' : 'application/grpc-web';
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || name === 'trailer') continue;
      out[name] = name === 'content-type' ? String(value).replaceAll('application/grpc', webType) : value;
    }
    const exposed = Object.keys(out).map((name) => canonicalHeaderName(name));
    exposed.push('grpc-status', 'grpc-message');
    out['access-control-expose-headers'] = exposed.join(', ');
    this.#flushedNames = new Set(Object.keys(out));
    this.#isHeadWritten = true;
    this.inner.writeHead(status, out);
  }

  override write(chunk: Buffer): boolean {
    if (!this.#isHeadWritten) this.writeHead(200, {});
    return this.inner.write(this.#isText ? Buffer.from(chunk.toString('base64'), 'latin1') : chunk);
  }

  override addTrailers(trailers: ReadonlyArray<readonly [string, string]>): boolean {
    this.#trailers.push(...trailers);
    return true;
  }

  override end(): void {
    if (!this.#isHeadWritten) {
      this.writeHead(200, {});
      this.inner.end();
      return;
    }
    const frame = this.#trailerFrame();
    if (frame !== undefined) this.inner.write(this.#isText ? Buffer.from(frame.toString('base64'), 'latin1') : frame);
    this.inner.end();
  }

  /** The trailers not already sent as headers, lowercase and sorted as Go writes a header map. */
  #trailerFrame(): Buffer | undefined {
    const byName = new Map<string, string[]>();
    for (const [rawName, value] of this.#trailers) {
      const name = rawName.toLowerCase();
      if (name === 'trailer' || this.#flushedNames.has(name)) continue;
      const values = byName.get(name);
      if (values === undefined) byName.set(name, [value]);
      else values.push(value);
    }
    if (byName.size === 0) return undefined;
    let text = '';
    for (const name of [...byName.keys()].sort()) for (const value of byName.get(name)!) text += `${name}: ${value.replace(/[\r\n]+/g, ' ').trim()}\r\n`;
    const body = Buffer.from(text, 'latin1');
    const frame = Buffer.alloc(5 + body.length);
    frame[0] = trailerFrameFlag;
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    return frame;
  }
}
