import { connect } from 'node:net';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface SimpleResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Sends one HTTP/1.1 request with node:http (no connection reuse) and reads the whole answer. */
export function get(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end(options.body);
  });
}

/**
 * Writes raw bytes to a port (and half-closes when `end` is set), then returns everything read until the
 * server closes or `idleMs` pass quietly.
 */
export function rawRequest(port: number, bytes: string | Buffer | undefined, options: { idleMs?: number; end?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, options.idleMs ?? 1000);
    };
    socket.on('connect', () => {
      if (bytes !== undefined) socket.write(bytes);
      if (options.end === true) socket.end();
      arm();
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      arm();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (error) => (received === '' ? reject(error) : finish()));
  });
}

/** Parses the status code of a raw HTTP response. */
export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
}
