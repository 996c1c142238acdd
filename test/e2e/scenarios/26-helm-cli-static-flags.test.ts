import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { scenarioProvider, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '26-helm-cli-static-flags';
const host = 'who.qikqiak.com';
const entryPoints = ['metrics', 'traefik', 'web', 'websecure'];

/**
 * The arguments the seed's Helm chart renders, ports replaced by placeholders; names in both cases and
 * booleans without a value, as the seed writes them. File mode reads the routes with the file provider; in
 * Kubernetes mode the seed's own CRD provider flags stay (its Ingress provider flags are the Ingress
 * scenarios' concern).
 */
const helmFlags = [
  '--global.checknewversion',
  '--global.sendanonymoususage',
  '--entryPoints.metrics.address=:{{PORT_metrics}}/tcp',
  '--entryPoints.traefik.address=:{{PORT_traefik}}/tcp',
  '--entrypoints.web.address=:{{PORT_web}}/tcp',
  '--entryPoints.websecure.address=:{{PORT_websecure}}/tcp',
  '--api.dashboard=true',
  '--ping',
  '--metrics.prometheus=true',
  '--metrics.prometheus.entrypoint=metrics',
  ...(scenarioProvider === 'file'
    ? ['--providers.file.filename={{DYNAMIC_FILE}}']
    : ['--providers.kubernetescrd', '--providers.kubernetescrd.allowExternalNameServices=true']),
  '--log.level=DEBUG',
  '--accesslog=true',
  '--accesslog.fields.defaultmode=keep',
  '--accesslog.fields.headers.defaultmode=drop',
];

/** Whether a UDP datagram to the port is refused (nothing listens there on UDP). */
function isUdpRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const finish = (refused: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(refused);
    };
    const timer = setTimeout(() => finish(false), 2000);
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED'));
    socket.connect(port, '127.0.0.1', () => socket.send('ping'));
  });
}

function isTcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

for (const source of ['static.yaml', 'the Helm chart\'s flags'] as const) {
  describe(`scenario 26: static configuration from ${source}`, () => {
    let run: ScenarioRun;
    before(async () => {
      run = await startScenario(undefined, scenario, source === 'static.yaml' ? {} : { flags: helmFlags });
    });
    after(() => run?.close());

    it('steps 1-2: starts without errors, every entryPoint listening on TCP and none on UDP', async () => {
      assert.doesNotMatch(run.junction.output(), / (ERR|FTL) /);
      for (const name of entryPoints) {
        assert.equal(await isTcpOpen(run.junction.ports[name]!), true, name);
        assert.equal(await isUdpRefused(run.junction.ports[name]!), true, name);
      }
    });

    it('step 3: answers GET and HEAD /ping on traefik with 200 OK', async () => {
      const ping = await get(`${run.junction.url('traefik')}/ping`);
      assert.equal(ping.status, 200);
      assert.equal(ping.body, 'OK');
      assert.equal((await get(`${run.junction.url('traefik')}/ping`, { method: 'HEAD' })).status, 200);
    });

    it('step 4: serves Prometheus metrics on metrics only, counting the requests to web', async () => {
      assert.equal((await run.send('web', '/', { host })).status, 200);
      const text = await until(async () => {
        const response = await get(`${run.junction.url('metrics')}/metrics`);
        return response.status === 200 && /^traefik_entrypoint_requests_total\{[^}]*entrypoint="web"/m.test(response.body) ? response.body : undefined;
      }, { message: 'traefik_entrypoint_requests_total for web' });
      assert.match(text, /^# TYPE traefik_entrypoint_requests_total counter$/m);
      assert.equal((await get(`${run.junction.url('traefik')}/metrics`)).status, 404);
      assert.equal((await run.send('web', '/metrics', { host: 'other.example' })).status, 404);
    });

    it('step 5: without api.insecure nor a router to api@internal, the dashboard and the API answer 404 everywhere', async () => {
      for (const name of entryPoints) {
        for (const path of ['/dashboard/', '/api/rawdata', '/api/http/routers']) {
          assert.equal((await get(`${run.junction.url(name)}${path}`)).status, 404, `${name} ${path}`);
        }
      }
    });

    it('step 6: routes who.qikqiak.com to whoami, writes an access-log line and debug lines', async () => {
      const from = run.junction.output().length;
      const response = await run.send('web', '/step6', { host });

      assert.equal(response.status, 200);
      assert.equal(response.echo.hostname, 'whoami');
      await run.junction.waitForOutput(/"GET \/step6 HTTP\/1\.1" 200 /, { from });
      assert.match(run.junction.output(), / DBG /);
    });
  });
}
