import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createH2cServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Pool } from 'undici';
import { HealthMonitor, type HealthCheckPlan } from '../../../src/http/services/health-check/health-monitor.js';
import { checkGrpcHealth } from '../../../src/http/services/health-check/grpc-health-check.js';
import { checkHttpHealth, type HttpHealthCheckSpec } from '../../../src/http/services/health-check/http-health-check.js';
import type { ServerStatusChange } from '../../../src/http/services/health-check/server-health.js';
import { silentLogger } from '../../../src/observability/logger.js';

const spec: HttpHealthCheckSpec = { method: 'GET', status: 0, hostname: undefined, headers: {}, followRedirects: true, timeoutMs: 1000 };
const noChecks: HealthCheckPlan = { intervalMs: 1000, unhealthyIntervalMs: 1000, targets: [], targetField: 'targetURL' };

async function serve(t: { after: (fn: () => unknown) => void }, handler: Parameters<typeof createServer>[1]): Promise<{ url: URL; pool: Pool }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health`);
  const pool = new Pool(url.origin);
  t.after(async () => {
    await pool.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url, pool };
}

async function outcome(check: Promise<void>): Promise<string> {
  try {
    await check;
    return 'healthy';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('HTTP health check', () => {
  it('accepts 2xx and 3xx, refuses others, or only the configured status', async (t) => {
    let status = 200;
    const { url, pool } = await serve(t, (_request, response) => response.writeHead(status).end());
    const signal = new AbortController().signal;
    assert.equal(await outcome(checkHttpHealth(url, pool, { ...spec, followRedirects: false }, signal)), 'healthy');
    status = 399;
    assert.equal(await outcome(checkHttpHealth(url, pool, spec, signal)), 'healthy');
    status = 400;
    assert.equal(await outcome(checkHttpHealth(url, pool, spec, signal)), 'received error status code: 400');
    status = 200;
    assert.equal(await outcome(checkHttpHealth(url, pool, { ...spec, status: 204 }, signal)), 'received error status code: 200 expected status code: 204');
  });

  it('follows a redirect chain, turning POST into GET on 302', async (t) => {
    const seen: string[] = [];
    const { url, pool } = await serve(t, (request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (request.url === '/health') response.writeHead(302, { location: '/next' }).end();
      else response.writeHead(200).end();
    });

    assert.equal(await outcome(checkHttpHealth(url, pool, { ...spec, method: 'POST' }, new AbortController().signal)), 'healthy');
    assert.deepEqual(seen, ['POST /health', 'GET /next']);
  });

  it('gives up after the timeout', async (t) => {
    const { url, pool } = await serve(t, () => undefined);
    assert.match(await outcome(checkHttpHealth(url, pool, { ...spec, timeoutMs: 100 }, new AbortController().signal)), /timeout after 100ms/);
  });
});

describe('HealthMonitor', () => {
  it('publishes changes only, and a passive monitor applies changes received before its table existed', () => {
    const active = new HealthMonitor({ isActive: false, log: silentLogger });
    const changes: ServerStatusChange[] = [];
    active.onChange((change) => changes.push(change));
    const watch = active.watch('k', 'app@file', ['http://a', 'http://b'], noChecks);
    watch.table.set('http://a', 'UP');
    watch.table.set('http://a', 'DOWN');
    watch.table.set('http://a', 'DOWN');
    assert.deepEqual(changes.map((change) => change.status), ['DOWN']);
    assert.equal(watch.table.isUp(0), false);
    assert.equal(watch.table.hasUpServer, true);

    const worker = new HealthMonitor({ isActive: false, log: silentLogger });
    worker.apply(changes[0]!);
    const table = worker.watch('k', 'app@file', ['http://a', 'http://b'], noChecks).table;
    assert.equal(table.isUp(0), false);
    assert.deepEqual(worker.snapshot().map(({ server, status }) => `${server} ${status}`), ['http://a DOWN', 'http://b UP']);
    watch.close();
  });
});

describe('gRPC health check', () => {
  /** A plaintext HTTP/2 server answering grpc.health.v1.Health/Check with a status (or a gRPC error). */
  async function grpcServer(t: { after: (fn: () => unknown) => void }, answer: () => { servingStatus?: number; grpcStatus?: number }): Promise<number> {
    const server = createH2cServer();
    server.on('stream', (stream, headers) => {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const { servingStatus, grpcStatus = 0 } = answer();
        assert.equal(headers[':path'], '/grpc.health.v1.Health/Check');
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(grpcStatus), 'grpc-message': grpcStatus === 0 ? '' : 'unknown service' }));
        if (grpcStatus === 0) stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, servingStatus ?? 0]));
        else stream.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    return (server.address() as AddressInfo).port;
  }

  it('passes on SERVING and fails on NOT_SERVING or an unimplemented service, as Traefik words it', async (t) => {
    let reply: { servingStatus?: number; grpcStatus?: number } = { servingStatus: 1 };
    const port = String(await grpcServer(t, () => reply));
    const signal = new AbortController().signal;

    assert.equal(await outcome(checkGrpcHealth('127.0.0.1', port, 1000, signal)), 'healthy');
    reply = { servingStatus: 2 };
    assert.equal(await outcome(checkGrpcHealth('127.0.0.1', port, 1000, signal)), 'received gRPC status code: NOT_SERVING');
    reply = { grpcStatus: 12 };
    assert.match(await outcome(checkGrpcHealth('127.0.0.1', port, 1000, signal)), /^gRPC server does not implement the health protocol/);
  });

  it('fails when nothing listens', async () => {
    assert.match(await outcome(checkGrpcHealth('127.0.0.1', '9', 1000, new AbortController().signal)), /^fail to connect to 127\.0\.0\.1:9/);
  });
});
