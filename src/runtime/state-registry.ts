/** Something stateful that holds resources (timers, sockets) to release when it is no longer used. */
interface Closable {
  close(): void | Promise<void>;
}

function isClosable(value: unknown): value is Closable {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Closable>).close === 'function';
}

/**
 * Keeps the stateful pieces of middlewares and services (rate-limit buckets, circuit-breaker windows,
 * in-flight counters) across reloads. A piece is keyed by what defines it — the router, the middleware's
 * qualified name and its configuration — so an unchanged definition finds its state again, and a changed
 * one starts fresh.
 */
export class StateRegistry {
  readonly #entries = new Map<string, unknown>();

  /** Returns the piece for `key`, creating it on first use, and marks it used by the build in progress. */
  acquire<T>(key: string, create: () => T, used: Set<string>): T {
    used.add(key);
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const value = create();
    this.#entries.set(key, value);
    return value;
  }

  /** Drops (and closes) every piece the live configuration no longer uses. */
  retainOnly(used: ReadonlySet<string>): void {
    for (const [key, value] of this.#entries) {
      if (used.has(key)) continue;
      this.#entries.delete(key);
      if (isClosable(value)) void Promise.resolve(value.close()).catch(() => undefined);
    }
  }

  close(): void {
    this.retainOnly(new Set());
  }
}
