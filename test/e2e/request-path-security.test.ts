import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { get, rawRequest, statusOf } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

/**
 * What an entryPoint does with requests a server could read differently than Junction routes them:
 * fragments, semicolons in the query, headers with underscores and ambiguous encoded characters in the path
 * (Traefik's "request path" security options and the `encodedCharacters` middleware).
 */
const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  encoded:
    address: "127.0.0.1:{{PORT_encoded}}"
    http:
      encodeQuerySemicolons: true
  strict:
    address: "127.0.0.1:{{PORT_strict}}"
    http:
      encodedCharacters:
        allowEncodedSlash: false
        allowEncodedNullCharacter: false
  deleting:
    address: "127.0.0.1:{{PORT_deleting}}"
    http:
      underscoreHeadersStrategy: delete
  rejecting:
    address: "127.0.0.1:{{PORT_rejecting}}"
    http:
      underscoreHeadersStrategy: reject
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

function dynamicConfig(upstream: Upstream): string {
  return `
http:
  routers:
    app:
      rule: "Host(\`app.test\`)"
      service: app
    guarded:
      rule: "Host(\`guarded.test\`)"
      middlewares: [every-character-refused]
      service: app
    slashes:
      rule: "Host(\`slashes.test\`)"
      middlewares: [slashes-allowed]
      service: app
  middlewares:
    every-character-refused:
      encodedCharacters: {}
    slashes-allowed:
      encodedCharacters:
        allowEncodedSlash: true
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`;
}

async function start(t: TestContext): Promise<{ junction: JunctionProcess; upstream: Upstream }> {
  const upstream = await startUpstream(t, { name: 'app' });
  const junction = await startJunction(t, { static: staticConfig, dynamic: dynamicConfig(upstream) });
  return { junction, upstream };
}

function send(junction: JunctionProcess, entryPoint: string, target: string, host: string, headers = ''): Promise<string> {
  return rawRequest(junction.ports[entryPoint]!, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`);
}

describe('request path security', () => {
  it('refuses a request whose path holds a fragment with 400, as Traefik, and lets a # in the query through', async (t) => {
    const { junction, upstream } = await start(t);

    const refused = await rawRequest(junction.ports.web!, 'GET /#/?bar=toto;boo=titi HTTP/1.1\nHost: app.test\n\n');
    const passed = await send(junction, 'web', '/page?q=a#b', 'app.test');

    assert.equal(statusOf(refused), 400);
    assert.equal(statusOf(passed), 200);
    assert.equal(upstream.requests.length, 1);
    assert.equal(upstream.lastRequest.url, '/page?q=a#b');
  });

  it('reads semicolons in the query as ampersands, or passes them on escaped with encodeQuerySemicolons', async (t) => {
    const { junction, upstream } = await start(t);

    assert.equal(statusOf(await send(junction, 'web', '/?bar=toto;boo=titi', 'app.test')), 200);
    assert.equal(upstream.lastRequest.url, '/?bar=toto&boo=titi');
    assert.equal(statusOf(await send(junction, 'encoded', '/?bar=toto&boo=titi;aaaa', 'app.test')), 200);
    assert.equal(upstream.lastRequest.url, '/?bar=toto&boo=titi%3Baaaa');
  });

  it('keeps, deletes or refuses headers with an underscore, by the entryPoint\'s underscoreHeadersStrategy', async (t) => {
    const { junction, upstream } = await start(t);
    const spoofing = 'X-Auth-User: legit\r\nX_auth_user: spoof\r\n';

    assert.equal(statusOf(await send(junction, 'web', '/', 'app.test', spoofing)), 200);
    assert.equal(upstream.lastRequest.headers.x_auth_user, 'spoof');
    assert.equal(statusOf(await send(junction, 'deleting', '/', 'app.test', spoofing)), 200);
    assert.equal(upstream.lastRequest.headers.x_auth_user, undefined);
    assert.equal(upstream.lastRequest.headers['x-auth-user'], 'legit');
    const refused = await send(junction, 'rejecting', '/', 'app.test', spoofing);
    assert.equal(statusOf(refused), 400);
    assert.match(refused, /\r\n\r\nBad Request\n$/);
    assert.equal(upstream.requests.length, 2);
  });

  it('refuses with 400 the encoded characters an entryPoint\'s encodedCharacters does not allow, once a router matched', async (t) => {
    const { junction, upstream } = await start(t);

    const slash = await send(junction, 'strict', '/a%2fb', 'app.test');
    const nul = await send(junction, 'strict', '/a%00b', 'app.test');
    const allowed = await send(junction, 'strict', '/a%5Cb%3B%25%3F%23', 'app.test');
    const unrouted = await send(junction, 'strict', '/a%2Fb', 'nobody.test');
    const elsewhere = await send(junction, 'web', '/a%2Fb', 'app.test');

    assert.equal(statusOf(slash), 400);
    assert.match(slash, /content-length: 0\r\n/i);
    assert.equal(statusOf(nul), 400);
    assert.equal(statusOf(allowed), 200);
    assert.equal(statusOf(unrouted), 404);
    assert.equal(statusOf(elsewhere), 200);
    assert.deepEqual(upstream.requests.map((request) => request.url), ['/a%5Cb%3B%25%3F%23', '/a%2Fb']);
  });

  it('has the encodedCharacters middleware refuse every ambiguous encoded character it does not allow', async (t) => {
    const { junction, upstream } = await start(t);

    for (const escape of ['%2F', '%2f', '%5C', '%00', '%3B', '%25', '%3F', '%23']) {
      assert.equal((await get(`${junction.url('web')}/a${escape}b`, { headers: { host: 'guarded.test' } })).status, 400, escape);
    }
    assert.equal((await get(`${junction.url('web')}/a%20b`, { headers: { host: 'guarded.test' } })).status, 200);
    assert.equal((await get(`${junction.url('web')}/a%2Fb`, { headers: { host: 'slashes.test' } })).status, 200);
    assert.equal((await get(`${junction.url('web')}/a%5Cb`, { headers: { host: 'slashes.test' } })).status, 400);
    assert.deepEqual(upstream.requests.map((request) => request.url), ['/a%20b', '/a%2Fb']);
  });
});
