import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

describe("scenario 46: seed 004's IngressRoutes, host routing and a custom request header", () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '46-seed004-host-routing-request-header');
  });
  after(() => run?.close());

  it('answers whoami.example.com/x from whoami; the backend sees X-Added-By-Middleware: traefik, the client does not', async () => {
    const response = await run.send('http', '/x', { host: 'whoami.example.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'whoami');
    assert.equal(response.echo.header('X-Added-By-Middleware'), 'traefik');
    assert.equal(response.headers['x-added-by-middleware'], undefined);
  });

  it('answers whoami2.example.com from whoami2, without X-Added-By-Middleware', async () => {
    const response = await run.send('http', '/x', { host: 'whoami2.example.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'whoami2');
    assert.equal(response.echo.header('X-Added-By-Middleware'), undefined);
    assert.equal(response.headers['x-added-by-middleware'], undefined);
  });

  it('replaces a client-sent X-Added-By-Middleware: other on whoami.example.com: the backend sees only traefik', async () => {
    const response = await run.send('http', '/x', { host: 'whoami.example.com', headers: { 'X-Added-By-Middleware': 'other' } });

    assert.equal(response.status, 200);
    assert.deepEqual(response.echo.values('X-Added-By-Middleware'), ['traefik']);
  });

  // README step 4 expects 200 on the traefik entry point too. Traefik never counts the entry point named traefik
  // among the default entry points of routers without entryPoints (cmd/traefik getDefaultsEntrypoints, traefik/traefik
  // PR 6477), and the scenarios follow Traefik's behaviour, so the requests to traefik are expected to answer 404.
  for (const { host, backend } of [
    { host: 'whoami.example.com', backend: 'whoami' },
    { host: 'whoami2.example.com', backend: 'whoami2' },
  ]) {
    it(`serves ${host}, whose router has no entryPoints, on the default entry point http and not on traefik`, async () => {
      const onHttp = await run.send('http', '/x', { host });
      const onTraefik = await run.send('traefik', '/x', { host });

      assert.equal(onHttp.status, 200);
      assert.equal(onHttp.echo.hostname, backend);
      assert.equal(onTraefik.status, 404);
    });
  }

  it('answers 404 for Host example.com', async () => {
    const response = await run.send('http', '/x', { host: 'example.com' });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });
});
