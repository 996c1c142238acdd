import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { get } from '../support/http.js';
import { junctionBin, startJunction } from '../support/junction.js';
import { until } from '../support/until.js';

const run = promisify(execFile);

/** Runs `junction healthcheck` with a static file; resolves with its exit code and output. */
async function healthcheck(staticFile: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [junctionBin, 'healthcheck', `--configFile=${staticFile}`]);
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout };
  }
}

const pingStatic = (ping: string, traefikExtra = ''): string => `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"${traefikExtra}
ping:${ping}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

describe('ping', () => {
  it('answers 200 OK on /ping of entryPoint traefik, for GET and HEAD', async (t) => {
    const junction = await startJunction(t, { static: pingStatic(' {}'), dynamic: 'http: {}\n' });

    const response = await get(`${junction.url('traefik')}/ping`);
    assert.equal(response.status, 200);
    assert.equal(response.body, 'OK');
    assert.equal((await get(`${junction.url('traefik')}/ping`, { method: 'HEAD' })).status, 200);
    assert.equal((await get(`${junction.url('web')}/ping`)).status, 404);
  });

  it('with manualRouting, serves ping@internal only through a router of the user', async (t) => {
    const junction = await startJunction(t, {
      static: pingStatic('\n  manualRouting: true'),
      dynamic: `
http:
  routers:
    health:
      rule: "Path(\`/healthz\`)"
      service: ping@internal
`,
    });

    assert.equal((await get(`${junction.url('traefik')}/ping`)).status, 404);
    const response = await get(`${junction.url('web')}/healthz`);
    assert.equal(response.status, 200);
    assert.equal(response.body, 'OK');
  });

  it('answers terminatingStatusCode while shutting down', async (t) => {
    const junction = await startJunction(t, {
      static: pingStatic('\n  terminatingStatusCode: 500', '\n    transport:\n      lifeCycle:\n        requestAcceptGraceTimeout: 10s'),
      dynamic: 'http: {}\n',
    });

    junction.process.kill('SIGTERM');

    const response = await until(async () => {
      const answer = await get(`${junction.url('traefik')}/ping`);
      return answer.status === 500 ? answer : undefined;
    }, { message: 'ping answering 500 during shutdown' });
    assert.equal(response.body, 'Internal Server Error');
  });
});

describe('junction healthcheck', () => {
  it('exits 0 and prints OK with the URL when ping answers 200', async (t) => {
    const junction = await startJunction(t, { static: pingStatic(' {}'), dynamic: 'http: {}\n' });

    const result = await healthcheck(join(junction.dir, 'static.yml'));

    assert.equal(result.code, 0);
    assert.equal(result.stdout, `OK: http://127.0.0.1:${junction.ports.traefik}/ping\n`);
  });

  it('exits 1 when ping is not enabled', async (t) => {
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: 'http: {}\n',
    });

    const result = await healthcheck(join(junction.dir, 'static.yml'));

    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'Error calling healthcheck: please enable `ping` to use health check\n');
  });

  it('exits 1 when nothing answers on the ping entryPoint', async (t) => {
    const junction = await startJunction(t, { static: pingStatic(' {}'), dynamic: 'http: {}\n' });
    await junction.stop();

    const result = await healthcheck(join(junction.dir, 'static.yml'));

    assert.equal(result.code, 1);
    assert.match(result.stdout, /^Error calling healthcheck: Head "http:\/\/127\.0\.0\.1:\d+\/ping": connect ECONNREFUSED/);
  });
});
