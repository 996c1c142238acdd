import { Pool } from 'undici';
import type { ClientTlsOptions } from '../../../tls/client-tls.js';

/**
 * Creates the connection pool to the authentication server. Connections are kept alive as Go's default
 * transport keeps them; the pool lives in the middleware's state, so a reload that keeps the definition
 * keeps the connections.
 */
export function createAuthClient(origin: string, tls: ClientTlsOptions | undefined): Pool {
  return new Pool(origin, {
    connections: null,
    pipelining: 1,
    keepAliveMaxTimeout: 90_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      timeout: 30_000,
      ...(origin.startsWith('https:') && tls !== undefined ? tls : {}),
    },
  });
}
