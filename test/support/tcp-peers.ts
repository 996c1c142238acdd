import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { connect as connectTls, createServer as createTlsServer, type ConnectionOptions } from 'node:tls';
import type { Certificate } from './certificates.js';
import { rawRequest } from './http.js';

export interface TcpPeer {
  readonly port: number;
  /** Every connection's first bytes, as received (a PROXY header included). */
  readonly received: Buffer[];
}

async function listen(t: TestContext, server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/**
 * A TCP server that echoes `<name>:` and every chunk back, and when the client has finished sending
 * (half-close) answers `<name> bye` before closing its side too.
 */
export async function startTcpEcho(t: TestContext, options: { name?: string; greeting?: string } = {}): Promise<TcpPeer> {
  const name = options.name ?? 'echo';
  const received: Buffer[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    if (options.greeting !== undefined) socket.write(options.greeting);
    let first = true;
    socket.on('data', (chunk: Buffer) => {
      if (first) received.push(chunk);
      first = false;
      socket.write(Buffer.concat([Buffer.from(`${name}:`), chunk]));
    });
    socket.on('end', () => socket.end(`${name} bye`));
  });
  return { port: await listen(t, server), received };
}

/** A TLS server with its own certificate that echoes what it receives, for passthrough. */
export async function startTlsEcho(t: TestContext, certificate: Certificate, name = 'tls-echo'): Promise<TcpPeer> {
  const received: Buffer[] = [];
  const server = createTlsServer({ cert: certificate.cert, key: certificate.key }, (socket) => {
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.write(`${name}:${chunk.toString('latin1')}`);
    });
  });
  return { port: await listen(t, server), received };
}

/** Sends `data` on a plain connection, half-closes when `end` is set, and resolves with everything read until the server closes. */
export function tcpExchange(port: number, data: string | Buffer | undefined, options: { end?: boolean; idleMs?: number } = {}): Promise<string> {
  return rawRequest(port, data, { idleMs: options.idleMs ?? 3000, ...(options.end === undefined ? {} : { end: options.end }) });
}

/** Like tcpExchange over TLS; resolves with what was read and the certificate's common name. */
export function tlsExchange(port: number, data: string, options: ConnectionOptions & { idleMs?: number } = {}): Promise<{ received: string; certificateName: string }> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
    let received = '';
    let certificateName = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, certificateName });
    };
    socket.on('secureConnect', () => {
      certificateName = String(socket.getPeerCertificate().subject?.CN ?? '');
      socket.write(data);
      timer = setTimeout(finish, options.idleMs ?? 1500);
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('end', finish);
    socket.on('error', (error) => (received === '' ? reject(error) : finish()));
  });
}
