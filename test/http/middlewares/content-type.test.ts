import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** Upstream answers by path; none sets a Content-Type unless its path says so. */
function answer(request: IncomingMessage, response: ServerResponse): void {
  switch (request.url) {
    case '/json':
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end('Test');
    case '/text':
      response.writeHead(200);
      return void response.end('Test');
    case '/html':
      response.writeHead(404);
      return void response.end('\n<html>\n\t<head>\n');
    case '/png':
      response.writeHead(200);
      return void response.end(png);
    case '/empty':
      response.writeHead(200);
      return void response.end();
    case '/no-content':
      response.writeHead(204);
      return void response.end();
    case '/encoded':
      response.writeHead(200, { 'content-encoding': 'gzip' });
      return void response.end('<html><body>not really gzip</body></html>');
    case '/empty-type':
      response.setHeader('content-type', '');
      response.writeHead(200);
      return void response.end('<html><head></head><body>hi</body></html>');
    case '/streamed':
      // The type comes from the first chunk: Go sniffs what it has when the head goes out.
      response.writeHead(200);
      response.write('<!DOCTYPE html>');
      setTimeout(() => response.end('\u0000\u0001 binary after the first chunk'), 50);
      return;
    default:
      response.writeHead(200);
      response.end();
  }
}

describe('contentType', () => {
  let upstream: Upstream;
  let junction: JunctionProcess;
  before(async () => {
    upstream = await startUpstream(undefined, { handler: answer });
    junction = await startJunction(undefined, {
      dynamic: `
http:
  routers:
    plain: { rule: "Host(\`plain.test\`)", service: app }
    sniff: { rule: "Host(\`sniff.test\`)", middlewares: [sniff], service: app }
    on: { rule: "Host(\`on.test\`)", middlewares: [on], service: app }
    off: { rule: "Host(\`off.test\`)", middlewares: [off], service: app }
    dead: { rule: "Host(\`dead.test\`)", middlewares: [sniff], service: dead }
  middlewares:
    sniff: { contentType: {} }
    on: { contentType: { autoDetect: true } }
    off: { contentType: { autoDetect: false } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
    dead: { loadBalancer: { servers: [{ url: "http://127.0.0.1:9" }] } }
`,
    });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await upstream?.close();
  });

  async function contentTypeOf(host: string, path: string, method = 'GET'): Promise<string | undefined> {
    const response = await get(`${junction.url('web')}${path}`, { method, headers: { host } });
    return response.headers['content-type'];
  }

  describe('as Traefik\'s TestAutoDetection', () => {
    it('keeps the Content-Type returned by the upstream', async () => {
      assert.equal(await contentTypeOf('plain.test', '/json'), 'application/json');
    });

    it('does not detect a Content-Type by default when the upstream sets none', async () => {
      assert.equal(await contentTypeOf('plain.test', '/text'), undefined);
    });

    it('keeps the Content-Type returned by the upstream with the middleware', async () => {
      assert.equal(await contentTypeOf('sniff.test', '/json'), 'application/json');
    });

    it('detects the Content-Type with the middleware when the upstream sets none', async () => {
      assert.equal(await contentTypeOf('sniff.test', '/text'), 'text/plain; charset=utf-8');
    });
  });

  it('detects HTML on an error status and keeps the body as it was', async () => {
    const response = await get(`${junction.url('web')}/html`, { headers: { host: 'sniff.test' } });

    assert.equal(response.status, 404);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(response.body, '\n<html>\n\t<head>\n');
  });

  it('detects an image from its signature', async () => {
    assert.equal(await contentTypeOf('sniff.test', '/png'), 'image/png');
  });

  it('detects the type from the first chunk of a streamed body', async () => {
    const response = await get(`${junction.url('web')}/streamed`, { headers: { host: 'sniff.test' } });

    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(response.body, /^<!DOCTYPE html>\u0000\u0001 binary/);
  });

  it('sets no Content-Type on an empty body', async () => {
    assert.equal(await contentTypeOf('sniff.test', '/empty'), undefined);
  });

  it('sets no Content-Type on a 204', async () => {
    assert.equal(await contentTypeOf('sniff.test', '/no-content'), undefined);
  });

  it('sets no Content-Type on a HEAD answer', async () => {
    assert.equal(await contentTypeOf('sniff.test', '/text', 'HEAD'), undefined);
  });

  it('does not look into a body with a Content-Encoding', async () => {
    assert.equal(await contentTypeOf('sniff.test', '/encoded'), undefined);
  });

  it('keeps an empty Content-Type the upstream set, as Go does', async () => {
    assert.equal(await contentTypeOf('sniff.test', '/empty-type'), '');
  });

  it('leaves Junction\'s own answers as they are', async () => {
    const response = await get(`${junction.url('web')}/`, { headers: { host: 'dead.test' } });

    assert.equal(response.status, 502);
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('still detects with the deprecated autoDetect: true', async () => {
    assert.equal(await contentTypeOf('on.test', '/text'), 'text/plain; charset=utf-8');
  });

  it('does nothing with the deprecated autoDetect: false', async () => {
    assert.equal(await contentTypeOf('off.test', '/text'), undefined);
  });

  it('warns that autoDetect is deprecated', async () => {
    await junction.waitForOutput(/contentType option autoDetect is deprecated/);
  });
});
