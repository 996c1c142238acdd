import assert from 'node:assert/strict';
import { connect as connectPlain, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { connect as connectTls, TLSSocket } from 'node:tls';
import { createCertificateAuthority, type Certificate } from '../support/certificates.js';
import { startJunction } from '../support/junction.js';
import { startTcpEcho } from '../support/tcp-peers.js';

const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

const staticConfig = `
entryPoints:
  pg:
    address: "127.0.0.1:{{PORT_pg}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

function pem(text: string, indent: number): string {
  return `|\n${text.trim().split('\n').map((line) => `${' '.repeat(indent)}${line}`).join('\n')}`;
}

/** Reads exactly one chunk (the server's one-byte answer to the SSLRequest). */
function firstChunk(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      resolve(chunk);
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.alloc(0)));
  });
}

/**
 * Speaks as a PostgreSQL client asking for TLS: SSLRequest, `S`, then TLS to `serverName` over the same
 * connection; sends `message` and returns what comes back, and the certificate's common name.
 */
async function postgresTlsExchange(port: number, serverName: string, ca: string, message: string): Promise<{ answer: string; reply: string; commonName: string }> {
  const socket = connectPlain({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(sslRequest);
  const answer = (await firstChunk(socket)).toString('latin1');
  if (answer !== 'S') {
    socket.destroy();
    return { answer, reply: '', commonName: '' };
  }
  const secure = connectTls({ socket, servername: serverName, ca });
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
  const commonName = String(secure.getPeerCertificate().subject?.CN ?? '');
  secure.write(message);
  const reply = await new Promise<string>((resolve) => {
    let received = '';
    secure.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes(message)) resolve(received);
    });
    secure.once('close', () => resolve(received));
    secure.once('error', () => resolve(received));
  });
  secure.destroy();
  return { answer, reply, commonName };
}

/** A PostgreSQL-like server: answers the SSLRequest with `accept` (`S` or `N`), then speaks TLS and echoes. */
async function startPostgresServer(t: TestContext, certificate: Certificate, accept: 'S' | 'N'): Promise<{ port: number; requests: number }> {
  const state = { requests: 0 };
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      if (!chunk.subarray(0, 8).equals(sslRequest)) return socket.destroy();
      state.requests++;
      socket.write(accept);
      if (accept === 'N') return socket.end();
      const secure = new TLSSocket(socket, { isServer: true, cert: certificate.cert, key: certificate.key });
      secure.on('error', () => undefined);
      secure.on('data', (data: Buffer) => secure.write(`backend:${data.toString('latin1')}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return state.requests;
    },
  };
}

describe('PostgreSQL STARTTLS on a TCP entryPoint', () => {
  it('accepts the SSLRequest, terminates TLS for the HostSNI router and sends the plain stream to the server', async (t) => {
    const ca = await createCertificateAuthority();
    const certificate = await ca.issue({ commonName: 'db.test', dnsNames: ['db.test'] });
    const backend = await startTcpEcho(t, { name: 'plain-db' });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
tcp:
  routers:
    db: { rule: "HostSNI(\`db.test\`)", entryPoints: [pg], service: db, tls: {} }
  services:
    db: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
tls:
  certificates:
    - certFile: ${pem(certificate.cert, 8)}
      keyFile: ${pem(certificate.key, 8)}
`,
    });

    const result = await postgresTlsExchange(junction.ports.pg!, 'db.test', ca.cert, 'SELECT 1');

    assert.deepEqual(result, { answer: 'S', reply: 'plain-db:SELECT 1', commonName: 'db.test' });
  });

  it('passes the TLS stream through to a server it first asks for TLS the same way', async (t) => {
    const ca = await createCertificateAuthority();
    const backend = await startPostgresServer(t, await ca.issue({ commonName: 'backend.db.test', dnsNames: ['db.test'] }), 'S');
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
tcp:
  routers:
    db: { rule: "HostSNI(\`db.test\`)", entryPoints: [pg], service: db, tls: { passthrough: true } }
  services:
    db: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    const result = await postgresTlsExchange(junction.ports.pg!, 'db.test', ca.cert, 'SELECT 1');

    assert.deepEqual(result, { answer: 'S', reply: 'backend:SELECT 1', commonName: 'backend.db.test' });
    assert.equal(backend.requests, 1);
  });

  it('closes the connection when the passthrough server refuses TLS', async (t) => {
    const ca = await createCertificateAuthority();
    const backend = await startPostgresServer(t, await ca.issue({ dnsNames: ['db.test'] }), 'N');
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
tcp:
  routers:
    db: { rule: "HostSNI(\`db.test\`)", entryPoints: [pg], service: db, tls: { passthrough: true } }
  services:
    db: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    await assert.rejects(postgresTlsExchange(junction.ports.pg!, 'db.test', ca.cert, 'SELECT 1'));
  });

  it('closes the connection when no TCP TLS router matches the SNI, HTTPS routers notwithstanding', async (t) => {
    const ca = await createCertificateAuthority();
    const certificate = await ca.issue({ dnsNames: ['db.test'] });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
http:
  routers:
    web: { rule: "Host(\`db.test\`)", entryPoints: [pg], service: web, tls: {} }
  services:
    web: { loadBalancer: { servers: [{ url: "http://127.0.0.1:1" }] } }
tls:
  certificates:
    - certFile: ${pem(certificate.cert, 8)}
      keyFile: ${pem(certificate.key, 8)}
`,
    });

    await assert.rejects(postgresTlsExchange(junction.ports.pg!, 'db.test', ca.cert, 'SELECT 1'));
  });
});
