import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../support/http.js';
import { junctionBin, startJunction } from '../support/junction.js';
import { freePort } from '../support/ports.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

interface Run {
  output(): string;
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs the built command with exactly these arguments and environment, in a fresh directory. */
async function runJunction(t: TestContext, args: readonly string[], env: Record<string, string> = {}): Promise<Run & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-cli-'));
  const child = spawn(process.execPath, [junctionBin, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, output: () => output, exited, kill: (signal = 'SIGTERM') => void child.kill(signal) };
}

function slowRequest(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { headers: { host }, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('the junction command', () => {
  it('serves /ping on :8080 with the built-in configuration when nothing is configured', async (t) => {
    const run = await runJunction(t, []);

    const ping = await until(async () => get('http://127.0.0.1:8080/ping').catch(() => undefined), { message: 'ping on :8080' });
    const web = await get('http://127.0.0.1:8000/');

    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'OK');
    assert.equal(web.status, 404);
    run.kill();
    assert.equal(await run.exited, 0);
  });

  it('takes its configuration from flags when no file is found', async (t) => {
    const upstream = await startUpstream(t, { name: 'flagged' });
    const port = await freePort();
    const dynamic = join(await mkdtemp(join(tmpdir(), 'junction-dyn-')), 'routes.toml');
    await writeFile(dynamic, `[http.routers.app]\nrule = "Host(\`flags.test\`)"\nservice = "app"\n[http.services.app.loadBalancer]\n[[http.services.app.loadBalancer.servers]]\nurl = "${upstream.url}"\n`);
    await runJunction(t, [`--entryPoints.web.address=127.0.0.1:${port}/tcp`, `--PROVIDERS.FILE.FILENAME=${dynamic}`, '--log.level=DEBUG']);

    const response = await until(async () => (await get(`http://127.0.0.1:${port}/`, { headers: { host: 'flags.test' } }).catch(() => undefined))?.status === 200);

    assert.ok(response);
    assert.equal(upstream.requests.length >= 1, true);
  });

  it('reads one file as both configurations when providers.file names the static file, as Traefik\'s examples do', async (t) => {
    const upstream = await startUpstream(t, { name: 'self' });
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'junction-self-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'traefik.toml');
    await writeFile(file, [
      '[entryPoints.web]', `address = "127.0.0.1:${port}"`,
      '[providers.file]', `filename = ${JSON.stringify(file)}`,
      '[http.routers.app]', 'rule = "Host(`self.test`)"', 'service = "app"',
      '[[http.services.app.loadBalancer.servers]]', `url = "${upstream.url}"`,
    ].join('\n'));
    const run = await runJunction(t, [`--configFile=${file}`]);

    const response = await until(async () => (await get(`http://127.0.0.1:${port}/`, { headers: { host: 'self.test' } }).catch(() => undefined))?.status === 200);

    assert.ok(response);
    assert.doesNotMatch(run.output(), /WRN|ERR/);
  });

  it('takes its configuration from TRAEFIK_ environment variables', async (t) => {
    const port = await freePort();
    await runJunction(t, [], { TRAEFIK_ENTRYPOINTS_PROBE_ADDRESS: `127.0.0.1:${port}`, TRAEFIK_PING: 'true', TRAEFIK_PING_ENTRYPOINT: 'probe' });

    const ping = await until(async () => get(`http://127.0.0.1:${port}/ping`).catch(() => undefined));

    assert.equal(ping.body, 'OK');
  });

  it('exits 1 and names the path of a static configuration fault', async (t) => {
    const run = await runJunction(t, ['--entryPoints.web.address=:80800', '--entryPoints.web.asDefualt=true']);

    assert.equal(await run.exited, 1);
    assert.match(run.output(), /entryPoints\.web\.address: port "80800" is out of range 1-65535/);
    assert.match(run.output(), /entryPoints\.web\.asDefualt.*did you mean "asDefault"/);
  });

  it('checks a configuration without serving: exit 0 when valid, 1 with every fault and its path otherwise', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-check-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'traefik.yml'), `entryPoints:\n  web:\n    address: ":8081"\nproviders:\n  file:\n    filename: ${join(dir, 'dynamic.yml')}\n`);
    await writeFile(join(dir, 'dynamic.yml'), 'http:\n  routers:\n    ok:\n      rule: "Host(`ok.test`)"\n      service: noop@internal\n');
    const valid = await runJunction(t, ['check', `--configFile=${join(dir, 'traefik.yml')}`]);
    assert.equal(await valid.exited, 0);
    assert.match(valid.output(), /configuration is valid; 1 router\(s\) would serve/);

    await writeFile(join(dir, 'dynamic.yml'), 'http:\n  routers:\n    ok:\n      rule: "Host(`ok.test`)"\n      service: noop@internal\n    api:\n      rule: "Hots(`api.test`)"\n      service: missing\n');
    const invalid = await runJunction(t, ['check', `--configFile=${join(dir, 'traefik.yml')}`]);
    assert.equal(await invalid.exited, 1);
    assert.match(invalid.output(), /http\.routers\.api\.rule: unknown matcher "Hots" at col 1; did you mean "Host"\?/);
    assert.match(invalid.output(), /1 router\(s\) would serve/);
  });

  it('keeps serving the valid routers when others are broken, and never exits on a dynamic fault', async (t) => {
    const upstream = await startUpstream(t, { name: 'healthy' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    good: { rule: "Host(\`good.test\`)", service: app }
    bad-rule: { rule: "Host(\`bad.test\`) &&", service: app }
    bad-service: { rule: "Host(\`bad2.test\`)", service: nowhere }
    bad-middleware: { rule: "Host(\`bad3.test\`)", service: app, middlewares: [nothing] }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'good.test' } })).status, 200);
    for (const host of ['bad.test', 'bad2.test', 'bad3.test']) assert.equal((await get(`${junction.url('web')}/`, { headers: { host } })).status, 404);
    const output = junction.output();
    assert.match(output, /http\.routers\.bad-rule\.rule: /);
    assert.match(output, /http\.routers\.bad-service\.service: service "nowhere@file" does not exist/);
    assert.match(output, /http\.routers\.bad-middleware\.middlewares\[0\]: middleware "nothing@file" does not exist/);
    assert.equal(junction.process.exitCode, null);
  });

  it('lets in-flight requests finish on SIGTERM, then exits 0', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('finished'), 500) });
    const junction = await startJunction(t, {
      dynamic: `http:\n  routers:\n    slow: { rule: "PathPrefix(\`/\`)", service: slow }\n  services:\n    slow: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }\n`,
    });

    const inFlight = slowRequest(`${junction.url('web')}/`, 'slow.test');
    await until(() => upstream.requests.length === 1);
    const exitCode = junction.stop('SIGTERM');

    assert.deepEqual(await inFlight, { status: 200, body: 'finished' });
    assert.equal(await exitCode, 0);
  });

  it('gives up on requests still running after graceTimeOut', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('too late'), 10_000) });
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    transport:
      lifeCycle:
        graceTimeOut: 500ms
providers:
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `http:\n  routers:\n    slow: { rule: "PathPrefix(\`/\`)", service: slow }\n  services:\n    slow: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }\n`,
    });

    const inFlight = slowRequest(`${junction.url('web')}/`, 'slow.test').catch((error: Error) => error.message);
    await until(() => upstream.requests.length === 1);
    const started = Date.now();
    const exitCode = await junction.stop('SIGTERM');

    assert.equal(exitCode, 0);
    assert.ok(Date.now() - started < 3000);
    assert.match(String(await inFlight), /socket hang up|ECONNRESET/);
  });

  it('answers ping with terminatingStatusCode while requestAcceptGraceTimeout runs', async (t) => {
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    transport:
      lifeCycle:
        requestAcceptGraceTimeout: 2s
ping:
  entryPoint: web
  terminatingStatusCode: 418
providers:
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: 'http: {}',
    });

    assert.equal((await get(`${junction.url('web')}/ping`)).status, 200);
    const exitCode = junction.stop('SIGTERM');
    await until(async () => (await get(`${junction.url('web')}/ping`)).status === 418);
    assert.equal(await exitCode, 0);
  });

  it('writes JSON logs to log.filePath', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-log-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const logFile = join(dir, 'junction.log');
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
log:
  level: INFO
  format: json
  filePath: "${logFile}"
`,
      waitReady: false,
    });

    const line = await until(async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').find((text) => text.includes('configuration applied')));
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.equal(entry.level, 'info');
    assert.equal(typeof entry.time, 'string');
    await junction.stop();
  });
});
