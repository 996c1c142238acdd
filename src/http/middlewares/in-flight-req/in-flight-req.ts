import type { DataPathError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { ResponseWriterWrapper, type ResponseWriter } from '../../response-writer.js';
import type { MiddlewareFactory } from '../middleware.js';
import { compileSourceCriterion } from '../source-criterion/source-criterion.js';
import type { InFlightReqConfig } from './in-flight-req-schema.js';

/** Requests under way per source; a source leaves the table when its count drops to zero. */
export class InFlightCounts {
  readonly #counts = new Map<string, number>();

  /** Counts one more request for `source` unless it already has `limit`; returns whether it was counted. */
  acquire(source: string, limit: number): boolean {
    const current = this.#counts.get(source) ?? 0;
    if (current >= limit) return false;
    this.#counts.set(source, current + 1);
    return true;
  }

  release(source: string): void {
    const remaining = (this.#counts.get(source) ?? 0) - 1;
    if (remaining > 0) this.#counts.set(source, remaining);
    else this.#counts.delete(source);
  }

  count(source: string): number {
    return this.#counts.get(source) ?? 0;
  }
}

/**
 * Passes the response on and frees the request's slot once, when this attempt is over: its response ended or
 * failed. Go frees it when the handler returns, so a retry placed before inFlightReq frees it per attempt.
 */
class SlotWriter extends ResponseWriterWrapper {
  #release: (() => void) | undefined;

  constructor(inner: ResponseWriter, release: () => void) {
    super(inner);
    this.#release = release;
  }

  /** Frees the slot, once. */
  readonly done = (): void => {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  };

  override end(): void {
    this.done();
    this.inner.end();
  }

  override fail(error: DataPathError): boolean {
    this.done();
    return this.inner.fail(error);
  }
}

/** Frees the slot when the exchange's attempt is over, or at the latest when the client connection is done with it. */
function holdSlot(exchange: Exchange, release: () => void): void {
  const writer = new SlotWriter(exchange.writer, release);
  exchange.writer = writer;
  // An upgrade never ends its response; a client that leaves may not fail it: the close ends the count.
  (exchange.upgrade?.socket ?? exchange.response).once('close', writer.done);
}

/**
 * Refuses a request with 429 while `amount` requests from the same source are under way, as Traefik's
 * inFlightReq (oxy's connlimit): a request counts from its arrival until its response ends or fails.
 * Counts are per router, shared by the requests of every configuration generation while the definition
 * is unchanged, and per worker process.
 */
export const inFlightReq: MiddlewareFactory<InFlightReqConfig> = (config, context) => {
  const extractSource = compileSourceCriterion(config.sourceCriterion, 'requestHost', 'sourceCriterion');
  // Traefik does not require amount: 0 (unset) or less refuses every request.
  const amount = config.amount ?? 0;
  const counts = context.state('inFlight', () => new InFlightCounts());
  const refusal = `max connections reached: ${amount}`;

  return (next) =>
    function inFlightReq(exchange) {
      const source = extractSource(exchange);
      if (!counts.acquire(source, amount)) {
        exchange.reply(429, refusal, { 'content-type': 'text/plain; charset=utf-8' });
        return;
      }
      holdSlot(exchange, () => counts.release(source));
      next(exchange);
    };
};
