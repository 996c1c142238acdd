import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createCertificateAuthority, selfSignedCertificate } from './certificates.js';

describe('test certificates', () => {
  it('issues a server certificate that a client trusting the CA accepts for its name', async (t) => {
    const ca = await createCertificateAuthority();
    const leaf = await ca.issue({ dnsNames: ['app.example.com'] });
    const server = createServer({ cert: leaf.cert, key: leaf.key }, (socket) => socket.end('hello'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const socket: TLSSocket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'app.example.com', ca: ca.cert });
    await once(socket, 'secureConnect');
    assert.equal(socket.authorized, true);
    socket.destroy();
  });

  it('makes self-signed RSA certificates that a client without the certificate refuses', async (t) => {
    const certificate = await selfSignedCertificate({ dnsNames: ['self.example.com'], keyType: 'rsa' });
    const server = createServer({ cert: certificate.cert, key: certificate.key }, (socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const socket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'self.example.com' });
    const [error] = await once(socket, 'error') as [NodeJS.ErrnoException];
    assert.equal(error.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
