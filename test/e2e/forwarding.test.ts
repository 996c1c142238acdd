import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { get, rawRequest, statusOf } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const staticWithTrust = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  trusted:
    address: "127.0.0.1:{{PORT_trusted}}"
    forwardedHeaders:
      trustedIPs: ["127.0.0.1/32", "10.0.0.0/8"]
  insecure:
    address: "127.0.0.1:{{PORT_insecure}}"
    forwardedHeaders:
      insecure: true
  small:
    address: "127.0.0.1:{{PORT_small}}"
    http:
      maxHeaderBytes: 4096
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

function routeAll(url: string): string {
  return `
http:
  routers:
    all:
      rule: "PathPrefix(\`/\`)"
      service: app
  services:
    app:
      loadBalancer:
        servers: [{ url: "${url}" }]
`;
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

describe('forwarding', () => {
  it('passes the client Host and sets X-Forwarded-For, -Host, -Port, -Proto, -Server and X-Real-Ip', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    const response = await get(`${junction.url('web')}/hello`, { headers: { host: 'app.example.com:8443' } });

    assert.equal(response.status, 200);
    const seen = upstream.lastRequest.headers;
    assert.equal(seen.host, 'app.example.com:8443');
    assert.equal(seen['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen['x-forwarded-host'], 'app.example.com:8443');
    assert.equal(seen['x-forwarded-port'], '8443');
    assert.equal(seen['x-forwarded-proto'], 'http');
    assert.equal(seen['x-real-ip'], '127.0.0.1');
    assert.ok(typeof seen['x-forwarded-server'] === 'string' && seen['x-forwarded-server'] !== '');
  });

  it('replaces X-Forwarded-* and X-Real-Ip sent by an untrusted client', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    await get(`${junction.url('web')}/`, {
      headers: { host: 'a.test', 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '9.9.9.9', 'x-forwarded-proto': 'https', 'x-forwarded-prefix': '/evil', x_forwarded_host: 'evil.test' },
    });

    const seen = upstream.lastRequest.headers;
    assert.equal(seen['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen['x-real-ip'], '127.0.0.1');
    assert.equal(seen['x-forwarded-proto'], 'http');
    assert.equal(seen['x-forwarded-port'], '80');
    assert.equal(seen['x-forwarded-prefix'], undefined);
    assert.equal(seen.x_forwarded_host, undefined);
  });

  it('keeps X-Forwarded-* from a trusted IP and appends the client to X-Forwarded-For', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    for (const entryPoint of ['trusted', 'insecure']) {
      await get(`${junction.url(entryPoint)}/`, {
        headers: { host: 'a.test', 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '9.9.9.9', 'x-forwarded-proto': 'https' },
      });
      const seen = upstream.lastRequest.headers;
      assert.equal(seen['x-forwarded-for'], '1.2.3.4, 127.0.0.1');
      assert.equal(seen['x-real-ip'], '9.9.9.9');
      assert.equal(seen['x-forwarded-proto'], 'https');
      assert.equal(seen['x-forwarded-port'], '443');
    }
  });

  it('leaves X-Forwarded-For as sent with notAppendXForwardedFor, and adds X-Forwarded-Scheme and X-Scheme when asked', async (t) => {
    const upstream = await startUpstream(t);
    const staticConfig = `${staticWithTrust.replace('providers:', `  unappended:
    address: "127.0.0.1:{{PORT_unappended}}"
    forwardedHeaders:
      trustedIPs: ["127.0.0.1/32"]
      notAppendXForwardedFor: true
      addXForwardedSchemeHeaders: true
providers:`)}`;
    const junction = await startJunction(t, { static: staticConfig, dynamic: routeAll(upstream.url) });

    await get(`${junction.url('unappended')}/`, { headers: { host: 'a.test', 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' } });
    const trusted = upstream.lastRequest.headers;
    await get(`${junction.url('unappended')}/`, { headers: { host: 'a.test' } });
    const direct = upstream.lastRequest.headers;
    await get(`${junction.url('web')}/`, { headers: { host: 'a.test' } });
    const usual = upstream.lastRequest.headers;

    assert.equal(trusted['x-forwarded-for'], '1.2.3.4');
    assert.equal(trusted['x-forwarded-scheme'], 'https');
    assert.equal(trusted['x-scheme'], 'https');
    assert.equal(direct['x-forwarded-for'], undefined);
    assert.equal(direct['x-forwarded-scheme'], 'http');
    assert.equal(usual['x-forwarded-for'], '127.0.0.1');
    assert.equal(usual['x-forwarded-scheme'], undefined);
    assert.equal(usual['x-scheme'], undefined);
  });

  it('removes hop-by-hop headers, including those named in Connection, in both directions', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { connection: 'x-upstream-hop', 'x-upstream-hop': 'gone', 'keep-alive': 'timeout=5', 'x-end-to-end': 'kept' });
        response.end('ok');
      },
    });
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    const raw = await rawRequest(
      junction.ports.web!,
      'GET / HTTP/1.1\r\nHost: a.test\r\nConnection: keep-alive, X-Client-Hop\r\nX-Client-Hop: gone\r\nKeep-Alive: timeout=3\r\n' +
        'Proxy-Authorization: Basic Zm9vOmJhcg==\r\nTE: trailers\r\nX-End-To-End: kept\r\n\r\n',
      { idleMs: 300 },
    );

    const seen = upstream.lastRequest.headers;
    assert.equal(seen['x-client-hop'], undefined);
    assert.equal(seen['keep-alive'], undefined);
    assert.equal(seen['proxy-authorization'], undefined);
    assert.equal(seen.te, 'trailers');
    assert.equal(seen['x-end-to-end'], 'kept');
    assert.equal(statusOf(raw), 200);
    assert.doesNotMatch(raw, /x-upstream-hop/i);
    assert.doesNotMatch(raw, /timeout=5/);
    assert.match(raw, /x-end-to-end: kept/i);
  });

  it('preserves the raw query string and turns semicolons into ampersands, as Traefik', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    await get(`${junction.url('web')}/search?b=2&a=1&a=%20x&q=caf%C3%A9`, { headers: { host: 'a.test' } });
    assert.equal(upstream.lastRequest.url, '/search?b=2&a=1&a=%20x&q=caf%C3%A9');

    await get(`${junction.url('web')}/p?x=1;y=2`, { headers: { host: 'a.test' } });
    assert.equal(upstream.lastRequest.url, '/p?x=1&y=2');
  });

  it('forwards HEAD and returns the headers without a body', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    const response = await get(`${junction.url('web')}/`, { method: 'HEAD', headers: { host: 'a.test' } });

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.method, 'HEAD');
    assert.equal(response.body, '');
  });

  it('answers Expect: 100-continue and forwards the body', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    const raw = await new Promise<string>((resolve, reject) => {
      const call = httpRequest(`${junction.url('web')}/upload`, { method: 'POST', headers: { host: 'a.test', expect: '100-continue', 'content-length': '5' }, agent: false });
      let sawContinue = false;
      call.on('continue', () => {
        sawContinue = true;
        call.end('hello');
      });
      call.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(sawContinue ? `continue ${response.statusCode}` : `no-continue ${response.statusCode}`));
      });
      call.on('error', reject);
    });

    assert.equal(raw, 'continue 200');
    assert.equal(upstream.lastRequest.body.toString(), 'hello');
    assert.equal(upstream.lastRequest.headers.expect, undefined);
  });

  it('forwards a chunked request body as it arrives', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    const raw = await rawRequest(
      junction.ports.web!,
      'POST /chunks HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );

    assert.equal(statusOf(raw), 200);
    assert.equal(upstream.lastRequest.body.toString(), 'hello world');
  });

  it('streams 50 MiB each way, and memory stays flat however much goes through', async (t) => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let size = 0;
    const upstream = await startUpstream(t, {
      recordBody: false,
      handler: (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const pump = (): void => {
          while (sent < size) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
      },
    });
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });
    const pid = junction.process.pid!;

    /** Uploads and downloads `mib` MiB each way; returns the bytes downloaded and the peak RSS growth in KiB. */
    const transfer = async (mib: number): Promise<{ downloaded: number; growth: number }> => {
      size = mib * 1024 * 1024;
      const baseline = rssKiB(pid);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 10);
      try {
        const downloaded = await new Promise<number>((resolve, reject) => {
          const call = httpRequest(`${junction.url('web')}/big`, { method: 'POST', headers: { host: 'a.test' }, agent: false }, (response) => {
            let received = 0;
            response.on('data', (data: Buffer) => (received += data.length));
            response.on('end', () => resolve(received));
          });
          call.on('error', reject);
          let uploaded = 0;
          const send = (): void => {
            while (uploaded < size) {
              uploaded += chunk.length;
              if (!call.write(chunk)) return void call.once('drain', send);
            }
            call.end();
          };
          send();
        });
        return { downloaded, growth: peak - baseline };
      } finally {
        clearInterval(sampler);
      }
    };

    const small = await transfer(50);
    assert.equal(small.downloaded, 50 * 1024 * 1024);
    // Garbage collection lags behind the stream, so RSS moves; what must not happen is growth with the volume.
    const large = await transfer(400);
    assert.equal(large.downloaded, 400 * 1024 * 1024);
    assert.ok(large.growth < 160 * 1024, `memory grew by ${Math.round(large.growth / 1024)} MiB while 800 MiB went through`);
  });

  it('holds a response back at the upstream while the client does not read, instead of buffering it', async (t) => {
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let written = 0;
    const upstream = await startUpstream(t, {
      recordBody: false,
      handler: (_request, response) => {
        response.writeHead(200);
        const pump = (): void => {
          while (written < 50 * 1024 * 1024) {
            written += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
      },
    });
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(upstream.url) });

    const call = httpRequest(`${junction.url('web')}/big`, { headers: { host: 'a.test' }, agent: false });
    call.on('error', () => undefined);
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) => call.on('response', resolve).end());
    response.pause();
    await until(() => written > 0);
    let settled = -1;
    await until(async () => {
      const before = written;
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (written === before) settled = written;
      return written === before;
    });

    assert.ok(settled < 24 * 1024 * 1024, `the upstream could write ${Math.round(settled / 1024 / 1024)} MiB to a client that reads nothing`);
    call.destroy();
  });

  it('proxies a WebSocket upgrade and relays messages both ways', async (t) => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    t.after(() => {
      for (const socket of server.clients) socket.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    let upgradeHeaders: Record<string, unknown> = {};
    server.on('connection', (socket, request) => {
      upgradeHeaders = request.headers;
      socket.on('message', (data) => socket.send(`echo: ${data.toString()}`));
    });
    const port = (server.address() as { port: number }).port;
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: routeAll(`http://127.0.0.1:${port}`) });

    const client = new WebSocket(`ws://127.0.0.1:${junction.ports.web}/chat`, { headers: { host: 'chat.test' } });
    t.after(() => client.terminate());
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => client.once('message', (data) => resolve(data.toString())));
    client.send('ping');

    assert.equal(await reply, 'echo: ping');
    assert.equal(upgradeHeaders['x-forwarded-proto'], 'ws');
    assert.equal(upgradeHeaders.host, 'chat.test');
  });
});

describe('status codes', () => {
  it('answers 404 "404 page not found" when no router matches', async (t) => {
    const junction = await startJunction(t, { dynamic: 'http: {}' });

    const response = await get(`${junction.url('web')}/nothing`, { headers: { host: 'a.test' } });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('answers 502 when the upstream refuses the connection', async (t) => {
    const upstream = await startUpstream(t);
    const url = upstream.url;
    await upstream.close();
    const junction = await startJunction(t, { dynamic: routeAll(url) });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'a.test' } });

    assert.equal(response.status, 502);
    assert.equal(response.body, 'Bad Gateway');
  });

  it('answers 502 when the upstream resets the connection', async (t) => {
    const upstream = await startUpstream(t, { handler: (request) => request.socket.destroy() });
    const junction = await startJunction(t, { dynamic: routeAll(upstream.url) });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'a.test' } });

    assert.equal(response.status, 502);
  });

  it('answers 504 when the upstream does not answer within responseHeaderTimeout', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('late'), 3000) });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    slow: { rule: "PathPrefix(\`/\`)", service: slow }
  services:
    slow:
      loadBalancer:
        serversTransport: quick
        servers: [{ url: "${upstream.url}" }]
  serversTransports:
    quick:
      forwardingTimeouts:
        responseHeaderTimeout: 200ms
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'a.test' } });

    assert.equal(response.status, 504);
    assert.equal(response.body, 'Gateway Timeout');
  });

  it('answers 503 "no available server" for a service without servers', async (t) => {
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    empty: { rule: "PathPrefix(\`/\`)", service: empty }
  services:
    empty:
      loadBalancer:
        servers: []
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'a.test' } });

    assert.equal(response.status, 503);
    assert.equal(response.body, 'no available server\n');
  });

  it('answers 400 to a malformed request and 431 to oversized headers', async (t) => {
    const junction = await startJunction(t, { static: staticWithTrust, dynamic: 'http: {}' });

    assert.equal(statusOf(await rawRequest(junction.ports.web!, 'GET / HTTP/1.1\r\nHost: a.test\r\nBad Header Line\r\n\r\n')), 400);
    assert.equal(statusOf(await rawRequest(junction.ports.web!, 'GET / HTTP/1.1\r\n\r\n')), 400);
    assert.equal(statusOf(await rawRequest(junction.ports.web!, 'GET /%zz HTTP/1.1\r\nHost: a.test\r\n\r\n')), 400);
    const big = `GET / HTTP/1.1\r\nHost: a.test\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`;
    assert.equal(statusOf(await rawRequest(junction.ports.small!, big)), 431);
  });

  it('logs 499 when the client gives up before the upstream answers', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('late'), 2000) });
    const junction = await startJunction(t, { dynamic: routeAll(upstream.url) });
    const from = junction.output().length;

    const call = httpRequest(`${junction.url('web')}/`, { headers: { host: 'a.test' }, agent: false });
    call.on('error', () => undefined);
    call.end();
    await until(() => upstream.requests.length === 1);
    call.destroy();

    await junction.waitForOutput(/status=499/, { from });
  });

  it('answers 501 to CONNECT', async (t) => {
    const junction = await startJunction(t, { dynamic: 'http: {}' });

    const raw = await rawRequest(junction.ports.web!, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');

    assert.equal(statusOf(raw), 501);
  });
});

describe('request paths', () => {
  it('decodes escaped unreserved characters and upper-cases other escapes before routing and forwarding, as Traefik', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: routeAll(upstream.url) });

    for (const [sent, forwarded] of [
      ['/a%7e', '/a~'],
      ['/%41%62c', '/Abc'],
      ['/a%2fb', '/a%2Fb'],
      ['/a%20b?q=%7e', '/a%20b?q=%7e'],
    ] as const) {
      await get(`${junction.url('web')}${sent}`, { headers: { host: 'a.test' } });
      assert.equal(upstream.lastRequest.url, forwarded);
    }
  });

  it('cleans dot segments and repeated slashes before routing, as sanitizePath does by default', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: routeAll(upstream.url) });

    await rawRequest(junction.ports.web!, 'GET /a/./b/../c//d HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n');

    assert.equal(upstream.lastRequest.url, '/a/c/d');
  });
});

describe('client keep-alive limits', () => {
  const limitedStatic = `
entryPoints:
  counted:
    address: "127.0.0.1:{{PORT_counted}}"
    transport:
      keepAliveMaxRequests: 2
  timed:
    address: "127.0.0.1:{{PORT_timed}}"
    transport:
      keepAliveMaxTime: 300ms
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

  /** Sends requests one after another on a keep-alive agent; returns each answer's Connection header and client port. */
  async function sequence(url: string, count: number, pauseMs = 0): Promise<Array<{ connection: string | undefined; port: number }>> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const seen: Array<{ connection: string | undefined; port: number }> = [];
    try {
      for (let i = 0; i < count; i++) {
        if (i > 0 && pauseMs > 0) await delay(pauseMs);
        seen.push(await new Promise((resolve, reject) => {
          const call = httpRequest(url, { agent, headers: { host: 'a.test' } }, (response) => {
            const port = response.socket.localPort ?? 0;
            response.resume();
            response.on('end', () => resolve({ connection: response.headers.connection, port }));
          });
          call.on('error', reject);
          call.end();
        }));
      }
    } finally {
      agent.destroy();
    }
    return seen;
  }

  it('closes a connection with the answer to its keepAliveMaxRequests-th request', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: limitedStatic, dynamic: routeAll(upstream.url) });

    const seen = await sequence(`${junction.url('counted')}/`, 3);

    assert.deepEqual(seen.map((answer) => answer.connection), ['keep-alive', 'close', 'keep-alive']);
    assert.equal(seen[0]!.port, seen[1]!.port);
    assert.notEqual(seen[2]!.port, seen[1]!.port);
  });

  it('closes a connection with the first answer after keepAliveMaxTime', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { static: limitedStatic, dynamic: routeAll(upstream.url) });

    const seen = await sequence(`${junction.url('timed')}/`, 3, 400);

    assert.deepEqual(seen.map((answer) => answer.connection), ['keep-alive', 'close', 'keep-alive']);
    assert.notEqual(seen[2]!.port, seen[1]!.port);
  });
});
