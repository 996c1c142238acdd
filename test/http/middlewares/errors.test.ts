import assert from 'node:assert/strict';
import { request as httpRequest, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Client } from 'undici';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { startUpstream, whoamiText, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** The application: `/status/<code>` answers that code with its reason phrase and an upstream header. */
function application(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0]!;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status !== null) {
    const code = Number(status[1]);
    response.writeHead(code, { 'content-type': 'text/plain', 'x-upstream': 'yes', 'set-cookie': 'session=upstream' });
    return void response.end(code === 304 || code === 204 ? undefined : `${STATUS_CODES[code]}\n`);
  }
  if (path === '/chunked-500') {
    // As Traefik's TestErrorPageFlush: a chunked 500 whose body is dropped.
    response.writeHead(500, { 'transfer-encoding': 'chunked' });
    return void response.end('KO');
  }
  if (path === '/big-500') {
    response.writeHead(500, { 'content-type': 'text/plain' });
    return void response.end(Buffer.alloc(4 * 1024 * 1024, 'x'));
  }
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(`${STATUS_CODES[200]}\n`);
}

/** The error page service: `/404.html` is itself a 404; anything else is a 200 HTML page that tells what it was asked. */
function errorPages(request: IncomingMessage, response: ServerResponse): void {
  if (request.url === '/slow') {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('Slow page.\n');
    }, 300);
    return;
  }
  if (request.url === '/404.html') {
    response.writeHead(404, { 'content-type': 'text/html' });
    return void response.end('Page for 404.\n');
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-error-page': 'yes' });
  response.end(`My error page.\n${whoamiText('pages', request)}`);
}

describe('errors', () => {
  let app: Upstream;
  let pages: Upstream;
  let junction: JunctionProcess;
  before(async () => {
    app = await startUpstream(undefined, { name: 'app', handler: application });
    pages = await startUpstream(undefined, { name: 'pages', handler: errorPages });
    const router = (name: string, middlewares: string[], service = 'app'): string =>
      `    ${name}: { rule: "Host(\`${name}.test\`)", middlewares: [${middlewares.join(', ')}], service: ${service} }`;
    junction = await startJunction(undefined, {
      dynamic: `
http:
  routers:
${router('ranges', ['ranges'])}
${router('single', ['single'])}
${router('full', ['full'])}
${router('allowlist', ['allowlist'])}
${router('none', ['none'])}
${router('rewrites', ['rewrites'])}
${router('dead', ['rewrites'], 'dead')}
${router('lists', ['lists'])}
${router('pagedown', ['pagedown'])}
${router('badquery', ['badquery'])}
${router('noquery', ['noquery'])}
${router('decorated', ['decorate', 'ranges'])}
${router('unhosted', ['unhosted'])}
${router('slowpage', ['slowpage'])}
  middlewares:
    ranges: { errors: { status: ["500-501", "503-599"], service: pages, query: "/test" } }
    single: { errors: { status: ["503"], service: pages, query: "/{status}" } }
    full: { errors: { status: ["503"], service: pages, query: "/?status={status}&url={url}" } }
    allowlist: { errors: { status: ["503"], service: pages, query: "/test", errorRequestHeaders: ["X-Request-Id"] } }
    none: { errors: { status: ["503"], service: pages, query: "/test", errorRequestHeaders: [] } }
    rewrites:
      errors:
        status: ["500-502", "503-599", "418"]
        service: pages
        query: "/{status}.html?original={originalStatus}"
        statusRewrites: { "418": 400, "500-502": 404 }
    lists: { errors: { status: ["404,418", "429"], service: pages, query: "{status}.html" } }
    pagedown: { errors: { status: ["500-599"], service: down } }
    badquery: { errors: { status: ["500-599"], service: pages, query: "/%zz" } }
    noquery: { errors: { status: ["500-599"], service: pages } }
    decorate: { headers: { customResponseHeaders: { X-Decorated: "yes" } } }
    unhosted: { errors: { status: ["500-599"], service: unhosted, query: "/test" } }
    slowpage: { errors: { status: ["500-599"], service: pages, query: "/slow" } }
  services:
    app: { loadBalancer: { servers: [{ url: "${app.url}" }] } }
    pages: { loadBalancer: { servers: [{ url: "${pages.url}" }] } }
    unhosted: { loadBalancer: { passHostHeader: false, servers: [{ url: "${pages.url}" }] } }
    dead: { loadBalancer: { servers: [{ url: "http://127.0.0.1:9" }] } }
    down: { loadBalancer: { servers: [{ url: "http://127.0.0.1:9" }] } }
`,
    });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await app?.close();
    await pages?.close();
  });

  const send = (host: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    get(`${junction.url('web')}${path}`, { ...options, headers: { host: `${host}.test`, ...options.headers } });

  describe('as Traefik\'s TestHandler', () => {
    it('passes a 200 through', async () => {
      const response = await send('ranges', '/');

      assert.equal(response.status, 200);
      assert.equal(response.body, 'OK\n');
    });

    it('passes a 206 through', async () => {
      const response = await send('ranges', '/status/206');

      assert.equal(response.status, 206);
      assert.equal(response.body, 'Partial Content\n');
    });

    it('passes a 304 through without a body', async () => {
      const response = await send('ranges', '/status/304');

      assert.equal(response.status, 304);
      assert.equal(response.body, '');
    });

    it('answers a 500 in the ranges with the error page and status 500, although the page came with 200', async () => {
      const response = await send('ranges', '/status/500');

      assert.equal(response.status, 500);
      assert.match(response.body, /^My error page\.\n/);
      assert.equal(pages.lastRequest.url, '/test');
    });

    it('passes a 502 outside the ranges through', async () => {
      const response = await send('ranges', '/status/502');

      assert.equal(response.status, 502);
      assert.equal(response.body, 'Bad Gateway\n');
    });

    it('fills {status} in the query', async () => {
      const response = await send('single', '/status/503');

      assert.equal(response.status, 503);
      assert.match(response.body, /^My error page\./);
      assert.equal(pages.lastRequest.url, '/503');
    });

    it('sends the client\'s Host to the error page service', async () => {
      await get(`${junction.url('web')}/status/503`, { headers: { host: 'single.test:8080' } });

      assert.equal(pages.lastRequest.headers.host, 'single.test:8080');
    });

    it('fills {status} and {url}, the query-escaped request URL, in the query', async () => {
      const caught = await send('full', '/status/503?foo=bar&baz=buz');

      assert.equal(caught.status, 503);
      assert.equal(pages.lastRequest.url, '/?status=503&url=http%3A%2F%2Ffull.test%2Fstatus%2F503%3Ffoo%3Dbar%26baz%3Dbuz');
    });

    it('forwards every request header to the error page service by default', async () => {
      await send('single', '/status/503', { headers: { 'x-request-id': 'trace-abc', authorization: 'Bearer secret' } });

      assert.equal(pages.lastRequest.headers['x-request-id'], 'trace-abc');
      assert.equal(pages.lastRequest.headers.authorization, 'Bearer secret');
    });

    it('forwards only the headers errorRequestHeaders lists', async () => {
      await send('allowlist', '/status/503', { headers: { 'x-request-id': 'trace-abc', authorization: 'Bearer secret' } });

      assert.equal(pages.lastRequest.headers['x-request-id'], 'trace-abc');
      assert.equal(pages.lastRequest.headers.authorization, undefined);
      assert.equal(pages.lastRequest.headers.host, 'allowlist.test');
    });

    it('forwards no header when errorRequestHeaders is empty, but still the Host', async () => {
      await send('none', '/status/503', { headers: { 'x-request-id': 'trace-abc', authorization: 'Bearer secret', 'user-agent': 'test' } });

      assert.equal(pages.lastRequest.headers['x-request-id'], undefined);
      assert.equal(pages.lastRequest.headers.authorization, undefined);
      assert.equal(pages.lastRequest.headers['user-agent'], undefined);
      assert.equal(pages.lastRequest.headers.host, 'none.test');
    });
  });

  describe('as Traefik\'s error pages integration tests', () => {
    it('answers a failure of Junction\'s own, an unreachable server, with the error page', async () => {
      const response = await send('dead', '/');

      assert.equal(response.status, 404);
      assert.match(response.body, /^My error page\./);
      assert.equal(pages.lastRequest.url, '/404.html?original=502');
    });

    it('rewrites 500-502 to 404 and 418 to 400, and fills {originalStatus}', async () => {
      const rewritten = await send('rewrites', '/status/501');
      assert.equal(rewritten.status, 404);
      assert.equal(pages.lastRequest.url, '/404.html?original=501');

      const teapot = await send('rewrites', '/status/418');
      assert.equal(teapot.status, 400);
      assert.equal(pages.lastRequest.url, '/400.html?original=418');

      const kept = await send('rewrites', '/status/503');
      assert.equal(kept.status, 503);
      assert.equal(pages.lastRequest.url, '/503.html?original=503');
    });

    it('sends the error page with its own headers, the upstream\'s dropped, after a chunked 500', async () => {
      const response = await send('ranges', '/chunked-500');

      assert.equal(response.status, 500);
      assert.match(response.body, /^My error page\./);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['x-error-page'], 'yes');
    });
  });

  it('drops the upstream\'s headers and body of a caught response', async () => {
    const response = await send('ranges', '/status/500');

    assert.equal(response.headers['x-upstream'], undefined);
    assert.equal(response.headers['set-cookie'], undefined);
    assert.doesNotMatch(response.body, /Internal Server Error/);
  });

  it('reads past a large caught body and keeps serving', async () => {
    const response = await send('ranges', '/big-500');
    assert.equal(response.status, 500);
    assert.match(response.body, /^My error page\./);

    assert.equal((await send('ranges', '/')).status, 200);
  });

  it('keeps the caught status when the error page itself is a 404', async () => {
    const response = await send('lists', '/status/404');

    assert.equal(response.status, 404);
    assert.equal(response.body, 'Page for 404.\n');
  });

  it('accepts comma-separated codes in one status entry', async () => {
    assert.equal((await send('lists', '/status/418')).body.startsWith('My error page.'), true);
    assert.equal((await send('lists', '/status/429')).body.startsWith('My error page.'), true);
    assert.equal((await send('lists', '/status/403')).body, 'Forbidden\n');
  });

  it('asks for / when query is not set', async () => {
    await send('noquery', '/status/500');

    assert.equal(pages.lastRequest.url, '/');
  });

  it('fetches the page with a bodiless GET whatever the request was', async () => {
    const response = await send('ranges', '/status/500', { method: 'POST', body: 'a body', headers: { 'content-type': 'text/plain' } });

    assert.equal(response.status, 500);
    assert.equal(pages.lastRequest.method, 'GET');
    assert.equal(pages.lastRequest.body.length, 0);
    assert.equal(pages.lastRequest.headers['content-length'], undefined);
    assert.equal(pages.lastRequest.headers['content-type'], 'text/plain');
  });

  it('answers a HEAD request with the caught status and no body', async () => {
    const response = await send('ranges', '/status/500', { method: 'HEAD' });

    assert.equal(response.status, 500);
    assert.equal(response.body, '');
    assert.equal(pages.lastRequest.method, 'GET');
  });

  it('sends the Host of the server when the error service does not pass the client\'s', async () => {
    await send('unhosted', '/status/500');

    assert.equal(pages.lastRequest.headers.host, `127.0.0.1:${pages.port}`);
  });

  it('answers with the caught status and the failure\'s text when the error page service is down', async () => {
    const response = await send('pagedown', '/status/500');

    assert.equal(response.status, 500);
    assert.equal(response.body, 'Bad Gateway');
  });

  it('answers with the reason phrase when the query makes an invalid URL', async () => {
    const response = await send('badquery', '/status/503');

    assert.equal(response.status, 503);
    assert.equal(response.body, 'Service Unavailable\n');
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('lets the middlewares before it decorate the error page', async () => {
    const response = await send('decorated', '/status/500');

    assert.equal(response.status, 500);
    assert.equal(response.headers['x-decorated'], 'yes');
    assert.match(response.body, /^My error page\./);
  });

  it('leaves the 404 of an unmatched route alone', async () => {
    const response = await get(`${junction.url('web')}/status/500`, { headers: { host: 'nothing.test' } });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('survives a client that leaves while the error page is on its way', async () => {
    const isSlow = (request: { url: string }): boolean => request.url === '/slow';
    const asked = pages.requests.filter(isSlow).length;
    const leaving = httpRequest(`${junction.url('web')}/status/500`, { headers: { host: 'slowpage.test' }, agent: false });
    leaving.on('error', () => {});
    leaving.end();
    await until(() => pages.requests.filter(isSlow).length > asked);
    leaving.destroy();

    const response = await send('slowpage', '/status/500');

    assert.equal(response.status, 500);
    assert.equal(response.body, 'Slow page.\n');
    assert.doesNotMatch(junction.output(), /uncaught|unhandled/i);
  });

  it('serves error pages and normal answers one after the other on a kept-alive connection', async (t) => {
    const client = new Client(junction.url('web'), { pipelining: 1 });
    t.after(() => client.close());
    let connects = 0;
    client.on('connect', () => (connects += 1));

    for (const path of ['/status/500', '/', '/status/503', '/big-500', '/']) {
      const response = await client.request({ path, method: 'GET', headers: { host: 'ranges.test' } });
      const body = await response.body.text();
      assert.equal(response.statusCode, path === '/' ? 200 : 500 + (path === '/status/503' ? 3 : 0));
      assert.equal(body.startsWith('My error page.'), path !== '/');
    }
    assert.equal(connects, 1);
  });
});
