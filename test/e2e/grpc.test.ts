import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { selfSignedCertificate } from '../support/certificates.js';
import { check, grpc, healthClient, startGrpcServer, watch } from '../support/grpc.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';

async function junctionFor(t: TestContext, serverUrl: string, transport = ''): Promise<JunctionProcess> {
  return startJunction(t, {
    dynamic: `
http:
  routers:
    grpc: { rule: "Host(\`grpc.test\`)", service: grpc }
  services:
    grpc:
      loadBalancer:
        servers: [{ url: "${serverUrl}" }]
${transport}`,
  });
}

function clientThrough(t: TestContext, junction: JunctionProcess): grpc.Client {
  const client = healthClient(`127.0.0.1:${junction.ports.web}`, 'grpc.test:443');
  t.after(() => client.close());
  return client;
}

/** The same checks over any upstream: unary, status in trailers, metadata both ways, server streaming. */
function proxiesGrpc(start: (t: TestContext) => Promise<{ junction: JunctionProcess; calls: () => number }>): void {
  it('passes a unary call with its metadata both ways', async (t) => {
    const { junction } = await start(t);
    const result = await check(clientThrough(t, junction), '', { tag: 'unary-tag' });

    assert.equal(result.error, undefined);
    assert.deepEqual(result.value, { status: 'SERVING' });
    assert.equal(result.headers['x-served-by'], 'backend');
    assert.equal(result.trailers['x-trailer-echo'], 'unary-tag');
  });

  it('passes a failed call’s grpc-status, grpc-message and trailing metadata', async (t) => {
    const { junction } = await start(t);
    const result = await check(clientThrough(t, junction), 'unknown', { tag: 'failing-tag' });

    assert.equal(result.error?.code, grpc.status.NOT_FOUND);
    assert.equal(result.error?.details, 'unknown service unknown');
    assert.equal(result.trailers['x-trailer-echo'], 'failing-tag');
  });

  it('passes a trailers-only failure (status without response headers)', async (t) => {
    const { junction } = await start(t);
    const result = await check(clientThrough(t, junction), 'bare', { tag: 'bare-tag' });

    assert.equal(result.error?.code, grpc.status.PERMISSION_DENIED);
    assert.equal(result.error?.details, 'bare failure');
    assert.equal(result.trailers['x-trailer-echo'], 'bare-tag');
  });

  it('delivers each message of a server stream as it is sent, then the status', async (t) => {
    const { junction } = await start(t);
    const started = Date.now();
    const result = await watch(clientThrough(t, junction), '');

    assert.equal(result.status.code, grpc.status.OK);
    assert.deepEqual(result.messages.map((message) => message.status), ['SERVING', 'NOT_SERVING', 'SERVING', 'NOT_SERVING', 'SERVING']);
    assert.equal(result.headers['x-served-by'], 'backend');
    assert.equal(result.status.metadata.get('x-trailer-echo')[0], 'stream');
    // Messages are 300 ms apart at the server: a buffering proxy would deliver them together at the end.
    const spread = result.messages.at(-1)!.at - result.messages[0]!.at;
    assert.ok(spread >= 600, `messages arrived within ${spread} ms of each other (${Date.now() - started} ms in all)`);
  });

  it('carries concurrent calls', async (t) => {
    const { junction, calls } = await start(t);
    const client = clientThrough(t, junction);
    const results = await Promise.all([watch(client, ''), ...Array.from({ length: 10 }, (_, index) => check(client, '', { tag: `c${index}` }))]);

    for (const [index, result] of results.slice(1).entries()) assert.equal((result as Awaited<ReturnType<typeof check>>).trailers['x-trailer-echo'], `c${index}`);
    assert.equal(calls(), 11);
  });
}

describe('gRPC through Junction, client in h2c', () => {
  describe('to an h2c server', () => {
    proxiesGrpc(async (t) => {
      const server = await startGrpcServer(t, { name: 'backend', watchMessages: 5, watchIntervalMs: 300 });
      const junction = await junctionFor(t, `h2c://127.0.0.1:${server.port}`);
      return { junction, calls: () => server.calls.length };
    });

    it('gives the server the client metadata and the X-Forwarded headers', async (t) => {
      const server = await startGrpcServer(t, { name: 'backend' });
      const junction = await junctionFor(t, `h2c://127.0.0.1:${server.port}`);
      await check(clientThrough(t, junction), '');

      const metadata = server.calls[0]!.metadata;
      assert.equal(metadata['x-client-tag'], 'tag');
      assert.equal(metadata['x-forwarded-proto'], 'http');
      assert.equal(metadata['x-forwarded-host'], 'grpc.test:443');
    });
  });

  describe('to a TLS server (HTTP/2 chosen by ALPN)', () => {
    proxiesGrpc(async (t) => {
      const certificate = await selfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
      const server = await startGrpcServer(t, { name: 'backend', tls: certificate, watchMessages: 5, watchIntervalMs: 300 });
      const junction = await junctionFor(
        t,
        `https://127.0.0.1:${server.port}`,
        `        serversTransport: tls
  serversTransports:
    tls:
      insecureSkipVerify: true
`,
      );
      return { junction, calls: () => server.calls.length };
    });
  });
});
