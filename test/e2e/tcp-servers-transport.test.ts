import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCertificateAuthority } from '../support/certificates.js';
import { startJunction } from '../support/junction.js';
import { startTcpEcho, startTlsEcho, tcpExchange } from '../support/tcp-peers.js';

function pem(text: string, indent: number): string {
  return `|\n${text.trim().split('\n').map((line) => `${' '.repeat(indent)}${line}`).join('\n')}`;
}

const entryPoints = `
entryPoints:
  tcp:
    address: "127.0.0.1:{{PORT_tcp}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

function tcpRoute(address: string, options: { tls?: boolean; serversTransport?: string } = {}): string {
  return `
tcp:
  routers:
    app: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: app }
  services:
    app:
      loadBalancer:
        ${options.serversTransport === undefined ? '' : `serversTransport: ${options.serversTransport}`}
        servers: [{ address: "${address}"${options.tls === true ? ', tls: true' : ''} }]
`;
}

describe('TCP servers transports', () => {
  it('dials tls: true servers with the static tcpServersTransport trusting their CA', async (t) => {
    const ca = await createCertificateAuthority();
    const backend = await startTlsEcho(t, await ca.issue({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }), 'secure');
    const trusting = await startJunction(t, {
      static: `${entryPoints}
tcpServersTransport:
  dialTimeout: 5s
  tls:
    rootCAs:
      - ${pem(ca.cert, 8)}
`,
      dynamic: tcpRoute(`127.0.0.1:${backend.port}`, { tls: true }),
    });

    assert.equal(await tcpExchange(trusting.ports.tcp!, 'hello', { idleMs: 1500 }), 'secure:hello');
  });

  it('refuses a tls: true server whose CA is not trusted, and accepts it with insecureSkipVerify', async (t) => {
    const ca = await createCertificateAuthority();
    const backend = await startTlsEcho(t, await ca.issue({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }), 'secure');
    const strict = await startJunction(t, { static: entryPoints, dynamic: tcpRoute(`127.0.0.1:${backend.port}`, { tls: true }) });
    assert.equal(await tcpExchange(strict.ports.tcp!, 'hello', { idleMs: 1500 }).catch(() => ''), '');

    const insecure = await startJunction(t, {
      static: `${entryPoints}
tcpServersTransport:
  tls:
    insecureSkipVerify: true
`,
      dynamic: tcpRoute(`127.0.0.1:${backend.port}`, { tls: true }),
    });
    assert.equal(await tcpExchange(insecure.ports.tcp!, 'hello', { idleMs: 1500 }), 'secure:hello');
  });

  it('dials servers without tls: true in plain TCP even when their transport has TLS settings, as Traefik', async (t) => {
    const backend = await startTcpEcho(t, { name: 'plain' });
    const junction = await startJunction(t, {
      static: entryPoints,
      dynamic: `${tcpRoute(`127.0.0.1:${backend.port}`, { serversTransport: 'tls-ready' })}
  serversTransports:
    tls-ready:
      tls: { insecureSkipVerify: true }
`,
    });

    assert.equal(await tcpExchange(junction.ports.tcp!, 'hello', { idleMs: 1500 }), 'plain:hello');
  });

  it('checks peerCertSANs and peerCertURI on a TCP serversTransport', async (t) => {
    const ca = await createCertificateAuthority();
    const backend = await startTlsEcho(t, await ca.issue({ dnsNames: ['db.internal'], ipAddresses: ['127.0.0.1'], uris: ['spiffe://example.org/db'] }), 'secure');
    const service = (name: string): string => `    ${name}: { loadBalancer: { serversTransport: ${name}, servers: [{ address: "127.0.0.1:${backend.port}", tls: true }] } }`;
    const transport = (name: string, check: string): string => `    ${name}:
      tls:
        serverName: db.internal
        rootCAs:
          - ${pem(ca.cert, 12)}
        ${check}`;
    const junction = await startJunction(t, {
      static: `
entryPoints:
  dns:
    address: "127.0.0.1:{{PORT_dns}}"
  uri:
    address: "127.0.0.1:{{PORT_uri}}"
  none:
    address: "127.0.0.1:{{PORT_none}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
tcp:
  routers:
    dns: { rule: "HostSNI(\`*\`)", entryPoints: [dns], service: dns }
    uri: { rule: "HostSNI(\`*\`)", entryPoints: [uri], service: uri }
    none: { rule: "HostSNI(\`*\`)", entryPoints: [none], service: none }
  services:
${service('dns')}
${service('uri')}
${service('none')}
  serversTransports:
${transport('dns', 'peerCertSANs: [{ type: DNSName, value: db.internal }]')}
${transport('uri', 'peerCertURI: spiffe://example.org/db')}
${transport('none', 'peerCertSANs: [{ type: URI, value: "spiffe://example.org/other" }]')}
`,
    });

    assert.equal(await tcpExchange(junction.ports.dns!, 'hello', { idleMs: 1500 }), 'secure:hello');
    assert.equal(await tcpExchange(junction.ports.uri!, 'hello', { idleMs: 1500 }), 'secure:hello');
    assert.equal(await tcpExchange(junction.ports.none!, 'hello', { idleMs: 1500 }).catch(() => ''), '');
  });

  it('reports a static tcpServersTransport with an unreadable root CA under the default transport, and leaves out the routers using it', async (t) => {
    const backend = await startTcpEcho(t, { name: 'plain' });
    const junction = await startJunction(t, {
      static: `${entryPoints}
tcpServersTransport:
  tls:
    rootCAs: [/nonexistent/ca.pem]
`,
      dynamic: tcpRoute(`127.0.0.1:${backend.port}`),
    });

    await junction.waitForOutput(/tcp\.serversTransports\.default\.tls\.rootCAs\[0\]/);
    // Without its router the entryPoint reads the bytes as HTTP.
    assert.match(await tcpExchange(junction.ports.tcp!, 'hello\r\n\r\n', { idleMs: 1500 }), /^HTTP\/1\.1 400 /);
  });
});
