import { connect as connectPlain, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import type { TcpConnection } from './tcp-connection.js';
import { postgresSslAccepted, postgresSslRequest } from '../entrypoints/postgres-starttls.js';
import { proxyProtocolHeader } from './proxy-protocol-header.js';

/** How Junction reaches a TCP server (`tcp.serversTransports`, or the static `tcpServersTransport`). */
export interface TcpDialSettings {
  readonly dialTimeoutMs: number;
  /** Keep-alive probe interval; 0 or less disables the probes. */
  readonly dialKeepAliveMs: number;
  /** After one side closes its writing half, how long the other may still send; negative waits forever. */
  readonly terminationDelayMs: number;
  readonly proxyProtocolVersion: 1 | 2 | undefined;
  /** TLS to the server, when the server or the transport asks for it. */
  readonly tls: ConnectionOptions | undefined;
}

export const defaultTcpDialSettings: TcpDialSettings = {
  dialTimeoutMs: 30_000,
  dialKeepAliveMs: 15_000,
  terminationDelayMs: 100,
  proxyProtocolVersion: undefined,
  tls: undefined,
};

/**
 * Relays a connection to one server, both ways, with half-close: when one side finishes sending, the other
 * is told (FIN) and may still answer for `terminationDelay`, then both are closed, as Traefik's TCP proxy.
 */
export function proxyTcp(connection: TcpConnection, host: string, port: number, settings: TcpDialSettings): void {
  const client = connection.socket;
  const options = { host, port, allowHalfOpen: true, noDelay: true, keepAlive: settings.dialKeepAliveMs > 0, keepAliveInitialDelay: Math.max(0, settings.dialKeepAliveMs) };
  const upstream: Socket = settings.tls === undefined ? connectPlain(options) : connectTls({ ...settings.tls, ...options });
  let isConnected = false;
  let termination: NodeJS.Timeout | undefined;
  const dialTimer = settings.dialTimeoutMs > 0
    ? setTimeout(() => {
        connection.log.debug('tcp dial timed out', { address: `${host}:${port}` });
        upstream.destroy();
        client.destroy();
      }, settings.dialTimeoutMs)
    : undefined;
  const closeBoth = (): void => {
    clearTimeout(dialTimer);
    clearTimeout(termination);
    upstream.destroy();
    client.destroy();
  };
  const armTermination = (): void => {
    if (termination !== undefined || settings.terminationDelayMs < 0) return;
    termination = setTimeout(closeBoth, settings.terminationDelayMs);
    termination.unref();
  };
  upstream.once(settings.tls === undefined ? 'connect' : 'secureConnect', () => {
    isConnected = true;
    clearTimeout(dialTimer);
    if (settings.proxyProtocolVersion !== undefined) {
      upstream.write(proxyProtocolHeader(settings.proxyProtocolVersion, { ip: connection.clientIp, port: connection.clientPort }, { ip: connection.localIp, port: connection.localPort }));
    }
    if (connection.postgresStartTls === true) negotiatePostgresTls(upstream, relay, closeBoth, connection);
    else relay();
  });
  const relay = (): void => {
    client.pipe(upstream, { end: false });
    upstream.pipe(client, { end: false });
    client.resume();
  };
  client.on('end', () => {
    if (isConnected) upstream.end();
    armTermination();
  });
  upstream.on('end', () => {
    client.end();
    armTermination();
  });
  upstream.on('error', (error) => {
    connection.log.debug(isConnected ? 'tcp upstream failed' : 'tcp dial failed', { address: `${host}:${port}`, error: error.message });
    closeBoth();
  });
  client.on('error', () => closeBoth());
  upstream.on('close', () => {
    if (client.writableFinished || !isConnected) client.destroy();
    else client.end();
    clearTimeout(dialTimer);
  });
  client.on('close', () => {
    if (!upstream.writableEnded) upstream.end();
    if (settings.terminationDelayMs >= 0) setTimeout(() => upstream.destroy(), settings.terminationDelayMs).unref();
  });
}

/**
 * Asks a PostgreSQL server for TLS as the client asked Junction, and relays once it accepts (`S`), so the
 * client's TLS stream reaches a server ready for it; any other answer closes both sides, as Traefik does.
 */
function negotiatePostgresTls(upstream: Socket, relay: () => void, close: () => void, connection: TcpConnection): void {
  upstream.write(postgresSslRequest);
  upstream.once('data', (answer: Buffer) => {
    if (answer[0] !== postgresSslAccepted[0]) {
      connection.log.debug('the server refused PostgreSQL TLS', { answer: answer.subarray(0, 1).toString('latin1') });
      return close();
    }
    upstream.pause();
    if (answer.length > 1) upstream.unshift(answer.subarray(1));
    relay();
  });
}
