import { Exchange } from '../../exchange.js';
import { ClientClosedError, type DataPathError } from '../../errors.js';
import { containsStatus, type StatusRanges } from '../../middlewares/errors/status-ranges.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';

/**
 * Watches the main service's answer on its way out: a status in `errors.status` (or a failure with one) is
 * kept from the client, the rest of that answer is dropped, and `onCaught` hands the request to the
 * fallback, which writes to the chain outside. Informational answers other than 101 pass, as in Traefik.
 */
export class FallbackCatcher extends ResponseWriterWrapper {
  readonly #statuses: StatusRanges;
  readonly #onCaught: (writer: ResponseWriter) => void;
  #isCaught = false;

  constructor(inner: ResponseWriter, statuses: StatusRanges, onCaught: (writer: ResponseWriter) => void) {
    super(inner);
    this.#statuses = statuses;
    this.#onCaught = onCaught;
  }

  #catches(status: number): boolean {
    return (status >= 200 || status === 101) && containsStatus(this.#statuses, status);
  }

  #catch(): void {
    this.#isCaught = true;
    this.#onCaught(this.inner);
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    if (this.#isCaught) return;
    if (this.#catches(status)) return this.#catch();
    this.inner.writeHead(status, headers);
  }

  override write(chunk: Buffer): boolean {
    return this.#isCaught ? true : this.inner.write(chunk);
  }

  override end(): void {
    if (!this.#isCaught) this.inner.end();
  }

  override fail(error: DataPathError): boolean {
    if (this.#isCaught) return true;
    if (!(error instanceof ClientClosedError) && !this.inner.isHeadSent && this.#catches(error.status)) {
      this.#catch();
      return true;
    }
    return this.inner.fail(error);
  }

  override get isHeadSent(): boolean {
    return this.#isCaught || this.inner.isHeadSent;
  }
}

/** The request again, for the fallback: the same client exchange, its body replayed, writing to `writer`. */
export function replayExchange(source: Exchange, path: string, rawQuery: string, body: Buffer | undefined, writer: ResponseWriter): Exchange {
  const replay = new Exchange({
    request: source.request,
    response: source.response,
    ...(source.upgrade !== undefined ? { upgrade: source.upgrade } : {}),
    entryPoint: source.entryPoint,
    clientIp: source.clientIp,
    clientPort: source.clientPort,
    path,
    rawQuery,
    log: source.log,
  });
  replay.writer = writer;
  replay.requestBody = body ?? (source.requestBody instanceof Buffer ? source.requestBody : undefined);
  replay.routerName = source.routerName;
  replay.serviceName = source.serviceName;
  return replay;
}
