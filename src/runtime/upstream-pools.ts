import { readFileSync } from 'node:fs';
import { Pool, type Dispatcher } from 'undici';

/** What defines a connection pool to one upstream origin; two equal settings share one pool. */
export interface TransportSettings {
  readonly dialTimeoutMs: number;
  readonly idleConnTimeoutMs: number;
  readonly insecureSkipVerify: boolean;
  readonly serverName: string | undefined;
  /** PEM contents or file paths of extra CAs to trust. */
  readonly rootCAs: readonly string[];
  readonly certificates: ReadonlyArray<{ readonly certFile: string; readonly keyFile: string }>;
}

export const defaultTransportSettings: TransportSettings = {
  dialTimeoutMs: 30_000,
  idleConnTimeoutMs: 90_000,
  insecureSkipVerify: false,
  serverName: undefined,
  rootCAs: [],
  certificates: [],
};

/** Pools no longer used by the live configuration are closed after this delay, so in-flight work on the previous configuration still finds them. */
const closeDelayMs = 30_000;

function pemOrFile(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

/**
 * Keeps undici pools per (origin, transport) across reloads: a configuration that still uses an upstream
 * keeps its warm keep-alive connections.
 */
export class UpstreamPools {
  readonly #pools = new Map<string, { pool: Pool; closeTimer?: NodeJS.Timeout }>();

  /** Returns the pool for `origin` with `settings`, creating it on first use. Throws on unreadable TLS files. */
  acquire(origin: string, settings: TransportSettings, used: Set<string>): Dispatcher {
    const key = `${origin} ${JSON.stringify(settings)}`;
    used.add(key);
    let entry = this.#pools.get(key);
    if (entry === undefined) {
      entry = { pool: this.#createPool(origin, settings) };
      this.#pools.set(key, entry);
    }
    if (entry.closeTimer !== undefined) {
      clearTimeout(entry.closeTimer);
      delete entry.closeTimer;
    }
    return entry.pool;
  }

  #createPool(origin: string, settings: TransportSettings): Pool {
    const isTls = origin.startsWith('https:');
    const certificate = settings.certificates[0];
    return new Pool(origin, {
      connections: null,
      pipelining: 1,
      keepAliveTimeout: settings.idleConnTimeoutMs,
      keepAliveMaxTimeout: settings.idleConnTimeoutMs,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: {
        timeout: settings.dialTimeoutMs,
        ...(isTls
          ? {
              rejectUnauthorized: !settings.insecureSkipVerify,
              ...(settings.serverName !== undefined ? { servername: settings.serverName } : {}),
              ...(settings.rootCAs.length > 0 ? { ca: settings.rootCAs.map(pemOrFile) } : {}),
              ...(certificate !== undefined ? { cert: pemOrFile(certificate.certFile), key: pemOrFile(certificate.keyFile) } : {}),
            }
          : {}),
      },
    });
  }

  /** Schedules the close of every pool whose key is not in `used`. */
  retainOnly(used: ReadonlySet<string>): void {
    for (const [key, entry] of this.#pools) {
      if (used.has(key) || entry.closeTimer !== undefined) continue;
      entry.closeTimer = setTimeout(() => {
        this.#pools.delete(key);
        void entry.pool.close().catch(() => undefined);
      }, closeDelayMs);
      entry.closeTimer.unref();
    }
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(
      pools.map(async (entry) => {
        clearTimeout(entry.closeTimer);
        await entry.pool.close().catch(() => undefined);
      }),
    );
  }
}
