import { connect, type ConnectionOptions, type PeerCertificate, type SecureVersion } from 'node:tls';

export interface TlsAnswer {
  readonly status: number;
  /** Response headers, names lowercased (the last value of a repeated header). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Common name of the certificate Junction presented. */
  readonly certificateName: string;
  readonly certificate: PeerCertificate;
  readonly alpnProtocol: string | false;
}

export interface TlsRequestOptions {
  /** SNI sent in the ClientHello; omitted when undefined. */
  readonly servername?: string;
  readonly host?: string;
  readonly path?: string;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  readonly ALPNProtocols?: string[];
  readonly cert?: string;
  readonly key?: string;
  readonly ciphers?: string;
}

/** Opens a TLS connection to 127.0.0.1 (certificates not verified) and resolves once the handshake is done. */
export function tlsConnect(port: number, options: TlsRequestOptions = {}): Promise<import('node:tls').TLSSocket> {
  return new Promise((resolve, reject) => {
    const connection: ConnectionOptions = {
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ...(options.servername !== undefined ? { servername: options.servername } : {}),
      ...(options.minVersion !== undefined ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
      ...(options.ALPNProtocols !== undefined ? { ALPNProtocols: options.ALPNProtocols } : {}),
      ...(options.cert !== undefined ? { cert: options.cert, key: options.key } : {}),
      ...(options.ciphers !== undefined ? { ciphers: options.ciphers } : {}),
    };
    const socket = connect(connection, () => resolve(socket));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed during the handshake')));
  });
}

/**
 * Sends one HTTP/1.1 GET over TLS and reads the whole answer; rejects when the handshake fails or the server
 * closes without answering (a refused client certificate in TLS 1.3 shows up only then).
 */
export async function tlsGet(port: number, options: TlsRequestOptions = {}): Promise<TlsAnswer> {
  const socket = await tlsConnect(port, options);
  const certificate = socket.getPeerCertificate();
  const alpnProtocol = socket.alpnProtocol ?? false;
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
      if (status === 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(received.slice(0, 200))}`));
      const split = received.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      for (const line of received.slice(0, split).split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status, headers, body: received.slice(split + 4), certificateName: String(certificate.subject?.CN ?? ''), certificate, alpnProtocol });
    });
    const host = options.host ?? options.servername ?? 'localhost';
    socket.write(`GET ${options.path ?? '/'} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}
