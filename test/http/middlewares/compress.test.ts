import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import * as zlib from 'node:zlib';
import { brotliDecompressSync, createGunzip, gunzipSync } from 'node:zlib';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

const hasZstd = typeof (zlib as { createZstdCompress?: unknown }).createZstdCompress === 'function';

/** Traefik's test body: bytes counting up from "a", wrapping at 256 (so not text past 159 bytes). */
function generateBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (0x61 + i) & 0xff;
  return bytes;
}

function textBytes(length: number): Buffer {
  return Buffer.from('lorem ipsum dolor sit amet '.repeat(Math.ceil(length / 27)).slice(0, length));
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** One request with node:http, keeping the body as bytes (node:http never decodes). */
function send(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    call.on('error', reject);
    call.end();
  });
}

/** Every value of a response header, in order. */
function values(response: RawResponse, name: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < response.rawHeaders.length; i += 2) if (response.rawHeaders[i]!.toLowerCase() === name) found.push(response.rawHeaders[i + 1]!);
  return found;
}

function decode(response: RawResponse): Buffer {
  switch (response.headers['content-encoding']) {
    case 'gzip':
      return gunzipSync(response.body);
    case 'br':
      return brotliDecompressSync(response.body);
    default:
      return response.body;
  }
}

/**
 * The upstream answers as the query says: `size` bytes of Traefik's test body (or `body=text|html`),
 * `mode=chunked` without Content-Length, `status`, and headers `ct` (Content-Type; none by default), `ce`,
 * `vary`, `ar` (Accept-Ranges), `cr` (Content-Range), `nogzip` (No-Gzip-Compression).
 */
function scriptedAnswer(request: IncomingMessage, response: ServerResponse): void {
  const query = new URL(request.url ?? '/', 'http://upstream').searchParams;
  const size = Number(query.get('size') ?? '1024');
  const kind = query.get('body');
  const body = kind === 'text' ? textBytes(size) : kind === 'html' ? Buffer.from(`<html><body>${'x'.repeat(Math.max(0, size - 26))}</body></html>`) : generateBytes(size);
  const headers: Record<string, string> = {};
  const named: Record<string, string> = { ct: 'content-type', ce: 'content-encoding', vary: 'vary', ar: 'accept-ranges', cr: 'content-range', nogzip: 'no-gzip-compression' };
  for (const [key, header] of Object.entries(named)) {
    const value = query.get(key);
    if (value !== null) headers[header] = value;
  }
  const isChunked = query.get('mode') === 'chunked';
  if (!isChunked && request.method !== 'HEAD') headers['content-length'] = String(body.length);
  response.writeHead(Number(query.get('status') ?? '200'), headers);
  if (isChunked) {
    response.write(body.subarray(0, body.length >> 1));
    response.end(body.subarray(body.length >> 1));
  } else response.end(body);
}

const middlewares: Record<string, object> = {
  negotiation: { minResponseBodyBytes: 1 },
  standard: {},
  'exclude-event-stream': { excludedContentTypes: ['text/event-stream'] },
  'include-text-plain': { includedContentTypes: ['text/plain'] },
  'include-text-html': { includedContentTypes: ['text/html'] },
  'exclude-json': { excludedContentTypes: ['application/json'] },
  'include-json': { includedContentTypes: ['application/json'] },
  'exclude-with-params': { excludedContentTypes: ['text/event-stream; charset=utf-8'] },
  'min-100001': { minResponseBodyBytes: 100001 },
  'default-br': { defaultEncoding: 'br' },
  'default-gzip': { defaultEncoding: 'gzip' },
  'br-first': { encodings: ['br', 'gzip'] },
  'br-only': { encodings: ['br'] },
  'zstd-only': { encodings: ['zstd'] },
};

/** Routers `/<middleware>/...` through each compress middleware to one scripted upstream. */
function dynamicConfig(upstreamUrl: string): string {
  const routers = Object.keys(middlewares)
    .map((name) => `    ${name}:\n      rule: "PathPrefix(\`/${name}/\`)"\n      middlewares: [${name}]\n      service: app`)
    .join('\n');
  const definitions = Object.entries(middlewares)
    .map(([name, options]) => `    ${name}:\n      compress: ${JSON.stringify(options)}`)
    .join('\n');
  return `http:\n  routers:\n${routers}\n  middlewares:\n${definitions}\n  services:\n    app:\n      loadBalancer:\n        servers: [{ url: "${upstreamUrl}" }]\n`;
}

describe('compress', () => {
  let upstream: Upstream;
  let junction: JunctionProcess;
  const url = (path: string): string => `${junction.url('web')}${path}`;

  before(async () => {
    upstream = await startUpstream(undefined, { handler: scriptedAnswer });
    junction = await startJunction(undefined, { dynamic: dynamicConfig(upstream.url) });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await upstream?.close();
  });

  describe('negotiates the coding from Accept-Encoding as Traefik', () => {
    // Node 20 has no zstd: accepted in `encodings`, never chosen.
    const zstd = hasZstd ? 'zstd' : '';
    const cases: ReadonlyArray<{ description: string; acceptEncoding?: string; expected: string }> = [
      { description: 'no Accept-Encoding: not compressed', expected: '' },
      { description: 'an unknown coding: not compressed', acceptEncoding: 'notreal', expected: '' },
      { description: 'a wildcard picks gzip, which gzip itself refuses: not compressed', acceptEncoding: '*', expected: '' },
      { description: 'gzip', acceptEncoding: 'gzip', expected: 'gzip' },
      { description: 'br', acceptEncoding: 'br', expected: 'br' },
      { description: 'br;q=0.8, gzip;q=0.6 prefers br', acceptEncoding: 'br;q=0.8, gzip;q=0.6', expected: 'br' },
      { description: 'gzip;q=1.0, br;q=0.8 prefers gzip', acceptEncoding: 'gzip;q=1.0, br;q=0.8', expected: 'gzip' },
      { description: 'gzip, br at equal weight takes the server order: gzip', acceptEncoding: 'gzip, br', expected: 'gzip' },
      { description: 'zstd alone is never chosen where Node has no zstd', acceptEncoding: 'zstd', expected: zstd },
      { description: 'zstd;q=0.9, br;q=0.8, gzip;q=0.6 falls to br without zstd', acceptEncoding: 'zstd;q=0.9, br;q=0.8, gzip;q=0.6', expected: zstd || 'br' },
      { description: 'gzip;q=0.8, br;q=1.0, zstd;q=0.7 prefers br', acceptEncoding: 'gzip;q=0.8, br;q=1.0, zstd;q=0.7', expected: 'br' },
      { description: 'gzip;q=1.0, br;q=0.8, zstd;q=0.7 prefers gzip', acceptEncoding: 'gzip;q=1.0, br;q=0.8, zstd;q=0.7', expected: 'gzip' },
      { description: 'gzip, br, zstd takes the server order: gzip', acceptEncoding: 'gzip, br, zstd', expected: 'gzip' },
      { description: 'identity with a higher weight wins: not compressed', acceptEncoding: 'br;q=0.8, identity;q=1.0', expected: '' },
      { description: 'gzip;q=0 and br are read per coding: br', acceptEncoding: 'gzip;q=0, br', expected: 'br' },
      { description: 'codings are matched case-sensitively: GZIP is unknown', acceptEncoding: 'GZIP', expected: '' },
      { description: 'a wildcard at equal weight wins and picks gzip, which gzip itself refuses', acceptEncoding: 'br, *', expected: '' },
    ];
    for (const { description, acceptEncoding, expected } of cases) {
      it(description, async () => {
        const response = await send(url('/negotiation/?size=10'), acceptEncoding === undefined ? {} : { headers: { 'accept-encoding': acceptEncoding } });

        assert.equal(response.status, 200);
        assert.equal(response.headers['content-encoding'] ?? '', expected);
        assert.deepEqual(decode(response), generateBytes(10));
      });
    }
  });

  it('compresses a response without Content-Encoding, adds Vary: Accept-Encoding and drops Content-Length', async () => {
    const response = await send(url('/standard/?size=1024'), { headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
    assert.equal(response.headers['content-length'], undefined);
    assert.deepEqual(gunzipSync(response.body), generateBytes(1024));
  });

  it('compresses text with brotli to a fraction of its size', async () => {
    const response = await send(url('/standard/?size=50000&body=text'), { headers: { 'accept-encoding': 'br' } });

    assert.equal(response.headers['content-encoding'], 'br');
    assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
    assert.ok(response.body.length < 5000);
    assert.deepEqual(brotliDecompressSync(response.body), textBytes(50000));
  });

  it('leaves a response that already has a Content-Encoding as it is, keeping both Vary values', async () => {
    const response = await send(url('/standard/?size=1024&ce=gzip&vary=Accept-Encoding'), { headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.deepEqual(values(response, 'vary'), ['Accept-Encoding', 'Accept-Encoding']);
    assert.deepEqual(response.body, generateBytes(1024));
  });

  it('leaves an already encoded response with status 201 as it is', async () => {
    const response = await send(url('/standard/?size=100000&ce=gzip&status=201'), { headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.status, 201);
    assert.equal(response.headers['content-encoding'], 'gzip');
    assert.deepEqual(response.body, generateBytes(100000));
  });

  for (const coding of ['gzip', 'br']) {
    it(`compresses a 201 response with ${coding}`, async () => {
      const response = await send(url('/standard/?size=100000&status=201'), { headers: { 'accept-encoding': coding } });

      assert.equal(response.status, 201);
      assert.equal(response.headers['content-encoding'], coding);
      assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
      assert.deepEqual(decode(response), generateBytes(100000));
    });
  }

  for (const { description, headers } of [
    { description: 'without Accept-Encoding', headers: {} },
    { description: 'with an empty Accept-Encoding', headers: { 'accept-encoding': '' } },
    { description: 'with Accept-Encoding: identity', headers: { 'accept-encoding': 'identity' } },
  ]) {
    it(`sends the response as it is, without Vary, ${description}`, async () => {
      const response = await send(url('/standard/?size=1024'), { headers });

      assert.equal(response.headers['content-encoding'], undefined);
      assert.equal(response.headers.vary, undefined);
      assert.equal(response.headers['content-length'], '1024');
      assert.deepEqual(response.body, generateBytes(1024));
    });
  }

  it('passes Accept-Encoding on to the upstream unchanged', async () => {
    await send(url('/standard/?size=10'), { headers: { 'accept-encoding': 'identity' } });

    assert.equal(upstream.lastRequest.headers['accept-encoding'], 'identity');
  });

  it('does not touch HEAD requests', async () => {
    const response = await send(url('/standard/?size=1024'), { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.status, 200);
    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(response.headers.vary, undefined);
  });

  describe('leaves content types alone as the options say', () => {
    const cases: ReadonlyArray<{ description: string; middleware: string; requestType?: string; responseType?: string }> = [
      { description: 'a request of an excluded Content-Type', middleware: 'exclude-event-stream', requestType: 'text/event-stream' },
      { description: 'a response of an excluded Content-Type', middleware: 'exclude-event-stream', responseType: 'text/event-stream' },
      { description: 'a response of a Content-Type not included', middleware: 'include-text-plain', responseType: 'text/html' },
      { description: 'a gRPC request with excludedContentTypes set', middleware: 'exclude-json', requestType: 'application/grpc' },
      { description: 'a gRPC request with includedContentTypes set', middleware: 'include-json', requestType: 'application/grpc' },
      { description: 'a gRPC request without options', middleware: 'standard', requestType: 'application/grpc' },
      { description: 'a gRPC response', middleware: 'standard', responseType: 'application/grpc' },
      { description: 'an excluded type written with parameters, compared without them', middleware: 'exclude-with-params', responseType: 'text/event-stream' },
    ];
    for (const { description, middleware, requestType, responseType } of cases) {
      for (const coding of ['gzip', 'br']) {
        it(`${description} (${coding})`, async () => {
          const query = responseType === undefined ? '' : `&ct=${encodeURIComponent(responseType)}`;
          const headers: Record<string, string> = { 'accept-encoding': coding };
          if (requestType !== undefined) headers['content-type'] = requestType;

          const response = await send(url(`/${middleware}/?size=1024${query}`), { headers });

          assert.equal(response.headers['content-encoding'], undefined);
          assert.deepEqual(response.body, generateBytes(1024));
        });
      }
    }
  });

  for (const coding of ['gzip', 'br']) {
    it(`compresses an included Content-Type, whatever its parameters (${coding})`, async () => {
      const response = await send(url(`/include-text-html/?size=1024&ct=${encodeURIComponent('text/html; charset=utf-8')}`), { headers: { 'accept-encoding': coding } });

      assert.equal(response.headers['content-encoding'], coding);
      assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
      assert.deepEqual(decode(response), generateBytes(1024));
    });
  }

  describe('minResponseBodyBytes', () => {
    for (const mode of ['length', 'chunked']) {
      for (const coding of ['gzip', 'br']) {
        it(`compresses 100000 bytes by default (${coding}, ${mode})`, async () => {
          const response = await send(url(`/standard/?size=100000&mode=${mode}`), { headers: { 'accept-encoding': coding } });

          assert.equal(response.headers['content-encoding'], coding);
          assert.deepEqual(decode(response), generateBytes(100000));
        });

        it(`sends 100000 bytes as they are below minResponseBodyBytes 100001 (${coding}, ${mode})`, async () => {
          const response = await send(url(`/min-100001/?size=100000&mode=${mode}`), { headers: { 'accept-encoding': coding } });

          assert.equal(response.headers['content-encoding'], undefined);
          assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
          assert.deepEqual(response.body, generateBytes(100000));
        });
      }
    }

    it('sends a body of 1023 bytes as it is and compresses one of 1024 (br)', async () => {
      const small = await send(url('/standard/?size=1023&mode=chunked'), { headers: { 'accept-encoding': 'br' } });
      const large = await send(url('/standard/?size=1024&mode=chunked'), { headers: { 'accept-encoding': 'br' } });

      assert.equal(small.headers['content-encoding'], undefined);
      assert.deepEqual(small.body, generateBytes(1023));
      assert.equal(large.headers['content-encoding'], 'br');
      assert.deepEqual(decode(large), generateBytes(1024));
    });

    it('keeps Content-Length on a body too small to compress', async () => {
      const response = await send(url('/standard/?size=100&ct=text/plain'), { headers: { 'accept-encoding': 'gzip' } });

      assert.equal(response.headers['content-encoding'], undefined);
      assert.equal(response.headers['content-length'], '100');
    });
  });

  describe('Content-Type of a response that has none (gzip only, as Traefik)', () => {
    it('guesses and sets it on a compressed response', async () => {
      const response = await send(url('/standard/?size=2000&body=text'), { headers: { 'accept-encoding': 'gzip' } });

      assert.equal(response.headers['content-encoding'], 'gzip');
      assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    });

    it('guesses HTML and binary data', async () => {
      const html = await send(url('/standard/?size=2000&body=html'), { headers: { 'accept-encoding': 'gzip' } });
      const binary = await send(url('/standard/?size=2000'), { headers: { 'accept-encoding': 'gzip' } });

      assert.equal(html.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(binary.headers['content-type'], 'application/octet-stream');
    });

    it('guesses and sets it on a small body held without Content-Length', async () => {
      const response = await send(url('/standard/?size=100&body=text&mode=chunked'), { headers: { 'accept-encoding': 'gzip' } });

      assert.equal(response.headers['content-encoding'], undefined);
      assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    });

    it('leaves it unset with brotli', async () => {
      const response = await send(url('/standard/?size=2000&body=text'), { headers: { 'accept-encoding': 'br' } });

      assert.equal(response.headers['content-encoding'], 'br');
      assert.equal(response.headers['content-type'], undefined);
    });
  });

  it('drops Accept-Ranges when compressing with gzip and keeps it with brotli', async () => {
    const gzip = await send(url('/standard/?size=2000&ar=bytes'), { headers: { 'accept-encoding': 'gzip' } });
    const br = await send(url('/standard/?size=2000&ar=bytes'), { headers: { 'accept-encoding': 'br' } });

    assert.equal(gzip.headers['accept-ranges'], undefined);
    assert.equal(br.headers['accept-ranges'], 'bytes');
  });

  it('does not gzip a response with Content-Range', async () => {
    const response = await send(url(`/standard/?size=2000&cr=${encodeURIComponent('bytes 0-1999/5000')}&status=206`), { headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.status, 206);
    assert.equal(response.headers['content-encoding'], undefined);
  });

  it('does not gzip a response marked No-Gzip-Compression, and removes that header', async () => {
    const response = await send(url('/standard/?size=2000&nogzip=1'), { headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(response.headers['no-gzip-compression'], undefined);
    assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
  });

  it('puts Accept-Encoding before the upstream\'s own Vary values', async () => {
    const response = await send(url('/standard/?size=2000&vary=Origin'), { headers: { 'accept-encoding': 'gzip' } });

    assert.deepEqual(values(response, 'vary'), ['Accept-Encoding', 'Origin']);
  });

  describe('defaultEncoding and encodings', () => {
    it('compresses with defaultEncoding br when the client sends no Accept-Encoding', async () => {
      const response = await send(url('/default-br/?size=2000'));

      assert.equal(response.headers['content-encoding'], 'br');
      assert.deepEqual(decode(response), generateBytes(2000));
    });

    it('uses defaultEncoding for a wildcard', async () => {
      const response = await send(url('/default-br/?size=2000'), { headers: { 'accept-encoding': '*' } });

      assert.equal(response.headers['content-encoding'], 'br');
    });

    it('adds Vary but does not gzip with defaultEncoding gzip and no Accept-Encoding, as gzip needs the header', async () => {
      const response = await send(url('/default-gzip/?size=2000'));

      assert.equal(response.headers['content-encoding'], undefined);
      assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
    });

    it('prefers the first of encodings at equal weight', async () => {
      const response = await send(url('/br-first/?size=2000'), { headers: { 'accept-encoding': 'gzip, br' } });

      assert.equal(response.headers['content-encoding'], 'br');
    });

    it('ignores a coding the client accepts but encodings leaves out', async () => {
      const response = await send(url('/br-only/?size=2000'), { headers: { 'accept-encoding': 'gzip' } });

      assert.equal(response.headers['content-encoding'], undefined);
      assert.equal(response.headers.vary, undefined);
    });

    it('never compresses with encodings [zstd] where Node has no zstd', { skip: hasZstd ? 'this Node has zstd' : false }, async () => {
      const response = await send(url('/zstd-only/?size=2000'), { headers: { 'accept-encoding': 'zstd' } });

      assert.equal(response.headers['content-encoding'], undefined);
      assert.deepEqual(response.body, generateBytes(2000));
    });
  });

  it('adds Vary to the answers Junction writes itself, such as 502', async () => {
    const dead = await startUpstream(undefined);
    await dead.close();
    const other = await startJunction(undefined, {
      dynamic: `
http:
  routers: { app: { rule: "PathPrefix(\`/\`)", middlewares: [gz], service: app } }
  middlewares: { gz: { compress: {} } }
  services: { app: { loadBalancer: { servers: [{ url: "${dead.url}" }] } } }
`,
    });
    try {
      const response = await send(`${other.url('web')}/`, { headers: { 'accept-encoding': 'gzip' } });

      assert.equal(response.status, 502);
      assert.equal(response.headers['content-encoding'], undefined);
      assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
      assert.equal(response.body.toString(), 'Bad Gateway');
    } finally {
      await other.stop('SIGKILL');
    }
  });
});

describe('compress streaming', () => {
  it('sends compressed data as it comes, before the upstream finishes', async (t) => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write(textBytes(4000));
        void released.then(() => response.end(textBytes(10)));
      },
    });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers: { app: { rule: "PathPrefix(\`/\`)", middlewares: [gz], service: app } }
  middlewares: { gz: { compress: {} } }
  services: { app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } } }
`,
    });

    const decoded: Buffer[] = [];
    let finished = false;
    await new Promise<void>((resolve, reject) => {
      const call = httpRequest(`${junction.url('web')}/`, { headers: { 'accept-encoding': 'gzip' }, agent: false }, (response) => {
        assert.equal(response.headers['content-encoding'], 'gzip');
        const gunzip = createGunzip();
        response.pipe(gunzip);
        gunzip.on('data', (chunk: Buffer) => decoded.push(chunk));
        gunzip.on('end', () => {
          finished = true;
          resolve();
        });
        gunzip.on('error', reject);
        until(() => Buffer.concat(decoded).length === 4000, { message: 'the first 4000 bytes, decoded, before the upstream ends' })
          .then(() => {
            assert.equal(finished, false);
            release();
          })
          .catch(reject);
      });
      call.on('error', reject);
      call.end();
    });

    assert.deepEqual(Buffer.concat(decoded), Buffer.concat([textBytes(4000), textBytes(10)]));
  });

  for (const coding of ['gzip', 'br']) {
    it(`compresses an event stream from its first event, without waiting for minResponseBodyBytes (${coding})`, async (t) => {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const upstream = await startUpstream(t, {
        handler: (_request, response) => {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write('data: first\n\n');
          void released.then(() => response.end('data: last\n\n'));
        },
      });
      const junction = await startJunction(t, {
        dynamic: `
http:
  routers: { app: { rule: "PathPrefix(\`/\`)", middlewares: [gz], service: app } }
  middlewares: { gz: { compress: {} } }
  services: { app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } } }
`,
      });

      const text = await new Promise<string>((resolve, reject) => {
        const call = httpRequest(`${junction.url('web')}/`, { headers: { 'accept-encoding': coding }, agent: false }, (response) => {
          assert.equal(response.headers['content-encoding'], coding);
          const chunks: Buffer[] = [];
          let sawFirst = false;
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            if (sawFirst) return;
            sawFirst = true;
            release();
          });
          response.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve((coding === 'gzip' ? gunzipSync(body) : brotliDecompressSync(body)).toString());
          });
          response.on('error', reject);
        });
        call.on('error', reject);
        call.end();
      });

      assert.equal(text, 'data: first\n\ndata: last\n\n');
    });
  }

  it('answers 502 when the upstream fails before enough of the body came to decide', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('partial');
        setImmediate(() => response.socket?.destroy());
      },
    });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers: { app: { rule: "PathPrefix(\`/\`)", middlewares: [gz], service: app } }
  middlewares: { gz: { compress: {} } }
  services: { app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } } }
`,
    });

    const response = await send(`${junction.url('web')}/`, { headers: { 'accept-encoding': 'gzip' } });

    assert.equal(response.status, 502);
    assert.deepEqual(values(response, 'vary'), ['Accept-Encoding']);
  });

  it('passes a WebSocket upgrade through, whatever the client accepts', async (t) => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    t.after(() => {
      for (const socket of server.clients) socket.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    server.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo: ${data.toString()}`)));
    const port = (server.address() as { port: number }).port;
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers: { app: { rule: "PathPrefix(\`/\`)", middlewares: [gz], service: app } }
  middlewares: { gz: { compress: {} } }
  services: { app: { loadBalancer: { servers: [{ url: "http://127.0.0.1:${port}" }] } } }
`,
    });

    const client = new WebSocket(`ws://127.0.0.1:${junction.ports.web}/chat`, { headers: { 'accept-encoding': 'gzip, br' }, perMessageDeflate: false });
    t.after(() => client.terminate());
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => client.once('message', (data) => resolve(data.toString())));
    client.send('ping');

    assert.equal(await reply, 'echo: ping');
  });

  it('compresses a large body with backpressure to a slow client', async (t) => {
    const body = Buffer.concat(Array.from({ length: 400 }, (_, index) => Buffer.from(`line ${index} ${'abcdefghij'.repeat(index % 50)}\n`.repeat(20))));
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(body);
      },
    });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers: { app: { rule: "PathPrefix(\`/\`)", middlewares: [gz], service: app } }
  middlewares: { gz: { compress: {} } }
  services: { app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } } }
`,
    });

    const received = await new Promise<Buffer>((resolve, reject) => {
      const call = httpRequest(`${junction.url('web')}/`, { headers: { 'accept-encoding': 'gzip' }, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          response.pause();
          setTimeout(() => response.resume(), 1);
        });
        response.on('end', () => resolve(Buffer.concat(chunks)));
        response.on('error', reject);
      });
      call.on('error', reject);
      call.end();
    });

    assert.ok(body.length > 1_000_000);
    assert.deepEqual(gunzipSync(received), body);
  });
});
