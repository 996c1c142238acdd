import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { connect } from 'node:tls';
import { peekClientHello } from '../../src/tls/client-hello.js';

/** Captures the first bytes a real node:tls client sends. */
async function captureClientHello(options: { servername?: string; ALPNProtocols?: string[] }): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const captured = new Promise<Buffer>((resolve) => server.once('connection', (socket) => socket.once('data', (chunk: Buffer) => {
    resolve(chunk);
    socket.destroy();
  })));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false, ...options });
  client.on('error', () => undefined);
  const hello = await captured;
  client.destroy();
  server.close();
  return hello;
}

describe('peekClientHello', () => {
  it('reads SNI and ALPN from a real ClientHello', async () => {
    const hello = await captureClientHello({ servername: 'App.Example.test', ALPNProtocols: ['h2', 'http/1.1'] });

    assert.deepEqual(peekClientHello(hello), { kind: 'tls', hello: { serverName: 'App.Example.test', alpnProtocols: ['h2', 'http/1.1'] } });
  });

  it('reads a ClientHello without SNI or ALPN', async () => {
    const hello = await captureClientHello({});

    assert.deepEqual(peekClientHello(hello), { kind: 'tls', hello: { serverName: '', alpnProtocols: [] } });
  });

  it('asks for more bytes until the whole ClientHello is there, at every cut', async () => {
    const hello = await captureClientHello({ servername: 'cut.test' });
    for (const length of [1, 3, 5, 9, hello.length - 1]) assert.deepEqual(peekClientHello(hello.subarray(0, length)), { kind: 'more' });
  });

  it('reads a ClientHello split over two TLS records', async () => {
    const hello = await captureClientHello({ servername: 'split.test' });
    const body = hello.subarray(5);
    const record = (fragment: Buffer): Buffer => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, fragment.length >> 8, fragment.length & 0xff]), fragment]);
    const split = Buffer.concat([record(body.subarray(0, 40)), record(body.subarray(40))]);

    assert.deepEqual(peekClientHello(split), { kind: 'tls', hello: { serverName: 'split.test', alpnProtocols: [] } });
  });

  it('tells plain protocols apart from TLS by the first byte', () => {
    assert.deepEqual(peekClientHello(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'not-tls' });
    assert.deepEqual(peekClientHello(Buffer.from('*2\r\n$4\r\nPING\r\n')), { kind: 'not-tls' });
  });

  it('calls a handshake record that is no ClientHello malformed', () => {
    assert.deepEqual(peekClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])), { kind: 'malformed' });
  });
});
