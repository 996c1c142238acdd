import type { Server } from 'node:http';
import type { StaticConfig } from '../config/static/static-config.js';
import type { Exchange } from '../http/exchange.js';
import { AccessLog } from './access-log/access-log.js';
import type { Logger } from './logger.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';
import type { InternalObservability } from './observability-flags.js';
import { Observation, type ObservationSink } from './observation.js';
import { Tracer } from './tracing/tracer.js';

/**
 * The access log, Prometheus metrics and tracer of one process, as the static configuration enables them.
 * EntryPoints get an `EntryPointTelemetry` only when one of them is on, so a process without telemetry
 * does no per-request work for it.
 */
export class Telemetry {
  readonly accessLog: AccessLog | undefined;
  readonly metrics: PrometheusMetrics | undefined;
  readonly tracer: Tracer | undefined;
  /** `addInternals` of each section: whether routers to Junction's own services are observed. */
  readonly internals: InternalObservability;

  constructor(config: StaticConfig, version: string, log: Logger) {
    this.accessLog = config.accessLog === undefined ? undefined : openAccessLog(config.accessLog, log);
    const prometheus = config.metrics?.prometheus;
    this.metrics = prometheus === undefined ? undefined : new PrometheusMetrics(prometheus);
    this.tracer = config.tracing === undefined ? undefined : new Tracer(config.tracing, version, log);
    this.internals = {
      accessLogs: config.accessLog?.addInternals ?? false,
      metrics: config.metrics?.addInternals ?? false,
      tracing: config.tracing?.addInternals ?? false,
    };
  }

  get isEnabled(): boolean {
    return this.accessLog !== undefined || this.metrics !== undefined || this.tracer !== undefined;
  }

  /** The hooks of one entryPoint, or undefined when nothing observes requests. */
  forEntryPoint(name: string): EntryPointTelemetry | undefined {
    return this.isEnabled ? new EntryPointTelemetry(name, this) : undefined;
  }

  /** A new configuration is live. */
  configApplied(): void {
    this.metrics?.configReloaded();
  }

  /** Reopens the access log file (SIGUSR1, after an outside rotation). */
  reopen(): void {
    this.accessLog?.reopen();
  }

  async close(): Promise<void> {
    await Promise.all([this.accessLog?.close(), this.tracer?.close()]);
  }
}

/** Opens the access log; as in Traefik, a file that cannot be opened leaves the access log off with a warning. */
function openAccessLog(config: NonNullable<StaticConfig['accessLog']>, log: Logger): AccessLog | undefined {
  try {
    return new AccessLog(config, log);
  } catch (error) {
    log.warn('unable to create the access log', { filePath: config.filePath, error: (error as Error).message });
    return undefined;
  }
}

/** What an entryPoint calls: `begin` for each exchange, `watch` once for its server's connections. */
export class EntryPointTelemetry implements ObservationSink {
  readonly #name: string;
  readonly #telemetry: Telemetry;
  readonly #capturesHeaders: boolean;

  constructor(name: string, telemetry: Telemetry) {
    this.#name = name;
    this.#telemetry = telemetry;
    this.#capturesHeaders = telemetry.accessLog?.keepsHeaders === true || (telemetry.tracer?.capture.responseHeaders.length ?? 0) > 0;
  }

  /** Starts observing an exchange; the record completes when the response closes. */
  begin(exchange: Exchange): void {
    const observation = new Observation(exchange, this);
    exchange.observation = observation;
    const tracer = this.#telemetry.tracer;
    if (tracer !== undefined) observation.trace = tracer.startServer(exchange, observation.startedAtMs);
    if (this.#capturesHeaders) exchange.onResponseHeaders(observation.captureDownstreamHeaders);
    exchange.response.once('close', observation.complete);
  }

  /** Counts the server's open connections (`traefik_open_connections`). */
  watch(server: Server): void {
    const metrics = this.#telemetry.metrics;
    if (metrics === undefined) return;
    const name = this.#name;
    server.on('connection', (socket) => {
      metrics.connectionOpened(name);
      socket.once('close', () => metrics.connectionClosed(name));
    });
  }

  complete(observation: Observation): void {
    const status = observation.downstreamStatus;
    const durationMs = performance.now() - observation.exchange.startedAt;
    const { accessLog, metrics } = this.#telemetry;
    if (accessLog !== undefined && observation.flags.accessLogs) {
      accessLog.record(observation, { startedAtMs: observation.startedAtMs, durationMs, status, retryAttempts: observation.retryAttempts });
    }
    metrics?.record(observation, { status, durationMs });
    observation.trace?.end(observation, status, observation.downstreamHeaders);
  }
}
