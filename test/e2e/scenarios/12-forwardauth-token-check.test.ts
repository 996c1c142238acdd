import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import type { RecordedRequest } from '../../support/upstream.js';

const host = 'tk2.jtthink.com';

/** What the auth program answers; the steps switch it. */
let answer: 'token' | { status: number; headers?: Record<string, string> } = 'token';

/** The seed's auth program: 200 when X-Forwarded-Token has a value, else 401 with a Bearer challenge. */
function authapi(request: IncomingMessage, response: ServerResponse): void {
  if (answer !== 'token') {
    response.writeHead(answer.status, answer.headers).end();
    return;
  }
  if (request.headers['x-forwarded-token']) {
    response.writeHead(200, { 'X-Auth-Extra': 'from-auth' }).end();
    return;
  }
  response.writeHead(401, { 'WWW-Authenticate': 'Bearer', 'Content-Type': 'text/plain' }).end('token required');
}

function headerValues(recorded: RecordedRequest, name: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < recorded.rawHeaders.length; i += 2) if (recorded.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) found.push(recorded.rawHeaders[i + 1]!);
  return found;
}

describe('scenario 12: forwardAuth lets 2xx through and returns anything else to the client', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '12-forwardauth-token-check', { handlers: { authapi } });
  });
  after(() => run?.close());

  it('step 1: without a token answers the auth server\'s 401, WWW-Authenticate and body, and myngx receives nothing', async () => {
    answer = 'token';
    const received = run.backend('myngx').requests.length;

    const response = await run.send('web', '/orders?id=1', { host });

    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    assert.equal(response.body, 'token required');
    assert.equal(run.backend('myngx').requests.length, received);
  });

  it('step 2: with X-Forwarded-Token answers 200 from myngx, which sees GET /orders?id=1 and the token', async () => {
    answer = 'token';

    const response = await run.send('web', '/orders?id=1', { host, headers: { 'X-Forwarded-Token': 'abc' } });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'myngx');
    assert.equal(response.echo.requestLine, 'GET /orders?id=1 HTTP/1.1');
    assert.equal(response.echo.header('X-Forwarded-Token'), 'abc');
  });

  it('step 3: the auth server gets GET /auth without body, the client\'s headers and the X-Forwarded headers of the original POST', async () => {
    answer = 'token';

    const response = await get(`${run.junction.url('web')}/orders?id=1`, { method: 'POST', body: 'payload', headers: { host, 'X-Forwarded-Token': 'abc', 'Content-Type': 'text/plain' } });

    assert.equal(response.status, 200);
    const seen = run.backend('authapi').lastRequest;
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, '/auth');
    assert.equal(seen.body.length, 0);
    assert.equal(run.backend('myngx').lastRequest.body.toString(), 'payload');
    assert.deepEqual(headerValues(seen, 'X-Forwarded-Token'), ['abc']);
    assert.deepEqual(headerValues(seen, 'Content-Type'), ['text/plain']);
    assert.deepEqual(headerValues(seen, 'Content-Length'), []);
    assert.deepEqual(headerValues(seen, 'X-Forwarded-Method'), ['POST']);
    assert.deepEqual(headerValues(seen, 'X-Forwarded-Proto'), ['http']);
    assert.deepEqual(headerValues(seen, 'X-Forwarded-Host'), [host]);
    assert.deepEqual(headerValues(seen, 'X-Forwarded-Uri'), ['/orders?id=1']);
    assert.deepEqual(headerValues(seen, 'X-Forwarded-For'), ['127.0.0.1']);
    assert.deepEqual(headerValues(seen, 'X-Forwarded-Port'), ['80']);
    assert.deepEqual(headerValues(seen, 'Host'), [`127.0.0.1:${run.backend('authapi').port}`]);
  });

  it('step 4: any 2xx passes: an auth answer 204 lets the request reach myngx', async () => {
    answer = { status: 204 };

    const response = await run.send('web', '/orders?id=1', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'myngx');
  });

  it('step 5: other codes are returned as they are: 403, and 302 with the Location resolved against the auth address', async () => {
    answer = { status: 403 };
    const forbidden = await run.send('web', '/orders?id=1', { host });
    answer = { status: 302, headers: { Location: '/login' } };
    const redirect = await run.send('web', '/orders?id=1', { host });

    assert.equal(forbidden.status, 403);
    assert.equal(redirect.status, 302);
    // The README expects `/login`; Traefik (without preserveLocationHeader) resolves it against the address.
    assert.equal(redirect.headers.location, `http://127.0.0.1:${run.backend('authapi').port}/login`);
  });

  it('step 7: the auth server\'s response headers reach neither myngx nor the client on success', async () => {
    answer = 'token';

    const response = await run.send('web', '/orders?id=1', { host, headers: { 'X-Forwarded-Token': 'abc' } });

    assert.equal(response.status, 200);
    assert.equal(response.echo.header('X-Auth-Extra'), undefined);
    assert.equal(response.headers['x-auth-extra'], undefined);
  });

  it('step 6: with the auth server stopped answers 500 Internal Server Error and calls no backend', async () => {
    const received = run.backend('myngx').requests.length;
    await run.backend('authapi').close();

    const response = await run.send('web', '/orders?id=1', { host, headers: { 'X-Forwarded-Token': 'abc' } });

    assert.equal(response.status, 500);
    assert.equal(run.backend('myngx').requests.length, received);
  });
});
