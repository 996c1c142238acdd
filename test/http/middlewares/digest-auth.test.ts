import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { get, type SimpleResponse } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** htdigest entries from Traefik's tests; the password is the user name unless said otherwise. */
const test = 'test:traefik:a2688e031edb4be6a3797f3882655c05';
const test2 = 'test2:traefik:518845800f9e2bfb1f1f740ec24f074e';
const test3 = 'test3:traefik:c8e9f57ce58ecb4424407f665a91646c';
/** Password "overridden". */
const test2Overridden = 'test2:traefik:8de60a1c52da68ccf41f0c0ffb7c51a0';
/** Password "test2", realm traefiker. */
const testOtherRealm = 'test:traefiker:a3d334dff2645b914918de78bec50bf4';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string;
  readonly qop: string;
  readonly algorithm: string;
  readonly stale: string | undefined;
}

function parseChallenge(response: SimpleResponse): Challenge {
  const header = String(response.headers['www-authenticate']);
  const value = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(header)?.[1];
  return { realm: value('realm')!, nonce: value('nonce')!, opaque: value('opaque')!, qop: value('qop')!, algorithm: value('algorithm')!, stale: value('stale') };
}

interface Answer {
  readonly user: string;
  readonly password: string;
  readonly method?: string;
  readonly uri: string;
  readonly nc?: number;
  readonly cnonce?: string;
  /** Replaces or removes (undefined) parameters of the Authorization header. */
  readonly override?: Record<string, string | undefined>;
  readonly ha1?: string;
}

/** Builds the Authorization header a browser would send for a challenge. */
function authorization(challenge: Challenge, answer: Answer): string {
  const nc = (answer.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = answer.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = answer.ha1 ?? md5(`${answer.user}:${challenge.realm}:${answer.password}`);
  const ha2 = md5(`${answer.method ?? 'GET'}:${answer.uri}`);
  const response = md5([ha1, challenge.nonce, nc, cnonce, challenge.qop, ha2].join(':'));
  const params: Record<string, string | undefined> = {
    username: `"${answer.user}"`,
    realm: `"${challenge.realm}"`,
    nonce: `"${challenge.nonce}"`,
    uri: `"${answer.uri}"`,
    algorithm: challenge.algorithm,
    qop: challenge.qop,
    nc,
    cnonce: `"${cnonce}"`,
    response: `"${response}"`,
    opaque: `"${challenge.opaque}"`,
    ...answer.override,
  };
  return `Digest ${Object.entries(params).filter(([, value]) => value !== undefined).map(([name, value]) => `${name}=${value}`).join(', ')}`;
}

/** Asks for a challenge on `path`, then answers it. */
async function digestGet(url: string, path: string, answer: Omit<Answer, 'uri'> & { uri?: string }): Promise<SimpleResponse> {
  const challenge = parseChallenge(await get(`${url}${path}`));
  return get(`${url}${path}`, { method: answer.method ?? 'GET', headers: { authorization: authorization(challenge, { uri: path, ...answer }) } });
}

function digestYaml(options: string): string {
  return `auth:\n  digestAuth:\n${options.replace(/^/gm, '    ')}`;
}

describe('digestAuth', () => {
  it('answers a request without credentials 401 with an MD5 digest challenge', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 401);
    assert.match(String(response.headers['www-authenticate']), /^Digest realm="traefik", nonce="[A-Za-z0-9+/]{16}", opaque="[A-Za-z0-9+/]{16}", algorithm="MD5", qop="auth"$/);
    assert.equal(response.headers['content-type'], 'text/plain');
    assert.equal(response.body, '401 Unauthorized\n');
    assert.equal(upstream.requests.length, 0);
  });

  it('hands out a fresh nonce with every challenge and keeps the opaque value', async (t) => {
    const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

    const first = parseChallenge(await get(`${junction.url('web')}/`));
    const second = parseChallenge(await get(`${junction.url('web')}/`));

    assert.notEqual(first.nonce, second.nonce);
    assert.equal(first.opaque, second.opaque);
  });

  it('lets a user with a valid digest through, Authorization header included, without Authentication-Info', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

    const response = await digestGet(junction.url('web'), '/', { user: 'test', password: 'test' });

    assert.equal(response.status, 200);
    assert.match(String(upstream.lastRequest.headers.authorization), /^Digest username="test"/);
    assert.equal(response.headers['authentication-info'], undefined);
  });

  it('answers Basic credentials 401', async (t) => {
    const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

    const response = await get(`${junction.url('web')}/`, { headers: { authorization: `Basic ${Buffer.from('test:test').toString('base64')}` } });

    assert.equal(response.status, 401);
    assert.match(String(response.headers['www-authenticate']), /^Digest /);
  });

  it('answers a wrong password 401 with a new challenge that is not stale', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

    const response = await digestGet(junction.url('web'), '/', { user: 'test', password: 'wrong' });

    assert.equal(response.status, 401);
    assert.equal(parseChallenge(response).stale, undefined);
    assert.equal(upstream.requests.length, 0);
  });

  it('accepts a wrong then a right answer to the same nonce, as Traefik\'s access-log test does', async (t) => {
    const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);
    const url = junction.url('web');
    const challenge = parseChallenge(await get(`${url}/`));

    const wrong = await get(`${url}/`, { headers: { authorization: authorization(challenge, { user: 'test', password: 'wrong', uri: '/' }) } });
    const right = await get(`${url}/`, { headers: { authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/' }) } });

    assert.equal(wrong.status, 401);
    assert.equal(right.status, 200);
  });

  it('refuses an unknown user whose answer uses an empty HA1, which go-http-auth would accept', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

    const response = await digestGet(junction.url('web'), '/', { user: 'nobody', password: '', ha1: '' });

    assert.equal(response.status, 401);
    assert.equal(upstream.requests.length, 0);
  });

  describe('nonce counts', () => {
    it('accepts increasing counts on one nonce, refuses a replayed count and marks a lower count stale', async (t) => {
      const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);
      const url = junction.url('web');
      const challenge = parseChallenge(await get(`${url}/`));
      const send = (nc: number): Promise<SimpleResponse> => get(`${url}/`, { headers: { authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/', nc }) } });

      const first = await send(1);
      const third = await send(3);
      const replay = await send(3);
      const late = await send(2);

      assert.deepEqual([first.status, third.status, replay.status, late.status], [200, 200, 401, 401]);
      assert.equal(parseChallenge(replay).stale, undefined);
      assert.equal(parseChallenge(late).stale, 'true');
      assert.match(String(late.headers['www-authenticate']), /, opaque="[^"]+", stale="true", algorithm="MD5", qop="auth"$/);
      assert.equal(upstream.requests.length, 2);
    });

    it('refuses a nonce it never handed out and a count that is not hexadecimal', async (t) => {
      const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);
      const url = junction.url('web');
      const challenge = parseChallenge(await get(`${url}/`));

      const forged = await get(`${url}/`, { headers: { authorization: authorization({ ...challenge, nonce: 'AAAAAAAAAAAAAAAA' }, { user: 'test', password: 'test', uri: '/' }) } });
      const badCount = await get(`${url}/`, { headers: { authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/', override: { nc: 'zz' } }) } });

      assert.equal(forged.status, 401);
      assert.equal(badCount.status, 401);
    });
  });

  describe('parameters', () => {
    for (const { description, override, status } of [
      { description: 'a missing algorithm, read as MD5', override: { algorithm: undefined }, status: 200 },
      { description: 'a quoted algorithm', override: { algorithm: '"MD5"' }, status: 200 },
      { description: 'another algorithm', override: { algorithm: 'SHA-256' }, status: 401 },
      { description: 'another qop', override: { qop: 'auth-int' }, status: 401 },
      { description: 'another opaque value', override: { opaque: '"AAAAAAAAAAAAAAAA"' }, status: 401 },
      { description: 'a lowercase scheme', override: {}, status: 401, scheme: 'digest' },
    ]) {
      it(`answers ${description} ${status}`, async (t) => {
        const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);
        const url = junction.url('web');
        const challenge = parseChallenge(await get(`${url}/`));
        let header = authorization(challenge, { user: 'test', password: 'test', uri: '/', override });
        if (description === 'a lowercase scheme') header = header.replace(/^Digest/, 'digest');

        const response = await get(`${url}/`, { headers: { authorization: header } });

        assert.equal(response.status, status);
      });
    }

    it('answers 500, as Traefik recovers from go-http-auth\'s panic, for a parameter with an empty value', async (t) => {
      const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

      const response = await get(`${junction.url('web')}/`, { headers: { authorization: 'Digest username=, nonce="x"' } });

      assert.equal(response.status, 500);
      assert.equal(upstream.requests.length, 0);
    });
  });

  describe('uri', () => {
    for (const { description, path, uri, status } of [
      { description: 'the request target with its query', path: '/a/b?x=1', uri: '/a/b?x=1', status: 200 },
      { description: 'the full URL, as Traefik\'s own test client sends', path: '/', uri: 'http://127.0.0.1/', status: 200 },
      { description: 'a path prefix of the request path', path: '/dir/file', uri: '/dir', status: 200 },
      { description: 'a longer path', path: '/dir', uri: '/dir/file', status: 401 },
      { description: 'another path', path: '/a', uri: '/b', status: 401 },
      { description: 'a path with a bad escape', path: '/a', uri: '/%zz', status: 401 },
    ]) {
      it(`answers a uri that is ${description} ${status}`, async (t) => {
        const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);

        const response = await digestGet(junction.url('web'), path, { user: 'test', password: 'test', uri });

        assert.equal(response.status, status);
      });
    }

    it('hashes the request method into the answer', async (t) => {
      const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}"]`), ['auth']);
      const url = junction.url('web');
      const challenge = parseChallenge(await get(`${url}/`));

      const asGet = await get(`${url}/`, { method: 'POST', body: 'x', headers: { authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/' }) } });
      const asPost = await get(`${url}/`, { method: 'POST', body: 'x', headers: { authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/', method: 'POST', nc: 2 }) } });

      assert.equal(asGet.status, 401);
      assert.equal(asPost.status, 200);
    });
  });

  it('names the configured realm in the challenge and only knows the users of that realm', async (t) => {
    const { junction } = await withMiddlewares(t, digestYaml(`users: ["${test}", "${testOtherRealm}"]\nrealm: traefiker`), ['auth']);

    const challenge = await get(`${junction.url('web')}/`);
    const otherRealmPassword = await digestGet(junction.url('web'), '/', { user: 'test', password: 'test' });
    const realmPassword = await digestGet(junction.url('web'), '/', { user: 'test', password: 'test2' });

    assert.match(String(challenge.headers['www-authenticate']), /^Digest realm="traefiker", /);
    assert.equal(otherRealmPassword.status, 401);
    assert.equal(realmPassword.status, 200);
  });

  it('puts the user name in headerField, replacing a value the client sent', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]\nheaderField: x-user`), ['auth']);
    const url = junction.url('web');
    const challenge = parseChallenge(await get(`${url}/`));

    const response = await get(`${url}/`, { headers: { 'X-User': 'admin', authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/' }) } });

    assert.equal(response.status, 200);
    const seen = upstream.lastRequest.rawHeaders.filter((_, index, all) => index % 2 === 1 && all[index - 1]!.toLowerCase() === 'x-user');
    assert.deepEqual(seen, ['test']);
  });

  it('removes the Authorization header before the upstream when removeHeader is set', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml(`users: ["${test}"]\nremoveHeader: true`), ['auth']);

    const response = await digestGet(junction.url('web'), '/', { user: 'test', password: 'test' });

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.headers.authorization, undefined);
  });

  it('accepts a configuration without users, as Traefik does, and refuses everyone', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, digestYaml('realm: traefik'), ['auth']);

    const response = await digestGet(junction.url('web'), '/', { user: 'test', password: 'test' });

    assert.equal(response.status, 401);
    assert.equal(upstream.requests.length, 0);
  });

  describe('usersFile', () => {
    const cases = [
      { description: 'finds the users in the file', file: `${test}\n${test2}\n`, users: [], realm: undefined, accepted: { test: 'test', test2: 'test2' } },
      { description: 'merges the users list with the file', file: `${test}\n`, users: [test2, test3], realm: undefined, accepted: { test: 'test', test2: 'test2', test3: 'test3' } },
      { description: 'gives the users list precedence over the file', file: `${test}\n${test2}\n`, users: [test2Overridden], realm: undefined, accepted: { test: 'test', test2: 'overridden' } },
      { description: 'authenticates the user of the configured realm', file: `${test}\n${testOtherRealm}\n`, users: [], realm: 'traefiker', accepted: { test: 'test2' } },
    ];
    for (const { description, file, users, realm, accepted } of cases) {
      it(description, async (t) => {
        const upstream = await startUpstream(t);
        const junction = await startJunction(t, { dynamic: 'http: {}' });
        const usersFile = join(junction.dir, 'users');
        await writeFile(usersFile, file);
        await junction.writeDynamic(digestConfig(upstream.url, `usersFile: ${JSON.stringify(usersFile)}\nusers: ${JSON.stringify(users)}${realm === undefined ? '' : `\nrealm: ${realm}`}`));
        await until(async () => (await get(`${junction.url('web')}/`)).status === 401);

        for (const [user, password] of Object.entries(accepted)) {
          const response = await digestGet(junction.url('web'), '/', { user, password });
          assert.deepEqual([user, response.status], [user, 200]);
        }
        const stranger = await digestGet(junction.url('web'), '/', { user: 'foo', password: 'foo' });
        assert.equal(stranger.status, 401);
      });
    }

    it('reports a malformed line with its line number', async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'junction-digest-auth-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, 'users'), `${test}\ntest:a2688e031edb4be6a3797f3882655c05\n`);
      const junction = await startJunction(t, { dynamic: digestConfig('http://127.0.0.1:9', `usersFile: ${JSON.stringify(join(dir, 'users'))}`) });

      await junction.waitForOutput(/digestAuth\.usersFile/);

      assert.match(junction.output(), new RegExp(`http\\.middlewares\\.auth\\.digestAuth\\.usersFile: line 2 of ${JSON.stringify(join(dir, 'users')).replaceAll('.', '\\.')}: expected "name:realm:hash", got "test:a2688e031edb4be6a3797f3882655c05"`));
    });
  });

  it('keeps its nonces across a reload that leaves the middleware unchanged', async (t) => {
    const upstream = await startUpstream(t);
    const options = `users: ["${test}"]`;
    const junction = await startJunction(t, { dynamic: digestConfig(upstream.url, options) });
    const url = junction.url('web');
    const challenge = parseChallenge(await get(`${url}/`));

    await junction.writeDynamic(digestConfig(upstream.url, options, '\n    other: { rule: "Host(`other.test`)", service: app }'));
    await until(async () => (await get(`${url}/`, { headers: { host: 'other.test' } })).status === 200);
    const response = await get(`${url}/`, { headers: { authorization: authorization(challenge, { user: 'test', password: 'test', uri: '/' }) } });

    assert.equal(response.status, 200);
  });

  it('takes an answer on one worker process to a challenge from another', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: digestConfig(upstream.url, `users: ["${test}"]`), args: ['--workers=2'] });

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await digestGet(junction.url('web'), '/', { user: 'test', password: 'test' })).status);

    assert.deepEqual(statuses, Array.from({ length: 12 }, () => 200));
  });
});

function digestConfig(upstreamUrl: string, options: string, extraRouters = ''): string {
  return `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", middlewares: [auth], service: app }${extraRouters}
  middlewares:
    auth:
      digestAuth:
${options.replace(/^/gm, '        ')}
  services:
    app: { loadBalancer: { servers: [{ url: "${upstreamUrl}" }] } }
`;
}
