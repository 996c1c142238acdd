import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import { selfSignedCertificate, pemBlock } from '../support/certificates.js';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { peerPath, runPeer, skipUnlessPeer } from '../support/peers.js';
import { freePort } from '../support/ports.js';
import { startTcpEcho, startTlsEcho, tcpExchange, tlsExchange } from '../support/tcp-peers.js';
import { answeredBy, startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const tcpStatic = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  tcp:
    address: "127.0.0.1:{{PORT_tcp}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
ping: {}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;


async function startRedis(t: TestContext): Promise<number> {
  const port = await freePort();
  const child = spawn(peerPath('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  t.after(() => {
    child.kill();
  });
  await until(async () => (await tcpExchange(port, 'PING\r\n', { idleMs: 200 }).catch(() => '')).includes('PONG'), { timeoutMs: 10_000 });
  return port;
}

describe('TCP routers', () => {
  it('relays a real Redis behind HostSNI(`*`): PING, SET, GET', { skip: skipUnlessPeer('redis-cli', 'apt-get install redis-server') }, async (t) => {
    const redisPort = await startRedis(t);
    const junction = await startJunction(t, {
      static: tcpStatic.replace('tcp:\n    address', 'redis:\n    address').replace('PORT_tcp', 'PORT_redis'),
      dynamic: `
tcp:
  routers:
    redis: { rule: "HostSNI(\`*\`)", entryPoints: [redis], service: redis }
  services:
    redis: { loadBalancer: { servers: [{ address: "127.0.0.1:${redisPort}" }] } }
`,
    });
    const port = String(junction.ports.redis);

    assert.equal(runPeer('redis-cli', ['-h', '127.0.0.1', '-p', port, 'PING']).trim(), 'PONG');
    assert.equal(runPeer('redis-cli', ['-h', '127.0.0.1', '-p', port, 'SET', 'greeting', 'hello']).trim(), 'OK');
    assert.equal(runPeer('redis-cli', ['-h', '127.0.0.1', '-p', port, 'GET', 'greeting']).trim(), 'hello');
  });

  it('lets the server speak first when only non-TLS TCP routers serve the entryPoint', async (t) => {
    const backend = await startTcpEcho(t, { greeting: '220 ready\r\n' });
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    smtp: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: smtp }
  services:
    smtp: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    const received = await tcpExchange(junction.ports.tcp!, undefined, { idleMs: 1000 });

    assert.equal(received, '220 ready\r\n');
  });

  it('half-closes: the server still answers after the client finished sending', async (t) => {
    const backend = await startTcpEcho(t);
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    echo: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: echo }
  services:
    echo: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    const received = await tcpExchange(junction.ports.tcp!, 'hello', { end: true });

    assert.equal(received, 'echo:helloecho bye');
  });

  it('terminates TLS for HostSNI(`mongo.local`) and relays plain bytes to the server', async (t) => {
    const backend = await startTcpEcho(t, { name: 'mongo' });
    const certificate = await selfSignedCertificate({ dnsNames: ['mongo.local'] });
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    mongo: { rule: "HostSNI(\`mongo.local\`)", entryPoints: [tcp], service: mongo, tls: {} }
  services:
    mongo: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
tls:
  certificates:
    - certFile: ${pemBlock(certificate.cert, 8)}
      keyFile: ${pemBlock(certificate.key, 8)}
`,
    });
    const port = junction.ports.tcp!;

    const answer = await tlsExchange(port, 'isMaster', { servername: 'mongo.local' });
    assert.equal(answer.certificateName, 'mongo.local');
    assert.equal(answer.received, 'mongo:isMaster');
    assert.equal(backend.received[0]?.toString(), 'isMaster');
    const other = await tlsExchange(port, 'isMaster', { servername: 'other.local' });
    assert.equal(other.certificateName, 'JUNCTION DEFAULT CERT');
    assert.doesNotMatch(other.received, /mongo:/);
    assert.doesNotMatch(await tcpExchange(port, 'isMaster', { idleMs: 500 }), /mongo:/);
  });

  it('passes TLS through by SNI: the client sees the server’s own certificate', async (t) => {
    const backendCertificate = await selfSignedCertificate({ commonName: 'backend-own', dnsNames: ['db.test'] });
    const backend = await startTlsEcho(t, backendCertificate, 'db');
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    db: { rule: "HostSNI(\`db.test\`)", entryPoints: [tcp], service: db, tls: { passthrough: true } }
  services:
    db: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    const answer = await tlsExchange(junction.ports.tcp!, 'query', { servername: 'db.test' });

    assert.equal(answer.certificateName, 'backend-own');
    assert.equal(answer.received, 'db:query');
  });

  it('routes TCP routers before HTTP routers on one entryPoint, and plain HTTP when none matches', async (t) => {
    const backend = await startTcpEcho(t, { name: 'tcp' });
    const upstream = await startUpstream(t, { name: 'http' });
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    only-lan: { rule: "ClientIP(\`10.0.0.0/8\`)", entryPoints: [tcp], service: echo }
  services:
    echo: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
http:
  routers:
    web: { rule: "PathPrefix(\`/\`)", entryPoints: [tcp], service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    assert.equal(answeredBy((await get(`${junction.url('tcp')}/`)).body), 'http');
  });

  it('refuses HostSNI with a name on a router without tls, and serves the others', async (t) => {
    const backend = await startTcpEcho(t);
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    named: { rule: "HostSNI(\`db.test\`)", entryPoints: [tcp], service: echo }
    any: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: echo }
  services:
    echo: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    await junction.waitForOutput(/tcp\.routers\.named\.rule: invalid rule "HostSNI\(`db\.test`\)": has HostSNI matcher, but no TLS on router/);
    assert.equal(await tcpExchange(junction.ports.tcp!, 'x', { end: true }), 'echo:xecho bye');
  });

  it('closes connections from outside ipAllowList and beyond inFlightConn', async (t) => {
    const backend = await startTcpEcho(t);
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    echo: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: echo, middlewares: [one-each] }
    denied: { rule: "HostSNI(\`*\`)", entryPoints: [web], service: echo, middlewares: [lan-only] }
  middlewares:
    one-each: { inFlightConn: { amount: 1 } }
    lan-only: { ipAllowList: { sourceRange: ["10.0.0.0/8"] } }
  services:
    echo: { loadBalancer: { servers: [{ address: "127.0.0.1:${backend.port}" }] } }
`,
    });

    // A refused connection is closed (or reset) without a byte.
    assert.equal(await tcpExchange(junction.ports.web!, 'x', { idleMs: 1000 }).catch(() => ''), '');
    const first = tcpExchange(junction.ports.tcp!, 'first', { idleMs: 1500 });
    await until(() => backend.received.length === 1);
    assert.equal(await tcpExchange(junction.ports.tcp!, 'second', { idleMs: 500 }).catch(() => ''), '');
    assert.equal(await first, 'echo:first');
  });

  it('shares connections among weighted services', async (t) => {
    const a = await startTcpEcho(t, { name: 'a' });
    const b = await startTcpEcho(t, { name: 'b' });
    const junction = await startJunction(t, {
      static: tcpStatic,
      dynamic: `
tcp:
  routers:
    split: { rule: "HostSNI(\`*\`)", entryPoints: [tcp], service: split }
  services:
    split: { weighted: { services: [{ name: a, weight: 3 }, { name: b, weight: 1 }] } }
    a: { loadBalancer: { servers: [{ address: "127.0.0.1:${a.port}" }] } }
    b: { loadBalancer: { servers: [{ address: "127.0.0.1:${b.port}" }] } }
`,
    });

    const answers: string[] = [];
    for (let index = 0; index < 8; index++) answers.push((await tcpExchange(junction.ports.tcp!, 'x', { end: true })).slice(0, 1));

    assert.equal(answers.filter((name) => name === 'a').length, 6);
    assert.equal(answers.filter((name) => name === 'b').length, 2);
  });
});
