import { serverNameMatches } from '../rules/tcp-rule.js';
import type { TcpRouterTable } from '../tcp/routers/tcp-router-table.js';
import type { CompiledTlsOptions } from '../tls/tls-options.js';

/** TLS options per host of the HTTPS routers; `null` marks a host whose options are broken: its connections are closed. */
export type HostTlsOptions = CompiledTlsOptions | null;

/**
 * How an entryPoint's HTTPS routers choose TLS options before decryption, from the SNI only, as Traefik's
 * HTTPS muxer: hosts named by Host rules, then the catch-all of routers without a host.
 */
export class HttpsTlsSelection {
  readonly #exact: ReadonlyMap<string, HostTlsOptions>;
  readonly #wildcards: ReadonlyArray<readonly [string, HostTlsOptions]>;
  /** Some HTTPS router has no Host: every SNI may be served with the default options. */
  readonly hasCatchAll: boolean;
  /** The entryPoint has HTTPS routers. */
  readonly hasRoutes: boolean;

  constructor(byHost: ReadonlyMap<string, HostTlsOptions>, hasCatchAll: boolean, hasRoutes: boolean) {
    this.#exact = new Map([...byHost].filter(([host]) => !host.startsWith('*.')));
    this.#wildcards = [...byHost].filter(([host]) => host.startsWith('*.'));
    this.hasCatchAll = hasCatchAll;
    this.hasRoutes = hasRoutes;
  }

  /** The options of the HTTPS routers whose host is `serverName`, or undefined when no such router exists. */
  find(serverName: string): HostTlsOptions | undefined {
    const exact = this.#exact.get(serverName);
    if (exact !== undefined) return exact;
    for (const [pattern, options] of this.#wildcards) if (serverNameMatches(serverName, pattern)) return options;
    return undefined;
  }
}

/** What an entryPoint needs to route a new connection before HTTP takes over. */
export interface ConnectionRouting {
  /** TCP routers without `tls`. */
  readonly tcp: TcpRouterTable;
  /** TCP routers with `tls`: passthrough or terminated. */
  readonly tcpTls: TcpRouterTable;
  readonly https: HttpsTlsSelection;
}
