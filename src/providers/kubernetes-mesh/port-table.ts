/**
 * The proxy ports of TCP (or UDP) Service ports, as Traefik Mesh's port mapping keeps them: a range of
 * `limit` ports from `min`; a new Service port takes the lowest free one, and keeps it as long as it exists,
 * so adding or removing other Services never moves it to another entryPoint.
 */
export class PortTable {
  /** Proxy port by Service port key (`<namespace>/<name>:<port>`). */
  readonly #ports = new Map<string, number>();

  constructor(readonly min: number, readonly limit: number) {}

  /** The last proxy port of the range. */
  get max(): number {
    return this.min + this.limit - 1;
  }

  /**
   * Frees the ports of the keys no longer listed, then gives each new key, in the order listed, the lowest free
   * port. Returns the port of every listed key that has one; a key left without is absent (the range is full).
   */
  update(keys: readonly string[]): ReadonlyMap<string, number> {
    const wanted = new Set(keys);
    for (const key of [...this.#ports.keys()]) if (!wanted.has(key)) this.#ports.delete(key);
    const taken = new Set(this.#ports.values());
    let next = this.min;
    for (const key of keys) {
      if (this.#ports.has(key)) continue;
      while (taken.has(next)) next++;
      if (next > this.max) continue;
      this.#ports.set(key, next);
      taken.add(next);
    }
    return new Map(this.#ports);
  }
}

/** The key of a Service port in a port table. */
export function servicePortKey(namespace: string, name: string, port: number): string {
  return `${namespace}/${name}:${port}`;
}
