import type { Logger } from '../../../observability/logger.js';

/**
 * Traefik's `passiveHealthCheck`: a server whose answers fail (a 5xx, or no answer at all) `maxFailedAttempts`
 * times in a row within `failureWindow` leaves the rotation for `failureWindow`. It watches real traffic, so
 * each process judges the requests it forwards itself.
 */
export class PassiveHealth {
  readonly #windowMs: number;
  readonly #maxFailedAttempts: number;
  readonly #servers: readonly string[];
  readonly #failures: number[][];
  /** Until when (performance.now()) each server is out; 0 while in. */
  readonly #downUntil: number[];
  readonly #log: Logger;

  constructor(servers: readonly string[], windowMs: number, maxFailedAttempts: number, log: Logger) {
    this.#servers = servers;
    this.#windowMs = windowMs;
    this.#maxFailedAttempts = Math.max(1, maxFailedAttempts);
    this.#failures = servers.map(() => []);
    this.#downUntil = servers.map(() => 0);
    this.#log = log;
  }

  isUp(index: number): boolean {
    const until = this.#downUntil[index]!;
    return until === 0 || until <= performance.now();
  }

  /** Records how an exchange with server `index` ended: any status below 500 is a success and clears the count. */
  record(index: number, status: number): void {
    const failures = this.#failures[index]!;
    if (status < 500) {
      failures.length = 0;
      return;
    }
    const now = performance.now();
    failures.push(now);
    while (failures.length > 0 && failures[0]! <= now - this.#windowMs) failures.shift();
    if (failures.length < this.#maxFailedAttempts || !this.isUp(index)) return;
    this.#downUntil[index] = now + this.#windowMs;
    failures.length = 0;
    this.#log.warn('server marked down by passive health check', { serverURL: this.#servers[index], failureWindow: `${this.#windowMs}ms` });
  }
}
