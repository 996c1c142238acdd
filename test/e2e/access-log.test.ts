import assert from 'node:assert/strict';
import { readFile, rename } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

/** Starts Junction with an access log written to a file, routing `/app` to an upstream. */
async function startWithAccessLog(t: TestContext, accessLog: string, upstream: Upstream, extraDynamic = ''): Promise<{ junction: JunctionProcess; logFile: string }> {
  const junction = await startJunction(t, {
    static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
accessLog:
  filePath: "{{DATA_DIR}}/logs/access.log"
${accessLog}
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
${extraDynamic}
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`,
  });
  return { junction, logFile: join(junction.dir, 'logs', 'access.log') };
}

async function readLines(file: string, count: number): Promise<string[]> {
  return until(async () => {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
    return lines.length >= count ? lines : undefined;
  }, { message: `${count} access log lines in ${file}` });
}

describe('access log', () => {
  it('writes the common format: client, time, request line, status, size, referer, agent, count, router, server URL, duration', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => response.end('hello') });
    const { junction, logFile } = await startWithAccessLog(t, '  fields:\n    headers:\n      defaultMode: keep', upstream);

    await get(`${junction.url('web')}/app/a?q=1`, { headers: { 'user-agent': 'tester/1.0', referer: 'http://ref.example/' } });
    await get(`${junction.url('web')}/nowhere`);

    const [first, second] = await readLines(logFile, 2);
    assert.match(
      first!,
      /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/app\/a\?q=1 HTTP\/1\.1" 200 5 "http:\/\/ref\.example\/" "tester\/1\.0" 1 "app@file" "http:\/\/127\.0\.0\.1:\d+" \d+ms$/,
    );
    assert.ok(first!.includes(`"${upstream.url}"`));
    assert.match(second!, /"GET \/nowhere HTTP\/1\.1" 404 19 "-" "-" 2 "-" "-" \d+ms$/);
  });

  it('shows "-" for the referer and user agent by default, since headers are dropped unless kept', async (t) => {
    const upstream = await startUpstream(t);
    const { junction, logFile } = await startWithAccessLog(t, '', upstream);

    await get(`${junction.url('web')}/app`, { headers: { 'user-agent': 'tester/1.0', referer: 'http://ref.example/' } });

    const [line] = await readLines(logFile, 1);
    assert.match(line!, /" 200 \d+ "-" "-" 1 "app@file" /);
  });

  it('writes the genericCLF format without Traefik\'s additions', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => response.end('hi') });
    const { junction, logFile } = await startWithAccessLog(t, '  format: genericCLF\n  fields:\n    headers:\n      defaultMode: keep', upstream);

    await get(`${junction.url('web')}/app`, { headers: { 'user-agent': 'tester/1.0' } });

    const [line] = await readLines(logFile, 1);
    assert.match(line!, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/app HTTP\/1\.1" 200 2 "-" "tester\/1\.0"$/);
  });

  it('writes JSON with Traefik\'s field names and types, keys sorted', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => response.end('hello') });
    const { junction, logFile } = await startWithAccessLog(t, '  format: json', upstream);

    await get(`${junction.url('web')}/app/x?y=2`, { headers: { 'user-agent': 'tester/1.0' } });

    const [line] = await readLines(logFile, 1);
    const entry = JSON.parse(line!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry), Object.keys(entry).sort());
    assert.equal(entry.ClientHost, '127.0.0.1');
    assert.equal(entry.RequestMethod, 'GET');
    assert.equal(entry.RequestPath, '/app/x?y=2');
    assert.equal(entry.RequestProtocol, 'HTTP/1.1');
    assert.equal(entry.RequestScheme, 'http');
    assert.equal(entry.DownstreamStatus, 200);
    assert.equal(entry.DownstreamContentSize, 5);
    assert.equal(entry.OriginStatus, 200);
    assert.equal(entry.OriginContentSize, 5);
    assert.equal(entry.RouterName, 'app@file');
    assert.equal(entry.ServiceName, 'app@file');
    assert.equal(entry.ServiceURL, upstream.url);
    assert.equal(entry.ServiceAddr, new URL(upstream.url).host);
    assert.equal(entry.entryPointName, 'web');
    assert.equal(entry.RetryAttempts, 0);
    assert.equal(entry.RequestCount, 1);
    assert.equal(typeof entry.Duration, 'number');
    assert.equal(typeof entry.OriginDuration, 'number');
    assert.equal(typeof entry.Overhead, 'number');
    assert.match(String(entry.StartUTC), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.equal(entry.level, 'info');
    assert.equal(entry.msg, '');
    assert.equal(Object.keys(entry).some((key) => key.startsWith('request_')), false);
  });

  it('keeps, drops and redacts fields and headers by name', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.setHeader('X-Secret', 'upstream-secret');
        response.end('ok');
      },
    });
    const { junction, logFile } = await startWithAccessLog(
      t,
      `  format: json
  fields:
    defaultMode: drop
    names:
      RequestPath: keep
      DownstreamStatus: keep
    headers:
      defaultMode: keep
      names:
        Authorization: redact
        x-dropped: drop`,
      upstream,
    );

    await get(`${junction.url('web')}/app`, { headers: { authorization: 'Bearer token', 'x-dropped': 'gone', 'user-agent': 'tester/1.0' } });

    const [line] = await readLines(logFile, 1);
    const entry = JSON.parse(line!) as Record<string, unknown>;
    assert.equal(entry.RequestPath, '/app');
    assert.equal(entry.DownstreamStatus, 200);
    assert.equal(entry.ClientHost, undefined);
    assert.equal(entry.RouterName, undefined);
    assert.equal(entry['request_Authorization'], 'REDACTED');
    assert.equal(entry['request_X-Dropped'], undefined);
    assert.equal(entry['request_User-Agent'], 'tester/1.0');
    assert.equal(entry['origin_X-Secret'], 'upstream-secret');
    assert.equal(entry['downstream_X-Secret'], 'upstream-secret');
  });

  it('drops query parameters when fields.queryParameters.defaultMode is drop', async (t) => {
    const upstream = await startUpstream(t);
    const { junction, logFile } = await startWithAccessLog(t, '  fields:\n    queryParameters:\n      defaultMode: drop', upstream);

    await get(`${junction.url('web')}/app/a?token=secret`);

    const [line] = await readLines(logFile, 1);
    assert.match(line!, /"GET \/app\/a HTTP\/1\.1" 200 /);
  });

  it('keeps only the lines a filter matches: status code ranges', async (t) => {
    const upstream = await startUpstream(t);
    const { junction, logFile } = await startWithAccessLog(t, '  filters:\n    statusCodes: ["400-499"]', upstream);

    await get(`${junction.url('web')}/app`);
    await get(`${junction.url('web')}/missing-1`);
    await get(`${junction.url('web')}/app`);
    await get(`${junction.url('web')}/missing-2`);

    const lines = await readLines(logFile, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const all = (await readFile(logFile, 'utf8')).split('\n').filter((entry) => entry !== '');
    assert.equal(all.length, 2);
    assert.match(lines[0]!, /GET \/missing-1 /);
    assert.match(lines[1]!, /GET \/missing-2 /);
  });

  it('keeps only slow requests with filters.minDuration', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (request, response) => {
        if (request.url === '/app/slow') setTimeout(() => response.end('slow'), 300);
        else response.end('fast');
      },
    });
    const { junction, logFile } = await startWithAccessLog(t, '  filters:\n    minDuration: 200ms', upstream);

    await get(`${junction.url('web')}/app/fast`);
    await get(`${junction.url('web')}/app/slow`);

    const [line] = await readLines(logFile, 1);
    assert.match(line!, /GET \/app\/slow /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await readFile(logFile, 'utf8')).split('\n').filter((entry) => entry !== '').length, 1);
  });

  it('keeps only retried requests with filters.retryAttempts, and logs their RetryAttempts', async (t) => {
    let calls = 0;
    const upstream = await startUpstream(t, {
      handler: (request, response) => {
        if (request.url === '/app/flaky' && calls++ === 0) {
          response.statusCode = 503;
          response.end('busy');
        } else response.end('ok');
      },
    });
    const { junction, logFile } = await startWithAccessLog(t, '  format: json\n  filters:\n    retryAttempts: true', upstream, `
      middlewares: [retry]
  middlewares:
    retry:
      retry:
        attempts: 3
        status: ["503"]`);

    await get(`${junction.url('web')}/app/plain`);
    const response = await get(`${junction.url('web')}/app/flaky`);
    assert.equal(response.status, 200);

    const [line] = await readLines(logFile, 1);
    const entry = JSON.parse(line!) as Record<string, unknown>;
    assert.equal(entry.RequestPath, '/app/flaky');
    assert.equal(entry.RetryAttempts, 1);
  });

  it('logs 499 for a client that hung up before the answer', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('late'), 1500) });
    const { junction, logFile } = await startWithAccessLog(t, '', upstream);

    await new Promise<void>((resolve) => {
      const client = request(`${junction.url('web')}/app/slow`);
      client.on('error', () => resolve());
      client.end();
      setTimeout(() => {
        client.destroy();
        resolve();
      }, 300);
    });

    const [line] = await readLines(logFile, 1);
    assert.match(line!, /"GET \/app\/slow HTTP\/1\.1" 499 /);
  });

  it('reopens the file on SIGUSR1 after a rotation, losing no line', async (t) => {
    const upstream = await startUpstream(t);
    const { junction, logFile } = await startWithAccessLog(t, '', upstream);

    await get(`${junction.url('web')}/app/before`);
    await readLines(logFile, 1);
    await rename(logFile, `${logFile}.1`);
    await get(`${junction.url('web')}/app/between`);
    const from = junction.output().length;
    junction.process.kill('SIGUSR1');
    await junction.waitForOutput(/reopening the access log/, { from });
    await get(`${junction.url('web')}/app/after`);

    const [after] = await readLines(logFile, 1);
    assert.match(after!, /GET \/app\/after /);
    const rotated = await readLines(`${logFile}.1`, 2);
    assert.match(rotated[0]!, /GET \/app\/before /);
    assert.match(rotated[1]!, /GET \/app\/between /);
  });

  it('names the user basicAuth saw, whether or not it got in', async (t) => {
    const upstream = await startUpstream(t);
    const { junction, logFile } = await startWithAccessLog(t, '', upstream, `
      middlewares: [auth]
  middlewares:
    auth:
      basicAuth:
        users: ["test:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"]`);

    const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    assert.equal((await get(`${junction.url('web')}/app`, { headers: { authorization: basic('test', 'test') } })).status, 200);
    assert.equal((await get(`${junction.url('web')}/app`, { headers: { authorization: basic('mallory', 'x') } })).status, 401);

    const [admitted, refused] = await readLines(logFile, 2);
    assert.match(admitted!, /^127\.0\.0\.1 - test \[/);
    assert.match(refused!, /^127\.0\.0\.1 - mallory \[.* 401 /);
  });

  it('leaves out routers whose observability turns access logs off', async (t) => {
    const upstream = await startUpstream(t);
    const { junction, logFile } = await startWithAccessLog(t, '', upstream, `
    quiet:
      rule: "PathPrefix(\`/quiet\`)"
      service: app
      observability:
        accessLogs: false`);

    await get(`${junction.url('web')}/quiet`);
    await get(`${junction.url('web')}/app`);

    const [line] = await readLines(logFile, 1);
    assert.match(line!, /GET \/app /);
  });
});
