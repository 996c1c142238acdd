import { defaultHealthCheckIntervalMs, defaultHealthCheckTimeoutMs } from '../../../config/dynamic/http-schema.js';
import type { Logger } from '../../../observability/logger.js';
import { ServerHealthTable, type ServerStatus, type ServerStatusChange } from './server-health.js';

/** One server of a service and how to check it. */
export interface HealthCheckTarget {
  /** The server as configured (its URL, or a TCP server's address): the name its status is published under. */
  readonly server: string;
  /** Resolves when the server is healthy; rejects with the reason when it is not. */
  readonly probe: (signal: AbortSignal) => Promise<void>;
}

export interface HealthCheckPlan {
  readonly intervalMs: number;
  readonly unhealthyIntervalMs: number;
  readonly targets: readonly HealthCheckTarget[];
  /** The log field naming a failed target, as Traefik's HTTP (`targetURL`) and TCP (`targetAddress`) checkers do. */
  readonly targetField: 'targetURL' | 'targetAddress';
}

/**
 * The check's timings as Traefik applies them: a zero or negative `interval` or `timeout` falls back to the
 * default, and `unhealthyInterval` is `interval` unless set.
 */
export function healthCheckTimings(config: { readonly interval: number; readonly unhealthyInterval?: number | undefined; readonly timeout: number }): {
  intervalMs: number;
  unhealthyIntervalMs: number;
  timeoutMs: number;
} {
  const intervalMs = config.interval > 0 ? config.interval : defaultHealthCheckIntervalMs;
  const unhealthyIntervalMs = config.unhealthyInterval === undefined ? intervalMs : config.unhealthyInterval > 0 ? config.unhealthyInterval : defaultHealthCheckIntervalMs;
  return { intervalMs, unhealthyIntervalMs, timeoutMs: config.timeout > 0 ? config.timeout : defaultHealthCheckTimeoutMs };
}

/** A service's health, held by the state registry while its definition is unchanged; closing stops its checks. */
export interface HealthWatch {
  readonly table: ServerHealthTable;
  /** Gives the checks this build's targets (same URLs; pools may be new objects after a transport change). */
  update(plan: HealthCheckPlan): void;
  close(): void;
}

/**
 * The health of every health-checked service. The active monitor (single process, or the primary with
 * `--workers`) runs the checks and publishes each status change; a passive monitor (a worker) runs none
 * and takes the changes the primary sends.
 */
export class HealthMonitor {
  readonly #isActive: boolean;
  readonly #log: Logger;
  readonly #tables = new Map<string, ServerHealthTable>();
  /** Changes received (passive) before the table they belong to was built. */
  readonly #pending = new Map<string, Map<string, ServerStatus>>();
  readonly #listeners = new Set<(change: ServerStatusChange) => void>();

  constructor(options: { readonly isActive: boolean; readonly log: Logger }) {
    this.#isActive = options.isActive;
    this.#log = options.log;
  }

  /** Starts following a service's servers; with an active monitor, checks them as the plan says. */
  watch(key: string, service: string, servers: readonly string[], plan: HealthCheckPlan): HealthWatch {
    const table = new ServerHealthTable(key, service, servers, (change) => this.#publish(change));
    this.#tables.set(key, table);
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    for (const [server, status] of pending ?? []) table.set(server, status);
    const checker = this.#isActive ? new ServiceHealthChecker(table, plan, this.#log.with({ serviceName: service })) : undefined;
    return {
      table,
      update: (next) => checker?.update(next),
      close: () => {
        checker?.close();
        if (this.#tables.get(key) === table) this.#tables.delete(key);
      },
    };
  }

  /** Applies a change published by the active monitor of another process. */
  apply(change: ServerStatusChange): void {
    const table = this.#tables.get(change.key);
    if (table !== undefined) return table.set(change.server, change.status);
    let pending = this.#pending.get(change.key);
    if (pending === undefined) this.#pending.set(change.key, (pending = new Map()));
    pending.set(change.server, change.status);
  }

  /** Calls `listener` on every status change from now on; returns the unsubscribe function. */
  onChange(listener: (change: ServerStatusChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every followed server's current status: the read-only view the API shows. */
  snapshot(): ServerStatusChange[] {
    const result: ServerStatusChange[] = [];
    for (const table of this.#tables.values()) {
      for (const { server, status } of table.statuses()) result.push({ key: table.key, service: table.service, server, status });
    }
    return result;
  }

  #publish(change: ServerStatusChange): void {
    if (this.#isActive) this.#log.info('server status changed', { serviceName: change.service, serverURL: change.server, status: change.status });
    for (const listener of this.#listeners) listener(change);
  }
}

/**
 * Checks each server of one service on its own timer: every `interval` while UP, every `unhealthyInterval`
 * while DOWN, the first check one interval after the start, as Traefik's tickers do.
 */
class ServiceHealthChecker {
  readonly #table: ServerHealthTable;
  readonly #log: Logger;
  readonly #stop = new AbortController();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #plan: HealthCheckPlan;

  constructor(table: ServerHealthTable, plan: HealthCheckPlan, log: Logger) {
    this.#table = table;
    this.#plan = plan;
    this.#log = log;
    for (const target of plan.targets) {
      if (!this.#timers.has(target.server)) this.#schedule(target.server, plan.intervalMs);
    }
  }

  update(plan: HealthCheckPlan): void {
    this.#plan = plan;
  }

  #schedule(server: string, delayMs: number): void {
    const timer = setTimeout(() => void this.#check(server), delayMs);
    timer.unref();
    this.#timers.set(server, timer);
  }

  async #check(server: string): Promise<void> {
    const plan = this.#plan;
    const target = plan.targets.find((candidate) => candidate.server === server);
    if (target === undefined || this.#stop.signal.aborted) return;
    let status: ServerStatus = 'UP';
    try {
      await target.probe(this.#stop.signal);
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      status = 'DOWN';
      this.#log.warn('Health check failed.', { [plan.targetField]: server, error: (error as Error).message });
    }
    if (this.#stop.signal.aborted) return;
    this.#table.set(server, status);
    this.#schedule(server, status === 'UP' ? this.#plan.intervalMs : this.#plan.unhealthyIntervalMs);
  }

  close(): void {
    this.#stop.abort();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
