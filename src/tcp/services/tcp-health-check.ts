import { connect as connectPlain, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

/** What a TCP health check sends and expects back, and how long the whole check may take. */
export interface TcpHealthCheckSpec {
  /** Written once connected; empty sends nothing. */
  readonly send: string;
  /** The bytes the server must answer first; empty only requires the connection (and the send) to succeed. */
  readonly expect: string;
  readonly timeoutMs: number;
}

/**
 * Checks one TCP server as Traefik does: connect (with TLS when the server is dialled with TLS), send the
 * payload, read as many bytes as the expected answer holds and compare them. Rejects with the reason.
 */
export function checkTcpHealth(host: string, port: number, tls: ConnectionOptions | undefined, spec: TcpHealthCheckSpec, signal: AbortSignal): Promise<void> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const expected = Buffer.from(spec.expect);
  return new Promise((resolve, reject) => {
    const socket: Socket = tls === undefined ? connectPlain({ host, port }) : connectTls({ ...tls, host, port });
    let stage = 'connecting to';
    let received = Buffer.alloc(0);
    const finish = (error: Error | undefined): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => finish(new Error('health check stopped'));
    const timer = setTimeout(() => finish(new Error(`${stage} ${address}: i/o timeout`)), spec.timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
      const sent = (): void => {
        if (expected.length === 0) finish(undefined);
        else stage = 'reading from';
      };
      if (spec.send === '') return sent();
      stage = 'sending to';
      socket.write(spec.send, (error) => (error === undefined || error === null ? sent() : undefined));
    });
    socket.on('data', (chunk: Buffer) => {
      if (expected.length === 0) return;
      received = Buffer.concat([received, chunk]);
      if (received.length < expected.length) return;
      finish(received.subarray(0, expected.length).equals(expected) ? undefined : new Error('unexpected health check response'));
    });
    socket.once('end', () => finish(new Error(`${stage} ${address}: EOF`)));
    socket.once('error', (error) => finish(new Error(`${stage} ${address}: ${error.message}`)));
  });
}
