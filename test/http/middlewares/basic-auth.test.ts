import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { withMiddlewares } from '../../support/middleware.js';
import { junctionBin, startJunction } from '../../support/junction.js';
import { startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

const run = promisify(execFile);

/** Hashes from Traefik's and go-http-auth's tests, with their passwords. */
const apr1Test = 'test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/';
const apr1Test2 = 'test2:$apr1$d9hr9HBB$4HxwgUir3HP4EsggP/QNo0';
const apr1Test2Overridden = 'test2:$apr1$mK.GtItK$ncnLYvNLek0weXdxo68690';
const apr1Test3 = 'test3:$apr1$3rJbDP0q$RfzJiorTk78jQ1EcKqWso0';

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

function basicAuthYaml(options: string): string {
  return `auth:\n  basicAuth:\n${options.replace(/^/gm, '    ')}`;
}

describe('basicAuth', () => {
  it('answers a request without credentials 401 with a Basic challenge for realm traefik and go-http-auth\'s body', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]`), ['auth']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 401);
    assert.equal(response.headers['www-authenticate'], 'Basic realm="traefik"');
    assert.equal(response.headers['content-type'], 'text/plain');
    assert.equal(response.headers['content-length'], '17');
    assert.equal(response.body, '401 Unauthorized\n');
    assert.equal(upstream.requests.length, 0);
  });

  it('lets a user with the right password through, Authorization header included', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]`), ['auth']);

    const response = await get(`${junction.url('web')}/`, { headers: basic('test', 'test') });

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.headers.authorization, basic('test', 'test').authorization);
  });

  it('answers a wrong password and an unknown user 401', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]`), ['auth']);

    const wrongPassword = await get(`${junction.url('web')}/`, { headers: basic('test', 'nope') });
    const unknownUser = await get(`${junction.url('web')}/`, { headers: basic('foo', 'foo') });

    assert.equal(wrongPassword.status, 401);
    assert.equal(unknownUser.status, 401);
    assert.equal(unknownUser.headers['www-authenticate'], 'Basic realm="traefik"');
    assert.equal(upstream.requests.length, 0);
  });

  it('never accepts a plain-text password, which Traefik reads as a broken MD5 hash', async (t) => {
    const { junction } = await withMiddlewares(t, basicAuthYaml('users: ["test:test"]'), ['auth']);

    const response = await get(`${junction.url('web')}/`, { headers: basic('test', 'test') });

    assert.equal(response.status, 401);
  });

  const schemes = [
    { scheme: 'SHA1 ({SHA})', user: 'sha:{SHA}qvTGHdzF6KLavt4PO0gs2a6pQ00=', password: 'hello' },
    { scheme: 'MD5-crypt ($apr1$)', user: 'apr:$apr1$JI4wh3am$AmhephVqLTUyAVpFQeHZC0', password: 'topsecret' },
    { scheme: 'MD5-crypt ($1$)', user: 'md5:$1$YeNsbWdH$wvOF8JdqsoiLix754LTW90', password: 'pass' },
    { scheme: 'bcrypt ($2y$)', user: 'bcy:$2y$05$ih3C91zUBSTFcAh2mQnZYuob0UOZVEf16wl/ukgjDhjvj.xgM1WwS', password: 'hello3' },
    { scheme: 'bcrypt ($2a$)', user: 'bca:$2a$04$.8sTYfcxbSplCtoxt5TdJOgpBYkarKtZYsYfYxQ1edbYRuO1DNi0e', password: 'test' },
    { scheme: 'bcrypt ($2b$)', user: 'bcb:$2b$04$hvFz2u2lWEBEHQVR2e10o.cvVwMcFG/umHFeo7VNI8JeD4ZlXgVxa', password: 'hello3' },
    { scheme: 'bcrypt ($2x$)', user: 'bcx:$2x$04$.8sTYfcxbSplCtoxt5TdJOgpBYkarKtZYsYfYxQ1edbYRuO1DNi0e', password: 'test' },
  ];
  it('checks SHA1, MD5-crypt and bcrypt hashes, answering 200 to the right password and 401 to a wrong one', async (t) => {
    const users = schemes.map(({ user }) => JSON.stringify(user)).join(', ');
    const { junction } = await withMiddlewares(t, basicAuthYaml(`users: [${users}]`), ['auth']);

    for (const { scheme, user, password } of schemes) {
      const name = user.slice(0, user.indexOf(':'));
      const right = await get(`${junction.url('web')}/`, { headers: basic(name, password) });
      const wrong = await get(`${junction.url('web')}/`, { headers: basic(name, `${password}x`) });
      assert.deepEqual([scheme, right.status, wrong.status], [scheme, 200, 401]);
    }
  });

  it('answers concurrent requests with the same bcrypt credentials', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${schemes[3]!.user}"]`), ['auth']);

    const responses = await Promise.all(Array.from({ length: 5 }, () => get(`${junction.url('web')}/`, { headers: basic('bcy', 'hello3') })));

    assert.deepEqual(responses.map((response) => response.status), [200, 200, 200, 200, 200]);
    assert.equal(upstream.requests.length, 5);
  });

  it('names the configured realm in the challenge', async (t) => {
    const { junction } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]\nrealm: "my realm"`), ['auth']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.headers['www-authenticate'], 'Basic realm="my realm"');
  });

  it('removes the Authorization header before the upstream when removeHeader is set', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]\nremoveHeader: true`), ['auth']);

    const response = await get(`${junction.url('web')}/`, { headers: basic('test', 'test') });

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.headers.authorization, undefined);
  });

  it('puts the user name in headerField, replacing a value the client sent', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]\nheaderField: x-user`), ['auth']);

    await get(`${junction.url('web')}/`, { headers: { ...basic('test', 'test'), 'X-User': 'admin' } });

    const seen = upstream.lastRequest.rawHeaders.filter((_, index, all) => index % 2 === 1 && all[index - 1]!.toLowerCase() === 'x-user');
    assert.deepEqual(seen, ['test']);
  });

  it('does not set headerField for a refused request', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]\nheaderField: X-WebAuth-User`), ['auth']);

    const response = await get(`${junction.url('web')}/`, { headers: basic('test', 'wrong') });

    assert.equal(response.status, 401);
    assert.equal(upstream.requests.length, 0);
  });

  it('reads the scheme case-insensitively and splits user and password at the first colon', async (t) => {
    const withColon = `colon:{SHA}${createHash('sha1').update('pa:ss').digest('base64')}`;
    const { junction } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}", "${withColon}"]`), ['auth']);

    const lowercase = await get(`${junction.url('web')}/`, { headers: { authorization: `basic ${Buffer.from('test:test').toString('base64')}` } });
    const colon = await get(`${junction.url('web')}/`, { headers: basic('colon', 'pa:ss') });

    assert.equal(lowercase.status, 200);
    assert.equal(colon.status, 200);
  });

  for (const { description, header } of [
    { description: 'another scheme', header: 'Digest blabla ololo' },
    { description: 'characters outside base64', header: 'Basic !@#' },
    { description: 'base64 without its padding', header: `Basic ${Buffer.from('test2:test2').toString('base64').replace(/=+$/, '')}` },
    { description: 'credentials without a colon', header: `Basic ${Buffer.from('testtest').toString('base64')}` },
    { description: 'two spaces after the scheme', header: `Basic  ${Buffer.from('test:test').toString('base64')}` },
  ]) {
    it(`answers an Authorization header with ${description} 401`, async (t) => {
      const { junction, upstream } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}", "${apr1Test2}"]`), ['auth']);

      const response = await get(`${junction.url('web')}/`, { headers: { authorization: header } });

      assert.equal(response.status, 401);
      assert.equal(upstream.requests.length, 0);
    });
  }

  it('answers HEAD 401 without a body', async (t) => {
    const { junction } = await withMiddlewares(t, basicAuthYaml(`users: ["${apr1Test}"]`), ['auth']);

    const response = await get(`${junction.url('web')}/`, { method: 'HEAD' });

    assert.equal(response.status, 401);
    assert.equal(response.body, '');
    assert.equal(response.headers['content-length'], '17');
  });

  describe('usersFile', () => {
    const cases = [
      { description: 'finds the users in the file', file: `${apr1Test}\n${apr1Test2}\n`, users: [], accepted: { test: 'test', test2: 'test2' } },
      { description: 'merges the users list with the file', file: `${apr1Test}\n`, users: [apr1Test2, apr1Test3], accepted: { test: 'test', test2: 'test2', test3: 'test3' } },
      { description: 'gives the users list precedence over the file', file: `${apr1Test}\n${apr1Test2}\n`, users: [apr1Test2Overridden], accepted: { test: 'test', test2: 'overridden' } },
      { description: 'skips comments, blank lines and surrounding spaces', file: `#Comment\n\n  ${apr1Test}  \r\n${apr1Test2}\n`, users: [], accepted: { test: 'test', test2: 'test2' } },
    ];
    for (const { description, file, users, accepted } of cases) {
      it(description, async (t) => {
        const upstream = await startUpstream(t);
        const junction = await startJunction(t, { dynamic: 'http: {}' });
        const usersFile = join(junction.dir, 'users');
        await writeFile(usersFile, file);
        await junction.writeDynamic(authConfig(upstream.url, { usersFile, users }));
        await until(async () => (await get(`${junction.url('web')}/`)).status === 401);

        for (const [user, password] of Object.entries(accepted)) {
          const response = await get(`${junction.url('web')}/`, { headers: basic(user, password) });
          assert.deepEqual([user, response.status], [user, 200]);
        }
        const stranger = await get(`${junction.url('web')}/`, { headers: basic('foo', 'foo') });
        assert.equal(stranger.status, 401);
      });
    }

    it('reports a malformed line of usersFile, read relative to the working directory, with its line number', async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'junction-basic-auth-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      await writeFile(join(dir, 'users'), `${apr1Test}\n\n# comment\nbroken-line\n`);
      await writeFile(join(dir, 'dynamic.yml'), authConfig('http://127.0.0.1:9', { usersFile: 'users', users: [] }));

      const output = await check(dir);

      assert.equal(
        output,
        [
          'http.middlewares.auth.basicAuth.usersFile: line 4 of "users": expected "name:hash", got "broken-line" (dynamic.yml:8:20)',
          'http.routers.app.middlewares[0]: middleware "auth@file" is invalid: line 4 of "users": expected "name:hash", got "broken-line" (dynamic.yml:4:51)',
        ].join('\n'),
      );
    });
  });
});

/** Runs `junction check` in `dir` on its dynamic.yml; returns the reported faults, paths relative to `dir`. */
async function check(dir: string): Promise<string> {
  const { stdout } = await run(process.execPath, [junctionBin, 'check', '--entryPoints.web.address=:0', `--providers.file.filename=${join(dir, 'dynamic.yml')}`], { cwd: dir }).catch((error: { stdout: string }) => error);
  return stdout.split('\n').filter((line) => line.startsWith('http.')).join('\n').replaceAll(`${dir}/`, '');
}

function authConfig(upstreamUrl: string, { usersFile, users }: { usersFile: string | undefined; users: readonly string[] }): string {
  return `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", middlewares: [auth], service: app }
  middlewares:
    auth:
      basicAuth:
        ${usersFile === undefined ? '' : `usersFile: ${JSON.stringify(usersFile)}`}
        users: ${JSON.stringify(users)}
  services:
    app: { loadBalancer: { servers: [{ url: "${upstreamUrl}" }] } }
`;
}
