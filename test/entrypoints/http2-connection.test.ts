import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectHttp2 } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { describe, it } from 'node:test';
import { Http2Connections } from '../../src/entrypoints/http2-connection.js';
import { createCertificateAuthority } from '../support/certificates.js';

const options = { maxConcurrentStreams: 250, maxDecoderHeaderTableSize: 4096, idleTimeoutMs: 0 };

describe('Http2Connections.serveHttp2', () => {
  it('serves HTTP/2 on a TLS socket whose ALPN chose h2, with the authority as Host', async (t) => {
    const ca = await createCertificateAuthority();
    const seen: Array<{ host: string | undefined; url: string | undefined; version: string }> = [];
    const connections = new Http2Connections(options, (request, response) => {
      seen.push({ host: request.headers.host, url: request.url, version: request.httpVersion });
      response.writeHead(200, ['content-type', 'text/plain']);
      response.end('over h2');
    });
    const server = createTlsServer({ ...(await ca.issue({ dnsNames: ['h2.test'] })), ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
      if (socket.alpnProtocol === 'h2') connections.serveHttp2(socket);
      else socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => {
      connections.destroyAll();
      server.close();
    });

    const session = connectHttp2(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, { ca: ca.cert, servername: 'h2.test' });
    t.after(() => session.close());
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/hello?x=1', ':authority': 'h2.test:8443' });
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
      stream.end();
    });

    assert.equal(body, 'over h2');
    assert.deepEqual(seen, [{ host: 'h2.test:8443', url: '/hello?x=1', version: '2.0' }]);
    assert.equal(connections.size, 1);
  });
});
