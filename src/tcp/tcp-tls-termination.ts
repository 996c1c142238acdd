import type { Socket } from 'node:net';
import { refuseTls, terminateTls } from '../entrypoints/tls-termination.js';
import type { CompiledTlsOptions } from '../tls/tls-options.js';
import type { TlsRuntime } from '../tls/tls-runtime.js';
import type { TcpHandler } from './tcp-connection.js';

/** ALPN protocols a TLS-terminating TCP router offers: the options' own, but the ACME challenge's. */
const tcpAlpn = (protocols: readonly string[]): readonly string[] => protocols.filter((protocol) => protocol !== 'acme-tls/1');

/**
 * Terminates TLS for a TCP router with its options and the store's certificate for the SNI, then passes the
 * decrypted connection on; broken options close the connection, as Traefik's closing route does.
 */
export function tcpTlsTermination(tls: TlsRuntime, options: CompiledTlsOptions | null, next: TcpHandler): TcpHandler {
  return function tcpTlsTermination(connection) {
    const socket = connection.socket as Socket;
    if (options === null) {
      connection.log.debug('TLS connection refused: broken TLS options');
      return refuseTls(socket);
    }
    const settings = tls.settings(options, connection.serverName === '' ? connection.localIp : connection.serverName, tcpAlpn);
    if (settings === undefined) return refuseTls(socket);
    terminateTls(socket, settings, connection.log, (secure) => {
      secure.pause();
      // Decrypted, the stream is plain PostgreSQL: the server is not asked for TLS.
      next({ ...connection, socket: secure, postgresStartTls: false });
    });
  };
}
