import { ClientClosedError, type DataPathError } from '../../errors.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';
import { containsStatus, type StatusRanges } from './status-ranges.js';

/** Which statuses a catcher takes: built once per middleware or service, not per request. */
export type StatusPredicate = (status: number) => boolean;

/** Statuses in the ranges, informational answers excepted (as Traefik's code catcher); 101 too when asked. */
export function catchableStatuses(ranges: StatusRanges, options: { readonly includeSwitchingProtocols?: boolean } = {}): StatusPredicate {
  const includes101 = options.includeSwitchingProtocols === true;
  return (status) => (status >= 200 || (includes101 && status === 101)) && containsStatus(ranges, status);
}

/**
 * Watches the status on its way out: a caught status (or a failure with one) is kept from the client, the
 * rest of that response is dropped, and `onCaught` answers instead (an error page, a fallback service) by
 * writing to the chain outside.
 */
export class StatusCatcher extends ResponseWriterWrapper {
  readonly #catches: StatusPredicate;
  readonly #onCaught: (status: number, writer: ResponseWriter) => void;
  #isCaught = false;

  constructor(inner: ResponseWriter, catches: StatusPredicate, onCaught: (status: number, writer: ResponseWriter) => void) {
    super(inner);
    this.#catches = catches;
    this.#onCaught = onCaught;
  }

  #catch(status: number): void {
    this.#isCaught = true;
    this.#onCaught(status, this.inner);
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    if (this.#isCaught) return;
    if (this.#catches(status)) return this.#catch(status);
    this.inner.writeHead(status, headers);
  }

  override write(chunk: Buffer): boolean {
    return this.#isCaught ? true : this.inner.write(chunk);
  }

  override end(): void {
    if (!this.#isCaught) this.inner.end();
  }

  override fail(error: DataPathError): boolean {
    // Once the replacement is under way, the failure of the response it replaces no longer matters.
    if (this.#isCaught) return true;
    if (!(error instanceof ClientClosedError) && !this.inner.isHeadSent && this.#catches(error.status)) {
      this.#catch(error.status);
      return true;
    }
    return this.inner.fail(error);
  }

  override get isHeadSent(): boolean {
    return this.#isCaught || this.inner.isHeadSent;
  }
}
