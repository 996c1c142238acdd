import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import { connect as connectHttp2, createSecureServer, type Http2SecureServer } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { createCertificateAuthority, selfSignedCertificate, writeCertificate } from '../support/certificates.js';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const describeClient: Handler = (request, response) => {
  const socket = request.socket as TLSSocket;
  const peer = socket.getPeerCertificate?.();
  response.setHeader('content-type', 'application/json');
  response.end(
    JSON.stringify({
      httpVersion: request.httpVersion,
      servername: (socket as TLSSocket & { servername?: string }).servername ?? null,
      clientCertificate: peer !== undefined && peer.subject !== undefined ? peer.subject.CN : null,
      port: socket.remotePort,
      tlsVersion: socket.getProtocol?.() ?? null,
    }),
  );
};

/** An HTTPS server on 127.0.0.1 for the test's duration. */
async function startHttpsUpstream(t: TestContext, options: ServerOptions, handler: Handler = describeClient): Promise<string> {
  const server = createHttpsServer(options, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An HTTPS server that also speaks HTTP/2 when the client offers it through ALPN. */
async function startHttp2Upstream(t: TestContext, options: { cert: string; key: string }): Promise<string> {
  const server: Http2SecureServer = createSecureServer({ ...options, allowHTTP1: true }, describeClient as never);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  t.after(() => {
    for (const session of sessions) session.destroy();
  });
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  server.on('session', (session) => sessions.add(session));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function route(url: string, serversTransport?: string): string {
  return `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", service: app }
  services:
    app:
      loadBalancer:
        servers: [{ url: "${url}" }]
${serversTransport === undefined ? '' : `        serversTransport: ${serversTransport}`}
`;
}

const appHost = { host: 'app.test' };

describe('serversTransports', () => {
  it('refuses a self-signed server with 500, as Traefik, and reaches it with insecureSkipVerify', async (t) => {
    const certificate = await selfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const upstream = await startHttpsUpstream(t, certificate);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", service: app }
    insecure: { rule: "Host(\`insecure.test\`)", service: insecure }
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
    insecure:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: skip
  serversTransports:
    skip:
      insecureSkipVerify: true
`,
    });

    const refused = await get(`${junction.url('web')}/`, { headers: appHost });
    assert.equal(refused.status, 500);
    assert.equal(refused.body, 'Internal Server Error');

    const reached = await get(`${junction.url('web')}/`, { headers: { host: 'insecure.test' } });
    assert.equal(reached.status, 200);
  });

  it('trusts rootCAs and checks the certificate against serverName', async (t) => {
    const ca = await createCertificateAuthority();
    const dir = await mkdtemp(join(tmpdir(), 'junction-transport-'));
    const caFile = (await writeCertificate(dir, 'ca', ca)).certFile;
    const upstream = await startHttpsUpstream(t, await ca.issue({ dnsNames: ['backend.internal'] }));
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    named: { rule: "Host(\`named.test\`)", service: named }
    unnamed: { rule: "Host(\`unnamed.test\`)", service: unnamed }
  services:
    named:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: named
    unnamed:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: unnamed
  serversTransports:
    named:
      serverName: backend.internal
      rootCAs: ["${caFile}"]
    unnamed:
      rootCAs: ["${caFile}"]
`,
    });

    const named = await get(`${junction.url('web')}/`, { headers: { host: 'named.test' } });
    assert.equal(named.status, 200);
    assert.equal(JSON.parse(named.body).servername, 'backend.internal');

    // The certificate names backend.internal, not 127.0.0.1.
    const unnamed = await get(`${junction.url('web')}/`, { headers: { host: 'unnamed.test' } });
    assert.equal(unnamed.status, 500);
  });

  it('presents a client certificate to a server that demands one (mTLS), and gets 502 without it', async (t) => {
    const ca = await createCertificateAuthority();
    const dir = await mkdtemp(join(tmpdir(), 'junction-transport-'));
    const caFile = (await writeCertificate(dir, 'ca', ca)).certFile;
    const client = await writeCertificate(dir, 'client', await ca.issue({ commonName: 'junction-client', clientAuth: true }));
    const server = await ca.issue({ dnsNames: ['backend.internal'] });
    const upstream = await startHttpsUpstream(t, { ...server, ca: ca.cert, requestCert: true, rejectUnauthorized: true });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    mtls: { rule: "Host(\`mtls.test\`)", service: mtls }
    anonymous: { rule: "Host(\`anonymous.test\`)", service: anonymous }
  services:
    mtls:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: mtls
    anonymous:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: anonymous
  serversTransports:
    mtls:
      serverName: backend.internal
      rootCAs: ["${caFile}"]
      certificates:
        - { certFile: "${client.certFile}", keyFile: "${client.keyFile}" }
    anonymous:
      serverName: backend.internal
      rootCAs: ["${caFile}"]
`,
    });

    const mtls = await get(`${junction.url('web')}/`, { headers: { host: 'mtls.test' } });
    assert.equal(mtls.status, 200);
    assert.equal(JSON.parse(mtls.body).clientCertificate, 'junction-client');

    const anonymous = await get(`${junction.url('web')}/`, { headers: { host: 'anonymous.test' } });
    assert.equal(anonymous.status, 502);
  });

  it('accepts a server certificate holding the peerCertURI among its SANs and refuses one without it', async (t) => {
    const ca = await createCertificateAuthority();
    const dir = await mkdtemp(join(tmpdir(), 'junction-transport-'));
    const caFile = (await writeCertificate(dir, 'ca', ca)).certFile;
    const upstream = await startHttpsUpstream(t, await ca.issue({ dnsNames: ['backend.internal'], uris: ['spiffe://example.org/backend'] }));
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    right: { rule: "Host(\`right.test\`)", service: right }
    wrong: { rule: "Host(\`wrong.test\`)", service: wrong }
  services:
    right:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: right
    wrong:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: wrong
  serversTransports:
    right:
      serverName: backend.internal
      rootCAs: ["${caFile}"]
      peerCertURI: spiffe://example.org/backend
    wrong:
      serverName: backend.internal
      rootCAs: ["${caFile}"]
      peerCertURI: spiffe://example.org/other
`,
    });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'right.test' } })).status, 200);
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'wrong.test' } })).status, 500);
  });

  it('accepts a server certificate holding one of the peerCertSANs (DNS name or URI) and refuses one holding none', async (t) => {
    const ca = await createCertificateAuthority();
    const dir = await mkdtemp(join(tmpdir(), 'junction-transport-'));
    const caFile = (await writeCertificate(dir, 'ca', ca)).certFile;
    const upstream = await startHttpsUpstream(t, await ca.issue({ dnsNames: ['backend.internal', 'www.backend.internal'], uris: ['spiffe://example.org/backend'] }));
    const transport = (sans: string): string => `
      serverName: backend.internal
      rootCAs: ["${caFile}"]
      peerCertSANs: ${sans}`;
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    dns: { rule: "Host(\`dns.test\`)", service: dns }
    uri: { rule: "Host(\`uri.test\`)", service: uri }
    none: { rule: "Host(\`none.test\`)", service: none }
  services:
    dns: { loadBalancer: { servers: [{ url: "${upstream}" }], serversTransport: dns } }
    uri: { loadBalancer: { servers: [{ url: "${upstream}" }], serversTransport: uri } }
    none: { loadBalancer: { servers: [{ url: "${upstream}" }], serversTransport: none } }
  serversTransports:
    dns: ${transport('[{ type: DNSName, value: www.backend.internal }]')}
    uri: ${transport('[{ type: URI, value: SPIFFE://example.org/backend }]')}
    none: ${transport('[{ type: DNSName, value: other.internal }, { type: URI, value: "spiffe://example.org/other" }]')}
`,
    });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'dns.test' } })).status, 200);
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'uri.test' } })).status, 200);
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'none.test' } })).status, 500);
  });

  it('limits the TLS versions and cipher suites it offers to the server, and refuses a minimum above the maximum', async (t) => {
    const certificate = await selfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const tls12Only = await startHttpsUpstream(t, { ...certificate, maxVersion: 'TLSv1.2' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    modern: { rule: "Host(\`modern.test\`)", service: modern }
    tls12: { rule: "Host(\`tls12.test\`)", service: tls12 }
    chacha: { rule: "Host(\`chacha.test\`)", service: chacha }
    broken: { rule: "Host(\`broken.test\`)", service: broken }
  services:
    modern: { loadBalancer: { servers: [{ url: "${tls12Only}" }], serversTransport: modern } }
    tls12: { loadBalancer: { servers: [{ url: "${tls12Only}" }], serversTransport: tls12 } }
    chacha: { loadBalancer: { servers: [{ url: "${tls12Only}" }], serversTransport: chacha } }
    broken: { loadBalancer: { servers: [{ url: "${tls12Only}" }], serversTransport: broken } }
  serversTransports:
    modern: { insecureSkipVerify: true, minVersion: VersionTLS13 }
    tls12: { insecureSkipVerify: true, minVersion: VersionTLS12, maxVersion: VersionTLS12, cipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] }
    chacha: { insecureSkipVerify: true, maxVersion: VersionTLS12, cipherSuites: [TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256] }
    broken: { insecureSkipVerify: true, minVersion: VersionTLS13, maxVersion: VersionTLS12 }
`,
    });

    assert.equal(JSON.parse((await get(`${junction.url('web')}/`, { headers: { host: 'tls12.test' } })).body).tlsVersion, 'TLSv1.2');
    assert.notEqual((await get(`${junction.url('web')}/`, { headers: { host: 'modern.test' } })).status, 200);
    // An ECDSA certificate cannot be served with an RSA suite.
    assert.notEqual((await get(`${junction.url('web')}/`, { headers: { host: 'chacha.test' } })).status, 200);
    await junction.waitForOutput(/http\.serversTransports\.broken\.minVersion: TLS minimum version "VersionTLS13" is above the maximum version "VersionTLS12"/);
  });

  it('speaks HTTP/2 to an HTTPS server that offers it, and HTTP/1.1 with disableHTTP2', async (t) => {
    const certificate = await selfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const upstream = await startHttp2Upstream(t, certificate);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    h2: { rule: "Host(\`h2.test\`)", service: h2 }
    h1: { rule: "Host(\`h1.test\`)", service: h1 }
  services:
    h2:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: h2
    h1:
      loadBalancer:
        servers: [{ url: "${upstream}" }]
        serversTransport: h1
  serversTransports:
    h2: { insecureSkipVerify: true }
    h1: { insecureSkipVerify: true, disableHTTP2: true }
`,
    });

    const h2 = await get(`${junction.url('web')}/`, { headers: { host: 'h2.test' } });
    assert.equal(JSON.parse(h2.body).httpVersion, '2.0');
    const h1 = await get(`${junction.url('web')}/`, { headers: { host: 'h1.test' } });
    assert.equal(JSON.parse(h1.body).httpVersion, '1.1');
  });

  it('answers 504 when the server sends no headers within responseHeaderTimeout', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('late'), 3000) });
    const junction = await startJunction(t, {
      dynamic: `${route(upstream.url, 'quick')}
  serversTransports:
    quick:
      forwardingTimeouts: { responseHeaderTimeout: 300ms }
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: appHost });
    assert.equal(response.status, 504);
    assert.equal(response.body, 'Gateway Timeout');
  });

  it('applies the static serversTransport to services without one', async (t) => {
    const certificate = await selfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const upstream = await startHttpsUpstream(t, certificate);
    const junction = await startJunction(t, {
      static: `
serversTransport:
  insecureSkipVerify: true
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: route(upstream),
    });

    const response = await get(`${junction.url('web')}/`, { headers: appHost });
    assert.equal(response.status, 200);
  });

  it('leaves out a service whose transport names a missing certificate file, with the path of the fault', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", service: app }
    other: { rule: "Host(\`other.test\`)", service: other }
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
        serversTransport: broken
    other:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
  serversTransports:
    broken:
      certificates:
        - { certFile: /nonexistent/client.crt, keyFile: /nonexistent/client.key }
`,
    });

    await junction.waitForOutput(/configuration error: http\.serversTransports\.broken\.certificates\[0\]\.certFile: cannot read "\/nonexistent\/client\.crt": ENOENT/);
    assert.equal((await get(`${junction.url('web')}/`, { headers: appHost })).status, 404);
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'other.test' } })).status, 200);
  });

  it('keeps upstream connections across a reload that leaves the service unchanged', async (t) => {
    const ports: number[] = [];
    const upstream = await startUpstream(t, {
      handler: (request, response) => {
        ports.push(request.socket.remotePort ?? 0);
        response.end('ok');
      },
    });
    const dynamic = route(upstream.url);
    const junction = await startJunction(t, { dynamic });
    await get(`${junction.url('web')}/`, { headers: appHost });

    await junction.writeDynamic(dynamic.replace('  services:', '    other: { rule: "Host(`other.test`)", service: app }\n  services:'));
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'other.test' } })).status === 200, { timeoutMs: 15_000 });

    assert.ok(ports.length >= 2);
    assert.equal(new Set(ports).size, 1, `one upstream connection for every request, got ports ${ports.join(', ')}`);
  });
});

describe('HTTP/2 on an HTTP entryPoint (h2c with prior knowledge)', () => {
  it('routes HTTP/2 requests like HTTP/1.1 ones, with the client authority as Host', async (t) => {
    const upstream = await startUpstream(t, { recordBody: true });
    const junction = await startJunction(t, { dynamic: route(upstream.url) });
    const session = connectHttp2(junction.url('web'));
    t.after(() => session.close());

    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': '/h2c?x=1', ':authority': 'app.test', 'content-type': 'text/plain' });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
      stream.end('hello over h2c');
    });

    assert.equal(answer.status, 200);
    const seen = upstream.requests.at(-1)!;
    assert.equal(seen.url, '/h2c?x=1');
    assert.equal(seen.headers.host, 'app.test');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.body?.toString(), 'hello over h2c');
    assert.equal(Object.keys(seen.headers).some((name) => name.startsWith(':')), false);
  });

  it('leaves out response headers HTTP/2 forbids, even when a middleware sets them', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", service: app, middlewares: [closing] }
  middlewares:
    closing:
      headers:
        customResponseHeaders: { Connection: close, X-Kept: yes }
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`,
    });
    const session = connectHttp2(junction.url('web'));
    t.after(() => session.close());

    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const stream = session.request({ ':path': '/', ':authority': 'app.test' });
      stream.on('response', (received) => resolve(received));
      stream.on('error', reject);
      stream.resume();
      stream.end();
    });

    assert.equal(headers[':status'], 200);
    assert.equal(headers['x-kept'], 'yes');
    assert.equal(headers.connection, undefined);
  });

  it('still serves HTTP/1.1 on the same entryPoint', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: route(upstream.url) });
    const response = await get(`${junction.url('web')}/`, { headers: appHost });
    assert.equal(response.status, 200);
  });
});
