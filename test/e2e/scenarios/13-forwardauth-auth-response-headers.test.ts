import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

const host = 'tk2.jtthink.com';

/** Stands for the seed's JWT check: the user comes from the token. */
function authapi(request: IncomingMessage, response: ServerResponse): void {
  const token = request.headers['x-forwarded-token'];
  if (token === 'token-shenyi') response.writeHead(200, { 'X-Auth-User': 'shenyi', 'X-Auth-Extra': '1' }).end();
  else if (token === 'token-anon') response.writeHead(200).end();
  else response.writeHead(401, { 'Content-Type': 'text/plain' }).end('token required');
}

describe('scenario 13: forwardAuth authResponseHeaders pass the authenticated user to the backend', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '13-forwardauth-auth-response-headers', { handlers: { authapi } });
  });
  after(() => run?.close());

  it('step 1: the backend sees X-Auth-User: shenyi and not the unlisted X-Auth-Extra', async () => {
    const response = await run.send('web', '/', { host, headers: { 'X-Forwarded-Token': 'token-shenyi' } });

    assert.equal(response.status, 200);
    assert.equal(response.echo.header('X-Auth-User'), 'shenyi');
    assert.equal(response.echo.header('X-Auth-Extra'), undefined);
  });

  it('step 2: the client response carries neither X-Auth-User nor X-Auth-Extra', async () => {
    const response = await run.send('web', '/', { host, headers: { 'X-Forwarded-Token': 'token-shenyi' } });

    assert.equal(response.headers['x-auth-user'], undefined);
    assert.equal(response.headers['x-auth-extra'], undefined);
  });

  it('step 3: a client-sent X-Auth-User is replaced: the backend sees exactly one value, shenyi', async () => {
    const response = await run.send('web', '/', { host, headers: { 'X-Forwarded-Token': 'token-shenyi', 'X-Auth-User': 'admin' } });

    assert.deepEqual(response.echo.values('X-Auth-User'), ['shenyi']);
  });

  it('step 4: a listed header is removed even when the auth server does not return it', async () => {
    const response = await run.send('web', '/', { host, headers: { 'X-Forwarded-Token': 'token-anon', 'X-Auth-User': 'admin' } });

    assert.equal(response.status, 200);
    assert.deepEqual(response.echo.values('X-Auth-User'), []);
  });

  it('step 5: without a token answers 401 token required and calls no backend', async () => {
    const received = run.backend('myngx').requests.length;

    const response = await run.send('web', '/', { host });

    assert.equal(response.status, 401);
    assert.equal(response.body, 'token required');
    assert.equal(run.backend('myngx').requests.length, received);
  });
});
