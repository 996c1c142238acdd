import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawRequest, statusOf } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { startTcpEcho, tcpExchange } from '../support/tcp-peers.js';
import { startUpstream } from '../support/upstream.js';

const proxyStatic = `
entryPoints:
  trusted:
    address: "127.0.0.1:{{PORT_trusted}}"
    proxyProtocol:
      trustedIPs: ["127.0.0.1/32"]
  untrusted:
    address: "127.0.0.1:{{PORT_untrusted}}"
    proxyProtocol:
      trustedIPs: ["10.0.0.0/8"]
  insecure:
    address: "127.0.0.1:{{PORT_insecure}}"
    proxyProtocol:
      insecure: true
  tcp:
    address: "127.0.0.1:{{PORT_tcp}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

const request = 'GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n';

/** A PROXY v2 header for TCP over IPv4, written byte by byte from the specification. */
function proxyV2(source: [number, number, number, number], sourcePort: number): Buffer {
  const header = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c]);
  const addresses = Buffer.from([...source, 127, 0, 0, 1, sourcePort >> 8, sourcePort & 0xff, 0x00, 0x50]);
  return Buffer.concat([header, addresses]);
}

describe('PROXY protocol', () => {
  it('takes the client address from a v1 or v2 header sent by a trusted source, and ignores it from others', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: proxyStatic,
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", entryPoints: [trusted, untrusted, insecure], service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    assert.equal(statusOf(await rawRequest(junction.ports.trusted!, `PROXY TCP4 203.0.113.7 127.0.0.1 40000 80\r\n${request}`)), 200);
    assert.equal(upstream.lastRequest.headers['x-forwarded-for'], '203.0.113.7');
    assert.equal(upstream.lastRequest.headers['x-real-ip'], '203.0.113.7');

    assert.equal(statusOf(await rawRequest(junction.ports.trusted!, Buffer.concat([proxyV2([198, 51, 100, 9], 40001), Buffer.from(request)]))), 200);
    assert.equal(upstream.lastRequest.headers['x-forwarded-for'], '198.51.100.9');

    assert.equal(statusOf(await rawRequest(junction.ports.trusted!, request)), 200);
    assert.equal(upstream.lastRequest.headers['x-forwarded-for'], '127.0.0.1');

    assert.equal(statusOf(await rawRequest(junction.ports.untrusted!, `PROXY TCP4 203.0.113.7 127.0.0.1 40000 80\r\n${request}`)), 200);
    assert.equal(upstream.lastRequest.headers['x-forwarded-for'], '127.0.0.1');

    assert.equal(statusOf(await rawRequest(junction.ports.insecure!, `PROXY TCP6 2001:db8::7 ::1 40000 80\r\n${request}`)), 200);
    assert.equal(upstream.lastRequest.headers['x-forwarded-for'], '2001:db8::7');
  });

  it('feeds the PROXY client address to TCP ClientIP rules', async (t) => {
    const lan = await startTcpEcho(t, { name: 'lan' });
    const junction = await startJunction(t, {
      static: proxyStatic,
      dynamic: `
tcp:
  routers:
    lan: { rule: "ClientIP(\`203.0.113.0/24\`)", entryPoints: [trusted], service: lan }
  services:
    lan: { loadBalancer: { servers: [{ address: "127.0.0.1:${lan.port}" }] } }
`,
    });

    const answer = await tcpExchange(junction.ports.trusted!, 'PROXY TCP4 203.0.113.7 127.0.0.1 40000 80\r\nhello', { end: true });

    assert.equal(answer, 'lan:hellolan bye');
  });

  for (const version of [1, 2] as const) {
    it(`sends a v${version} header to the server when the serversTransport asks for it`, async (t) => {
      const backend = await startTcpEcho(t);
      const junction = await startJunction(t, {
        static: proxyStatic,
        dynamic: `
tcp:
  routers:
    echo: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: echo }
  services:
    echo: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }], serversTransport: pp } }
  serversTransports:
    pp: { proxyProtocol: { version: ${version} } }
`,
      });

      await tcpExchange(junction.ports.tcp!, 'data', { end: true });

      const first = backend.received[0]!;
      if (version === 1) {
        assert.match(first.toString('latin1'), new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${junction.ports.tcp}\\r\\n`));
      } else {
        assert.deepEqual([...first.subarray(0, 16)], [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c]);
        assert.deepEqual([...first.subarray(16, 24)], [127, 0, 0, 1, 127, 0, 0, 1]);
        assert.equal(first.readUInt16BE(26), junction.ports.tcp);
      }
    });
  }
});
