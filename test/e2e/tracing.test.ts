import assert from 'node:assert/strict';
import { createServer as createH2cServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const serverKind = 2;
const clientKind = 3;
const internalKind = 1;

async function startTraced(t: TestContext, upstream: Upstream, collector: OtlpReceiver, options: { tracing?: string; entryPoint?: string; env?: Record<string, string> } = {}): Promise<JunctionProcess> {
  return startJunction(t, {
    static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
${options.entryPoint ?? ''}
tracing:
  serviceName: edge
  resourceAttributes:
    deployment.environment: test
${options.tracing ?? ''}
  otlp:
    http:
      endpoint: "${collector.url}/v1/traces"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
    dynamic: `
http:
  routers:
    app:
      rule: "PathPrefix(\`/app\`)"
      service: app
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`,
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
}

async function traceSpans(collector: OtlpReceiver, count: number, traceId?: string): Promise<ReceivedSpan[]> {
  return until(
    () => {
      const spans = collector.spans.filter((span) => traceId === undefined || span.traceId === traceId);
      return spans.length >= count ? spans : undefined;
    },
    { timeoutMs: 15_000, message: `${count} spans at the collector` },
  );
}

describe('tracing', () => {
  it('exports a server span for the entryPoint and a ReverseProxy client span below it, and sends traceparent upstream', async (t) => {
    const upstream = await startUpstream(t);
    const collector = await startOtlpReceiver(t);
    const junction = await startTraced(t, upstream, collector);

    const response = await get(`${junction.url('web')}/app/items?id=7&token=secret`, { headers: { 'user-agent': 'tester/1.0' } });
    assert.equal(response.status, 200);

    const traceparent = String(upstream.lastRequest.headers.traceparent);
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent);
    assert.ok(match, traceparent);
    const spans = await traceSpans(collector, 2, match[1]);
    const serverSpan = spans.find((span) => span.kind === serverKind)!;
    const clientSpan = spans.find((span) => span.kind === clientKind)!;
    assert.equal(serverSpan.name, 'GET');
    assert.equal(serverSpan.parentSpanId, '');
    assert.equal(clientSpan.name, 'ReverseProxy');
    assert.equal(clientSpan.parentSpanId, serverSpan.spanId);
    assert.equal(clientSpan.spanId, match[2]);
    assert.equal(serverSpan.attributes.entry_point, 'web');
    assert.equal(serverSpan.attributes['http.request.method'], 'GET');
    assert.equal(serverSpan.attributes['http.response.status_code'], 200);
    assert.equal(serverSpan.attributes['url.path'], '/app/items');
    assert.equal(serverSpan.attributes['url.query'], 'id=REDACTED&token=REDACTED');
    assert.equal(serverSpan.attributes['user_agent.original'], 'tester/1.0');
    assert.equal(clientSpan.attributes['url.full'], `${upstream.url}/app/items?id=REDACTED&token=REDACTED`);
    assert.equal(clientSpan.attributes['http.response.status_code'], 200);
    assert.equal(serverSpan.resource['service.name'], 'edge');
    assert.equal(serverSpan.resource['deployment.environment'], 'test');
    assert.deepEqual(collector.paths.filter((path) => path !== '/v1/traces'), []);
  });

  it('continues the trace a client sends in traceparent', async (t) => {
    const upstream = await startUpstream(t);
    const collector = await startOtlpReceiver(t);
    const junction = await startTraced(t, upstream, collector);

    await get(`${junction.url('web')}/app`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });

    assert.match(String(upstream.lastRequest.headers.traceparent), /^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-01$/);
    const spans = await traceSpans(collector, 2, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(spans.find((span) => span.kind === serverKind)!.parentSpanId, '00f067aa0ba902b7');
  });

  it('sends uber-trace-id instead with OTEL_PROPAGATORS=jaeger', async (t) => {
    const upstream = await startUpstream(t);
    const collector = await startOtlpReceiver(t);
    const junction = await startTraced(t, upstream, collector, { env: { OTEL_PROPAGATORS: 'jaeger' } });

    await get(`${junction.url('web')}/app`);

    const header = String(upstream.lastRequest.headers['uber-trace-id']);
    assert.match(header, /^[0-9a-f]{16,32}:[0-9a-f]{16}:[0-9a-f]{1,16}:[0-9a-f]{1,2}$/);
    assert.equal(upstream.lastRequest.headers.traceparent, undefined);
    await traceSpans(collector, 2, header.split(':')[0]!.padStart(32, '0'));
  });

  it('adds Router and Service spans with traceVerbosity detailed, and captured headers and safe query parameters', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.setHeader('X-Upstream', 'u1');
        response.end('ok');
      },
    });
    const collector = await startOtlpReceiver(t);
    const junction = await startTraced(t, upstream, collector, {
      tracing: '  capturedRequestHeaders: [X-Request-Tag]\n  capturedResponseHeaders: [X-Upstream]\n  safeQueryParams: [id]',
      entryPoint: '    observability:\n      traceVerbosity: detailed',
    });

    await get(`${junction.url('web')}/app?id=7&token=secret`, { headers: { 'x-request-tag': 'blue' } });

    const traceId = /^00-([0-9a-f]{32})-/.exec(String(upstream.lastRequest.headers.traceparent))![1]!;
    const spans = await traceSpans(collector, 4, traceId);
    const byName = Object.fromEntries(spans.map((span) => [span.name, span]));
    assert.equal(byName.Router!.kind, internalKind);
    assert.equal(byName.Router!.parentSpanId, byName.GET!.spanId);
    assert.equal(byName.Router!.attributes['traefik.router.name'], 'app@file');
    assert.equal(byName.Router!.attributes['http.route'], 'PathPrefix(`/app`)');
    assert.equal(byName.Service!.parentSpanId, byName.Router!.spanId);
    assert.equal(byName.Service!.attributes['traefik.service.name'], 'app@file');
    assert.equal(byName.ReverseProxy!.parentSpanId, byName.Service!.spanId);
    assert.equal(byName.GET!.attributes['url.query'], 'id=7&token=REDACTED');
    assert.deepEqual(byName.GET!.attributes['http.request.header.x-request-tag'], ['blue']);
    assert.deepEqual(byName.GET!.attributes['http.response.header.x-upstream'], ['u1']);
    assert.deepEqual(byName.ReverseProxy!.attributes['http.response.header.x-upstream'], ['u1']);
  });

  it('samples no new trace with sampleRate 0, yet still propagates the context upstream', async (t) => {
    const upstream = await startUpstream(t);
    const collector = await startOtlpReceiver(t);
    const junction = await startTraced(t, upstream, collector, { tracing: '  sampleRate: 0' });

    await get(`${junction.url('web')}/app`);
    await get(`${junction.url('web')}/missing`);

    assert.match(String(upstream.lastRequest.headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(collector.spans, []);
  });

  it('exports over OTLP/gRPC to tracing.otlp.grpc.endpoint with its headers as metadata', async (t) => {
    // A collector in clear (insecure): a gRPC call is an HTTP/2 POST whose body is a length-prefixed message.
    const calls: Array<{ path: string; contentType: string; authorization: string; message: Buffer }> = [];
    const collector = createH2cServer();
    collector.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        calls.push({ path: String(headers[':path']), contentType: String(headers['content-type']), authorization: String(headers['authorization']), message: body.subarray(5) });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    const sessions = new Set<ServerHttp2Session>();
    collector.on('session', (session) => sessions.add(session));
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => {
      collector.close(resolve);
      for (const session of sessions) session.destroy();
    }));
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
tracing:
  serviceName: grpc-exported
  otlp:
    grpc:
      endpoint: 127.0.0.1:${(collector.address() as AddressInfo).port}
      insecure: true
      headers:
        authorization: Bearer collector-token
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
http:
  routers:
    app: { rule: "PathPrefix(\`/app\`)", service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    assert.equal((await get(`${junction.url('web')}/app`)).status, 200);
    const traceparent = String(upstream.lastRequest.headers.traceparent);
    assert.match(traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const [call] = await until(() => (calls.length > 0 ? calls : undefined), { timeoutMs: 15_000, message: 'an OTLP/gRPC export' });
    assert.equal(call!.path, '/opentelemetry.proto.collector.trace.v1.TraceService/Export');
    assert.match(call!.contentType, /^application\/grpc/);
    assert.equal(call!.authorization, 'Bearer collector-token');
    // Protobuf keeps strings and bytes as they are: the service name and the trace id are in the message.
    assert.ok(call!.message.includes('grpc-exported'), 'service.name');
    assert.ok(call!.message.includes(Buffer.from(traceparent.split('-')[1]!, 'hex')), 'the trace id sent upstream');
  });

  it('marks a server span as an error for a 5xx answer', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.statusCode = 503;
        response.end();
      },
    });
    const collector = await startOtlpReceiver(t);
    const junction = await startTraced(t, upstream, collector);

    await get(`${junction.url('web')}/app`);

    const spans = await traceSpans(collector, 2);
    assert.equal(spans.find((span) => span.kind === serverKind)!.status.code, 2);
    assert.equal(spans.find((span) => span.kind === clientKind)!.status.code, 2);
  });
});
