import { isIP } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { peerIdentityChecker, type PeerSan } from '../tls/peer-identity.js';
import { buildConnector, H2CClient, Pool, type Dispatcher } from 'undici';
import { UpstreamDispatcher } from '../http/proxy/upstream-dispatcher.js';

/**
 * What defines the connections to one upstream origin; two equal settings share one pool. TLS material is
 * held as PEM contents (read at build time), so a changed file on disk makes a new pool on reload.
 */
export interface TransportSettings {
  /** 0: no limit. */
  readonly dialTimeoutMs: number;
  readonly idleConnTimeoutMs: number;
  /** HTTP/2 PING interval on a connection; 0 sends none (Traefik's `readIdleTimeout`). */
  readonly readIdleTimeoutMs: number;
  /** Negative: no connection is reused (Go's MaxIdleConnsPerHost below 0). */
  readonly maxIdleConnsPerHost: number;
  readonly insecureSkipVerify: boolean;
  readonly serverName: string | undefined;
  /** PEM contents of extra CAs to trust; empty: the system's. */
  readonly rootCAs: readonly string[];
  /** Client certificates (PEM contents) offered to servers that ask for one (mTLS). */
  readonly certificates: ReadonlyArray<{ readonly cert: string; readonly key: string }>;
  /** HTTPS servers may answer in HTTP/2 when ALPN chooses it. */
  readonly isHttp2Enabled: boolean;
  /** Names the server certificate must hold one of (`peerCertSANs`, `peerCertURI`). */
  readonly peerCertSans: readonly PeerSan[];
  /** OpenSSL cipher list from `cipherSuites`; undefined: Node's defaults. */
  readonly ciphers: string | undefined;
  readonly minVersion: SecureVersion | undefined;
  readonly maxVersion: SecureVersion | undefined;
}

/** Traefik's default transport (`default@internal`) when the static configuration sets nothing. */
export const defaultTransportSettings: TransportSettings = {
  dialTimeoutMs: 30_000,
  idleConnTimeoutMs: 90_000,
  readIdleTimeoutMs: 0,
  maxIdleConnsPerHost: 200,
  insecureSkipVerify: false,
  serverName: undefined,
  rootCAs: [],
  certificates: [],
  isHttp2Enabled: true,
  peerCertSans: [],
  ciphers: undefined,
  minVersion: undefined,
  maxVersion: undefined,
};

/** Pools no longer used by the live configuration are closed after this delay, so in-flight work on the previous configuration still finds them. */
const closeDelayMs = 30_000;

/**
 * Keeps upstream connection pools per (origin, transport) across reloads: a configuration that still uses
 * an upstream keeps its warm keep-alive connections. `http:` origins get an HTTP/1.1 pool, `https:` ones a
 * pool that speaks HTTP/2 when ALPN picks it, `h2c:` ones one HTTP/2 connection with prior knowledge.
 * Upgrade requests (WebSocket) always go over HTTP/1.1, as Traefik sends them.
 */
export class UpstreamPools {
  readonly #pools = new Map<string, { dispatcher: Dispatcher; closeTimer?: NodeJS.Timeout }>();

  /** Returns the dispatcher for `origin` (`scheme://host:port`) with `settings`, creating it on first use. */
  acquire(origin: string, settings: TransportSettings, used: Set<string>): Dispatcher {
    const key = `${origin} ${JSON.stringify(settings)}`;
    used.add(key);
    let entry = this.#pools.get(key);
    if (entry === undefined) {
      entry = { dispatcher: this.#create(origin, settings) };
      this.#pools.set(key, entry);
    }
    if (entry.closeTimer !== undefined) {
      clearTimeout(entry.closeTimer);
      delete entry.closeTimer;
    }
    return entry.dispatcher;
  }

  #create(origin: string, settings: TransportSettings): Dispatcher {
    if (origin.startsWith('h2c:')) {
      const httpOrigin = `http:${origin.slice('h2c:'.length)}`;
      // undici sends a request with a streamed body alone on an HTTP/2 connection: the pool opens another
      // connection for each concurrent call, rather than queueing it behind a long stream.
      const { pipelining: _, ...options } = this.#options(settings, undefined);
      // The pool builds its clients' connector from `connect`; only one made with `useH2c` speaks HTTP/2 in clear.
      const connector = buildConnector({ timeout: settings.dialTimeoutMs, useH2c: true } as buildConnector.BuildOptions);
      const h2c = new Pool(httpOrigin, {
        ...options,
        connect: connector,
        pingInterval: settings.readIdleTimeoutMs,
        factory: (poolOrigin, clientOptions) => new H2CClient(poolOrigin, clientOptions as H2CClient.Options),
      });
      return new UpstreamDispatcher(h2c, new Pool(httpOrigin, this.#options(settings, undefined)), undefined);
    }
    if (!origin.startsWith('https:')) return new Pool(origin, this.#options(settings, undefined));
    const hostname = new URL(origin).hostname.replace(/^\[(.*)\]$/, '$1');
    const servername = settings.serverName ?? hostname;
    const http1 = new Pool(origin, this.#options(settings, servername));
    const main = settings.isHttp2Enabled ? new Pool(origin, { ...this.#options(settings, servername, true), allowH2: true, pingInterval: settings.readIdleTimeoutMs }) : http1;
    return new UpstreamDispatcher(main, http1, servername);
  }

  /** Pool options; `servername` is set for TLS servers (an IP address is checked but, as Go, not sent as SNI). */
  #options(settings: TransportSettings, servername: string | undefined, allowH2 = false): Pool.Options {
    const base = {
      connections: null,
      // undici reuses no connection with pipelining 0, as Go with a negative MaxIdleConnsPerHost.
      pipelining: settings.maxIdleConnsPerHost < 0 ? 0 : 1,
      keepAliveTimeout: settings.idleConnTimeoutMs,
      keepAliveMaxTimeout: settings.idleConnTimeoutMs,
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    if (servername === undefined) return { ...base, connect: { timeout: settings.dialTimeoutMs } };
    const certificate = settings.certificates[0];
    const checkIdentity = peerIdentityChecker(settings.peerCertSans);
    const connector = buildConnector({
      timeout: settings.dialTimeoutMs,
      allowH2,
      rejectUnauthorized: !settings.insecureSkipVerify,
      ...(settings.rootCAs.length > 0 ? { ca: [...settings.rootCAs] } : {}),
      ...(certificate !== undefined ? { cert: certificate.cert, key: certificate.key } : {}),
      ...(checkIdentity !== undefined ? { checkServerIdentity: checkIdentity } : {}),
      ...(settings.ciphers !== undefined ? { ciphers: settings.ciphers } : {}),
      ...(settings.minVersion !== undefined ? { minVersion: settings.minVersion } : {}),
      ...(settings.maxVersion !== undefined ? { maxVersion: settings.maxVersion } : {}),
    });
    const sni = isIP(servername) === 0 ? servername : undefined;
    return {
      ...base,
      connect: (options, callback) => {
        if (sni === undefined) {
          // Node checks the certificate against the address it dials when no server name is given.
          return connector({ ...options, servername: '' }, callback);
        }
        return connector({ ...options, servername: sni }, callback);
      },
    };
  }

  /** Schedules the close of every pool whose key is not in `used`. */
  retainOnly(used: ReadonlySet<string>): void {
    for (const [key, entry] of this.#pools) {
      if (used.has(key) || entry.closeTimer !== undefined) continue;
      entry.closeTimer = setTimeout(() => {
        this.#pools.delete(key);
        void entry.dispatcher.close().catch(() => undefined);
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
        await entry.dispatcher.close().catch(() => undefined);
      }),
    );
  }
}
