import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../observability/logger.js';

/** One downstream TCP connection as routers, middlewares and services see it. */
export interface TcpConnection {
  /** The client socket: plain, or TLS-terminated by Junction. Bytes already peeked are still readable. */
  readonly socket: Socket | TLSSocket;
  /** SNI of the ClientHello (lowercase), empty without TLS or SNI. */
  readonly serverName: string;
  /** Client address after PROXY protocol, IPv4-mapped IPv6 reduced to IPv4. */
  readonly clientIp: string;
  readonly clientPort: number;
  /** The entryPoint's address the client reached (the destination of an outgoing PROXY header). */
  readonly localIp: string;
  readonly localPort: number;
  /**
   * The client asked for TLS with a PostgreSQL SSLRequest, which the entryPoint accepted: a server given the
   * client's TLS stream as is (passthrough) must be asked the same way first.
   */
  readonly postgresStartTls?: boolean;
  log: Logger;
}

/** Serves a TCP connection to its end. */
export type TcpHandler = (connection: TcpConnection) => void;
/** Wraps a TCP handler. */
export type TcpMiddleware = (next: TcpHandler) => TcpHandler;
