import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect as connectHttp2 } from 'node:http2';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { createCertificateAuthority, selfSignedCertificate, writeCertificate, pemBlock } from '../support/certificates.js';
import { startJunction } from '../support/junction.js';
import { tlsConnect, tlsGet } from '../support/tls-client.js';
import { answeredBy, startUpstream } from '../support/upstream.js';
import { peerPath, skipUnlessPeer } from '../support/peers.js';
import { until } from '../support/until.js';

const staticWithHttps = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  websecure:
    address: "127.0.0.1:{{PORT_websecure}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
ping: {}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

/** Indents a PEM block for a YAML block scalar. */

describe('HTTPS routers and the certificate store', () => {
  it('picks the certificate by SNI: exact name, then wildcard, then the store default', async (t) => {
    const upstream = await startUpstream(t, { name: 'secure' });
    const exact = await selfSignedCertificate({ dnsNames: ['app.example.test'] });
    const wildcard = await selfSignedCertificate({ commonName: 'wildcard', dnsNames: ['*.example.test'] });
    const fallback = await selfSignedCertificate({ commonName: 'store-default', dnsNames: ['default.test'] });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    secure: { rule: "PathPrefix(\`/\`)", entryPoints: [websecure], service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  certificates:
    - certFile: ${pemBlock(exact.cert, 8)}
      keyFile: ${pemBlock(exact.key, 8)}
    - certFile: ${pemBlock(wildcard.cert, 8)}
      keyFile: ${pemBlock(wildcard.key, 8)}
  stores:
    default:
      defaultCertificate:
        certFile: ${pemBlock(fallback.cert, 10)}
        keyFile: ${pemBlock(fallback.key, 10)}
`,
    });
    const port = junction.ports.websecure!;

    assert.equal((await tlsGet(port, { servername: 'app.example.test' })).certificateName, 'app.example.test');
    assert.equal((await tlsGet(port, { servername: 'other.example.test' })).certificateName, 'wildcard');
    assert.equal((await tlsGet(port, { servername: 'deep.other.example.test' })).certificateName, 'store-default');
    assert.equal((await tlsGet(port, { servername: 'unknown.test' })).certificateName, 'store-default');
    const answer = await tlsGet(port, { servername: 'app.example.test' });
    assert.equal(answer.status, 200);
    assert.equal(answeredBy(answer.body), 'secure');
    assert.equal(upstream.lastRequest.headers['x-forwarded-proto'], 'https');
  });

  it('serves a generated default certificate when none is configured', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    secure: { rule: "Host(\`site.test\`)", service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    const answer = await tlsGet(junction.ports.websecure!, { servername: 'site.test' });

    assert.equal(answer.status, 200);
    assert.equal(answer.certificateName, 'JUNCTION DEFAULT CERT');
    assert.match(answer.certificate.subjectaltname ?? '', /junction\.default/);
  });

  it('routes routers with tls only on TLS connections and routers without tls only on plain ones', async (t) => {
    const secure = await startUpstream(t, { name: 'secure' });
    const plain = await startUpstream(t, { name: 'plain' });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    secure: { rule: "Host(\`site.test\`) && PathPrefix(\`/tls\`)", service: secure, tls: {} }
    plain: { rule: "Host(\`site.test\`) && PathPrefix(\`/notls\`)", service: plain }
  services:
    secure: { loadBalancer: { servers: [{ url: "${secure.url}" }] } }
    plain: { loadBalancer: { servers: [{ url: "${plain.url}" }] } }
`,
    });
    const port = junction.ports.websecure!;

    assert.equal(answeredBy((await tlsGet(port, { servername: 'site.test', path: '/tls' })).body), 'secure');
    assert.equal((await tlsGet(port, { servername: 'site.test', path: '/notls' })).status, 404);
    assert.equal((await get(`${junction.url('websecure')}/tls`, { headers: { host: 'site.test' } })).status, 404);
    assert.equal(answeredBy((await get(`${junction.url('web')}/notls`, { headers: { host: 'site.test' } })).body), 'plain');
  });

  it('refuses a TLS 1.2 client when the router options ask for TLS 1.3 at least', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    modern: { rule: "Host(\`modern.test\`)", service: app, tls: { options: modern } }
    classic: { rule: "Host(\`classic.test\`)", service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  options:
    modern: { minVersion: VersionTLS13 }
`,
    });
    const port = junction.ports.websecure!;

    await assert.rejects(tlsGet(port, { servername: 'modern.test', maxVersion: 'TLSv1.2' }), /protocol version|alert/i);
    assert.equal((await tlsGet(port, { servername: 'modern.test', minVersion: 'TLSv1.3' })).status, 200);
    assert.equal((await tlsGet(port, { servername: 'classic.test', maxVersion: 'TLSv1.2' })).status, 200);
  });

  it('requires a client certificate signed by the CA with RequireAndVerifyClientCert', async (t) => {
    const upstream = await startUpstream(t);
    const ca = await createCertificateAuthority('Client CA');
    const stranger = await createCertificateAuthority('Other CA');
    const trusted = await ca.issue({ commonName: 'alice', clientAuth: true });
    const untrusted = await stranger.issue({ commonName: 'mallory', clientAuth: true });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      prepare: async (dir) => {
        await writeCertificate(dir, 'ca', ca);
      },
      dynamic: `
http:
  routers:
    mtls: { rule: "Host(\`mtls.test\`)", service: app, tls: { options: mtls } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  options:
    mtls:
      clientAuth:
        caFiles: ["{{DATA_DIR}}/ca.crt"]
        clientAuthType: RequireAndVerifyClientCert
`,
    });
    const port = junction.ports.websecure!;

    await assert.rejects(tlsGet(port, { servername: 'mtls.test' }));
    await assert.rejects(tlsGet(port, { servername: 'mtls.test', cert: untrusted.cert, key: untrusted.key }));
    const answer = await tlsGet(port, { servername: 'mtls.test', cert: trusted.cert, key: trusted.key });
    assert.equal(answer.status, 200);
  });

  it('refuses an unknown SNI with sniStrict and serves a known one', async (t) => {
    const upstream = await startUpstream(t);
    const known = await selfSignedCertificate({ dnsNames: ['known.test'] });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  certificates:
    - certFile: ${pemBlock(known.cert, 8)}
      keyFile: ${pemBlock(known.key, 8)}
  options:
    default: { sniStrict: true }
`,
    });
    const port = junction.ports.websecure!;

    assert.equal((await tlsGet(port, { servername: 'known.test' })).status, 200);
    await assert.rejects(tlsGet(port, { servername: 'unknown.test' }), /alert|closed|reset|socket/i);
    await assert.rejects(tlsGet(port, {}), /alert|closed|reset|socket/i);
  });

  it('reports bad TLS configuration with its path, leaves the affected routers out and serves the others', async (t) => {
    const upstream = await startUpstream(t, { name: 'healthy' });
    const one = await selfSignedCertificate({ dnsNames: ['one.test'] });
    const two = await selfSignedCertificate({ dnsNames: ['two.test'] });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    healthy: { rule: "Host(\`healthy.test\`)", service: app, tls: {} }
    typo: { rule: "Host(\`typo.test\`)", service: app, tls: { options: modrn } }
    weak: { rule: "Host(\`weak.test\`)", service: app, tls: { options: weak } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  certificates:
    - certFile: /nonexistent/cert.pem
      keyFile: /nonexistent/key.pem
    - certFile: ${pemBlock(one.cert, 8)}
      keyFile: ${pemBlock(two.key, 8)}
  options:
    modern: { minVersion: VersionTLS13 }
    weak: { cipherSuites: [TLS_RSA_WITH_NOTHING] }
`,
    });
    await junction.waitForOutput(/tls\.options\.weak\.cipherSuites\[0\]: invalid CipherSuite "TLS_RSA_WITH_NOTHING"/);
    const output = junction.output();
    assert.match(output, /tls\.certificates\[0\]\.certFile: file "\/nonexistent\/cert\.pem" does not exist/);
    assert.match(output, /tls\.certificates\[1\]\.keyFile: private key does not match the certificate/);
    assert.match(output, /http\.routers\.typo\.tls\.options: unknown TLS options "modrn@file"/);
    assert.match(output, /http\.routers\.weak\.tls\.options: TLS options "weak@file" are invalid/);
    const port = junction.ports.websecure!;

    assert.equal(answeredBy((await tlsGet(port, { servername: 'healthy.test' })).body), 'healthy');
    await assert.rejects(tlsGet(port, { servername: 'typo.test' }));
  });

  it('serves a new certificate after the dynamic configuration changes, without a restart', async (t) => {
    const upstream = await startUpstream(t);
    const first = await selfSignedCertificate({ commonName: 'first', dnsNames: ['rotate.test'] });
    const second = await selfSignedCertificate({ commonName: 'second', dnsNames: ['rotate.test'] });
    const dynamic = (certificate: { cert: string; key: string }): string => `
http:
  routers:
    app: { rule: "Host(\`rotate.test\`)", service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  certificates:
    - certFile: ${pemBlock(certificate.cert, 8)}
      keyFile: ${pemBlock(certificate.key, 8)}
`;
    const junction = await startJunction(t, { static: staticWithHttps, dynamic: dynamic(first) });
    const port = junction.ports.websecure!;
    assert.equal((await tlsGet(port, { servername: 'rotate.test' })).certificateName, 'first');

    await junction.writeDynamic(dynamic(second));

    await until(async () => (await tlsGet(port, { servername: 'rotate.test' })).certificateName === 'second', { timeoutMs: 15_000 });
  });

  it('negotiates HTTP/2 with ALPN for a real HTTP/2 client, and HTTP/1.1 for others', async (t) => {
    const upstream = await startUpstream(t, { name: 'h2-app' });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`h2.test\`)", service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });
    const port = junction.ports.websecure!;

    const session = connectHttp2(`https://127.0.0.1:${port}`, { servername: 'h2.test', rejectUnauthorized: false });
    t.after(() => session.close());
    const { status, body, alpn } = await new Promise<{ status: number; body: string; alpn: string | false | undefined }>((resolve, reject) => {
      const stream = session.request({ ':path': '/h2', ':authority': 'h2.test' });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('end', () => resolve({ status, body, alpn: session.alpnProtocol }));
      stream.on('error', reject);
      stream.end();
    });
    assert.equal(alpn, 'h2');
    assert.equal(status, 200);
    assert.equal(answeredBy(body), 'h2-app');
    assert.equal(upstream.lastRequest.path, '/h2');
    const offeringBoth = await tlsConnect(port, { servername: 'h2.test', ALPNProtocols: ['h2', 'http/1.1'] });
    assert.equal(offeringBoth.alpnProtocol, 'h2');
    offeringBoth.destroy();
    assert.equal((await tlsGet(port, { servername: 'h2.test', ALPNProtocols: ['http/1.1'] })).alpnProtocol, 'http/1.1');
  });

  it('shows openssl s_client the certificate of the name it asks for', { skip: skipUnlessPeer('openssl', 'apt-get install openssl') }, async (t) => {
    const upstream = await startUpstream(t);
    const named = await selfSignedCertificate({ commonName: 'openssl-named', dnsNames: ['named.test'] });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`named.test\`)", service: app, tls: {} }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  certificates:
    - certFile: ${pemBlock(named.cert, 8)}
      keyFile: ${pemBlock(named.key, 8)}
`,
    });
    const sClient = (servername: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(peerPath('openssl'), ['s_client', '-connect', `127.0.0.1:${junction.ports.websecure}`, '-servername', servername], { stdio: ['pipe', 'pipe', 'ignore'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(output));
        child.stdin.end();
      });

    assert.match(await sClient('named.test'), /subject=CN ?= ?openssl-named/);
    assert.match(await sClient('other.test'), /subject=CN ?= ?JUNCTION DEFAULT CERT/);
  });

  it('passes the client certificate to the server with passTLSClientCert, in Traefik’s header formats', async (t) => {
    const upstream = await startUpstream(t);
    const ca = await createCertificateAuthority('Client CA');
    const client = await ca.issue({ commonName: 'alice', dnsNames: ['alice.test'], clientAuth: true });
    const junction = await startJunction(t, {
      static: staticWithHttps,
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`mtls.test\`)", service: app, middlewares: [client-cert], tls: { options: mtls } }
  middlewares:
    client-cert:
      passTLSClientCert:
        pem: true
        info: { sans: true, subject: { commonName: true, country: true }, issuer: { commonName: true } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
tls:
  options:
    mtls:
      clientAuth:
        caFiles:
          - ${pemBlock(ca.cert, 12)}
`,
    });

    const answer = await tlsGet(junction.ports.websecure!, { servername: 'mtls.test', cert: client.cert, key: client.key });

    assert.equal(answer.status, 200);
    const body = client.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\n/g, '');
    assert.equal(upstream.lastRequest.headers['x-forwarded-tls-client-cert'], body);
    assert.equal(upstream.lastRequest.headers['x-forwarded-tls-client-cert-info'], 'Subject%3D%22CN%3Dalice%22%3BIssuer%3D%22CN%3DClient+CA%22%3BSAN%3D%22alice.test%22');
  });
});
