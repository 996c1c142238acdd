import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import { startGrpcServer } from '../support/grpc.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startUpstream } from '../support/upstream.js';

/** A gRPC (and gRPC-Web) frame: flag byte, big-endian length, payload. */
function frame(flag: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** HealthCheckRequest{service}: field 1, length-delimited. */
function healthRequest(service: string): Buffer {
  const name = Buffer.from(service);
  return frame(0, service === '' ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, name.length]), name]));
}

function readFrames(body: Buffer): Array<{ flag: number; payload: Buffer }> {
  const frames: Array<{ flag: number; payload: Buffer }> = [];
  for (let at = 0; at < body.length; ) {
    const length = body.readUInt32BE(at + 1);
    frames.push({ flag: body[at]!, payload: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

function trailerLines(payload: Buffer): string[] {
  return payload.toString('latin1').split('\r\n').filter((line) => line !== '');
}

async function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end(options.body);
  });
}

async function start(t: TestContext): Promise<JunctionProcess> {
  const grpcServer = await startGrpcServer(t, { name: 'backend' });
  const plain = await startUpstream(t, { name: 'plain' });
  return startJunction(t, {
    dynamic: `
http:
  routers:
    web: { rule: "Host(\`grpc.test\`)", service: grpc, middlewares: [web] }
    plain: { rule: "Host(\`plain.test\`)", service: plain, middlewares: [web] }
  middlewares:
    web:
      grpcWeb:
        allowOrigins: ["https://app.example"]
  services:
    grpc:
      loadBalancer:
        servers: [{ url: "h2c://127.0.0.1:${grpcServer.port}" }]
    plain:
      loadBalancer:
        servers: [{ url: "${plain.url}" }]
`,
  });
}

describe('grpcWeb middleware', () => {
  it('turns a gRPC-Web call into gRPC and the answer back, with the trailers in a trailer frame', async (t) => {
    const junction = await start(t);
    const response = await send(`${junction.url('web')}/grpc.health.v1.Health/Check`, {
      headers: { host: 'grpc.test', 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', 'x-client-tag': 'web-tag', origin: 'https://app.example' },
      body: healthRequest(''),
    });

    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/grpc-web+proto');
    assert.equal(response.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(response.headers['access-control-allow-credentials'], 'true');
    const exposed = String(response.headers['access-control-expose-headers']).split(', ');
    assert.ok(exposed.includes('grpc-status') && exposed.includes('grpc-message') && exposed.includes('X-Served-By'), exposed.join(', '));
    const [message, trailers, ...rest] = readFrames(response.body);
    assert.deepEqual(message, { flag: 0, payload: Buffer.from([0x08, 0x01]) }, 'HealthCheckResponse{status: SERVING}');
    assert.equal(trailers?.flag, 0x80);
    const lines = trailerLines(trailers!.payload);
    assert.ok(lines.includes('grpc-status: 0'), lines.join(' | '));
    assert.ok(lines.includes('x-trailer-echo: web-tag'), lines.join(' | '));
    assert.deepEqual([...lines].sort(), lines, 'trailer names sorted, lowercase');
    assert.equal(rest.length, 0);
  });

  it('reads and writes base64 for application/grpc-web-text', async (t) => {
    const junction = await start(t);
    const response = await send(`${junction.url('web')}/grpc.health.v1.Health/Check`, {
      headers: { host: 'grpc.test', 'content-type': 'application/grpc-web-text', 'x-client-tag': 'text-tag' },
      body: healthRequest('unknown').toString('base64'),
    });

    assert.equal(response.status, 200);
    // The server's application/grpc+proto, renamed.
    assert.equal(response.headers['content-type'], 'application/grpc-web-text+proto');
    // Every write is its own padded base64 part, as Traefik flushes each.
    const decoded = Buffer.concat(
      response.body
        .toString('latin1')
        .split(/(?<==)(?=[^=])/)
        .map((part) => Buffer.from(part, 'base64')),
    );
    const frames = readFrames(decoded);
    const trailers = frames.find((candidate) => candidate.flag === 0x80);
    const lines = trailers === undefined ? [] : trailerLines(trailers.payload);
    const headerStatus = response.headers['grpc-status'];
    // A call failed at once is trailers-only: its status may come as a response header.
    assert.ok(lines.includes('grpc-status: 5') || headerStatus === '5', `status in ${lines.join(' | ')} / header ${String(headerStatus)}`);
  });

  it('answers a CORS preflight that announces x-grpc-web, for allowed origins only', async (t) => {
    const junction = await start(t);
    const allowed = await send(`${junction.url('web')}/grpc.health.v1.Health/Check`, {
      method: 'OPTIONS',
      headers: { host: 'grpc.test', origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-grpc-web,content-type,x-user-agent' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(allowed.headers['access-control-allow-methods'], 'POST');
    assert.equal(allowed.headers['access-control-allow-headers'], 'X-Grpc-Web, Content-Type, X-User-Agent');
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
    assert.equal(allowed.headers['access-control-max-age'], '600');
    assert.equal(allowed.headers.vary, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');

    const refused = await send(`${junction.url('web')}/grpc.health.v1.Health/Check`, {
      method: 'OPTIONS',
      headers: { host: 'grpc.test', origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-grpc-web' },
    });
    assert.equal(refused.status, 200);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
  });

  it('passes other requests on untouched', async (t) => {
    const junction = await start(t);
    const response = await send(`${junction.url('web')}/page`, { method: 'GET', headers: { host: 'plain.test', origin: 'https://app.example' } });

    assert.equal(response.status, 200);
    assert.match(response.body.toString(), /Hostname: plain/);
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});
