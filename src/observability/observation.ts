import type { Exchange, ResponseHeaders } from '../http/exchange.js';
import { defaultObservability, type ObservabilityFlags } from './observability-flags.js';
import type { RequestTrace } from './tracing/request-trace.js';

/** Where an observation goes once the response is over: the entryPoint's telemetry. */
export interface ObservationSink {
  complete(observation: Observation): void;
}

/**
 * The telemetry record of one exchange, present only when the access log, metrics or tracing observe its
 * entryPoint. The data path fills in what only it knows (the server picked, the origin's answer, retries);
 * the sinks read it all once the response is closed.
 */
export class Observation {
  readonly exchange: Exchange;
  /** Wall-clock start, for the access log's StartUTC and the spans. */
  readonly startedAtMs = Date.now();
  /** Until a router takes the request, Traefik's default handler: everything on. */
  flags: ObservabilityFlags = defaultObservability;
  /** URL and `host:port` of the server the request was (last) forwarded to. */
  serviceUrl: string | undefined = undefined;
  serviceAddr: string | undefined = undefined;
  /** `performance.now()` when the request left for the server; 0 when it never did. */
  originStartedAt = 0;
  /** Milliseconds the server took until its response was complete; -1 while unknown. */
  originDurationMs = -1;
  originStatus = 0;
  /** Body bytes the server sent. */
  originContentSize = 0;
  /** The server's response headers as a flat `[name, value, ...]` list, when one answered. */
  originHeaders: readonly string[] | undefined = undefined;
  /** The user an authentication middleware named (access log `ClientUsername`). */
  clientUsername: string | undefined = undefined;
  /** Attempts after the first one (retry middleware). */
  retryAttempts = 0;
  /** Response headers as sent downstream, captured only when the access log keeps some of them. */
  downstreamHeaders: ResponseHeaders | undefined = undefined;
  trace: RequestTrace | undefined = undefined;
  readonly #sink: ObservationSink;
  #isComplete = false;

  constructor(exchange: Exchange, sink: ObservationSink) {
    this.exchange = exchange;
    this.#sink = sink;
  }

  /** A router took the request: its observability options apply from now on. */
  routed(flags: ObservabilityFlags, rule: string): void {
    this.flags = flags;
    this.trace?.routed(this, rule);
  }

  /** The request leaves for a server now; the trace adds its propagation headers to `headers`. */
  forwarding(url: string, addr: string, headers: string[]): void {
    this.serviceUrl = url;
    this.serviceAddr = addr;
    this.originStartedAt = performance.now();
    this.originDurationMs = -1;
    this.originStatus = 0;
    this.originContentSize = 0;
    this.originHeaders = undefined;
    this.trace?.forwarding(this, headers);
  }

  /** The server answered with a status and headers. */
  originResponded(status: number, headers: readonly string[]): void {
    this.originStatus = status;
    this.originHeaders = headers;
  }

  /** The server's response is complete, or the exchange with it failed. */
  originEnded(): void {
    if (this.originStartedAt === 0 || this.originDurationMs !== -1) return;
    this.originDurationMs = performance.now() - this.originStartedAt;
    this.trace?.originEnded(this);
  }

  /** Keeps the response headers as they go downstream (bound once, used as a response-headers hook). */
  readonly captureDownstreamHeaders = (_status: number, headers: ResponseHeaders): void => {
    this.downstreamHeaders = headers;
  };

  /** The response is over (sent, failed or abandoned by the client): hand the record to the sinks, once. */
  readonly complete = (): void => {
    if (this.#isComplete) return;
    this.#isComplete = true;
    this.originEnded();
    this.#sink.complete(this);
  };

  /** Status as the client got it: 499 when it went away before a response was written, as Traefik logs it. */
  get downstreamStatus(): number {
    const status = this.exchange.status;
    if (status !== 0) return status;
    return this.exchange.response.writableFinished ? 200 : 499;
  }
}
