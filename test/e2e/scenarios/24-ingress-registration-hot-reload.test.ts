import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { firstAnswer, readScenario, startClientLoop, startScenario, type ClientLoop, type ScenarioResponse, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';

const scenario = '24-ingress-registration-hot-reload';
const host = 'cheeses.minikube';
/** The README's bound for a rewritten file to take effect. */
const reloadBoundMs = 2000;
/** Traefik's default providersThrottleDuration, which static.yaml keeps. */
const throttleMs = 2000;

/** The file after `kubectl apply -f cheddar-ingress.yaml`. */
const registration = readScenario(scenario).dynamic;
/** The same route, its service now pointing at the newly started cheddar-v2. */
const switchedToV2 = registration.replace('{{PORT_cheddar}}', '{{PORT_cheddar-v2}}');
/** The route removed; middleware and service stay. */
const withoutRouter = (() => {
  const config = parse(switchedToV2) as { http: { routers?: unknown } };
  delete config.http.routers;
  return stringify(config);
})();

describe('scenario 24: registering and replacing routes at run time (hot reload, no interruption)', () => {
  let run: ScenarioRun;
  let readyAt = 0;
  let loop: ClientLoop | undefined;
  let inFlight: Promise<ScenarioResponse> | undefined;
  let releaseHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => (releaseHeld = resolve));

  /** cheddar answers like whoami, but holds `/slow` (the client's `/cheddar/slow`) until the test releases it. */
  const cheddar: UpstreamHandler = (request, response) => {
    const answer = (): void => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(whoamiText('cheddar', request));
    };
    if (request.url === '/slow') void held.then(answer);
    else answer();
  };

  const cheddarPath = (): Promise<ScenarioResponse> => run.send('web', '/cheddar', { host });

  before(async () => {
    run = await startScenario(undefined, scenario, { dynamic: '# No routers yet: cheddar-ingress.yaml is not applied.\n', handlers: { cheddar } });
    readyAt = Date.now();
  });
  after(async () => {
    releaseHeld();
    await loop?.stop();
    await run?.close();
  });

  it('answers 404 for cheeses.minikube/cheddar before the registration', async () => {
    const response = await cheddarPath();

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('serves the registered route from cheddar with backend path / within 2 s of writing the file, without a restart', async () => {
    // The user registers the route a while after start. A write within the throttle window of the start-up
    // configuration would be applied when the window closes, a hair under 2 s later, too close to the bound to
    // measure; the switch and the removal below are written inside a window and check that case.
    await delay(Math.max(0, readyAt + throttleMs - Date.now()));
    await run.writeDynamic(registration);
    const writtenAt = Date.now();

    const { value: response, sentAfterMs } = await firstAnswer(writtenAt, async () => {
      const answer = await cheddarPath();
      return answer.status === 200 ? answer : undefined;
    });

    assert.ok(sentAfterMs <= reloadBoundMs, `${sentAfterMs} ms`);
    assert.equal(response.echo.hostname, 'cheddar');
    assert.equal(response.echo.target, '/');
    assert.equal(run.junction.process.exitCode, null);
    assert.equal(run.junction.output().match(/starting Junction/g)?.length, 1);
  });

  it('keeps answering a keep-alive client loop while the file is rewritten unchanged, then answers from cheddar-v2 within 2 s of the service change', async () => {
    const activeLoop = startClientLoop(run.junction.url('web'), { path: '/cheddar', host });
    loop = activeLoop;
    await until(() => activeLoop.results.length >= 5);
    inFlight = run.send('web', '/cheddar/slow', { host });
    await until(() => run.backend('cheddar').requests.some((request) => request.path === '/slow'));

    await run.writeDynamic(registration);
    // The loop's progress spaces the two rewrites past the file provider's debounce, so each is a change of its own.
    const mark = activeLoop.results.length;
    await until(() => activeLoop.results.length >= mark + 10);
    await run.writeDynamic(switchedToV2);
    const writtenAt = Date.now();
    const { sentAfterMs } = await firstAnswer(writtenAt, async () => ((await cheddarPath()).echo.hostname === 'cheddar-v2' ? true : undefined));
    assert.ok(sentAfterMs <= reloadBoundMs, `${sentAfterMs} ms`);

    const switchedAt = activeLoop.results.length;
    await until(() => activeLoop.results.length >= switchedAt + 5);
    assert.deepEqual(
      activeLoop.results.slice(switchedAt).map((result) => result.answeredBy),
      activeLoop.results.slice(switchedAt).map(() => 'cheddar-v2'),
    );
    assert.deepEqual(activeLoop.results.filter((result) => result.status !== 200), []);
  });

  it('completes a request in flight during the switch against the old backend', async () => {
    assert.ok(inFlight);
    releaseHeld();

    const response = await inFlight;

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'cheddar');
    assert.equal(response.echo.target, '/slow');
  });

  it('keeps the existing keep-alive client connection open across reloads', () => {
    assert.ok(loop);
    assert.equal(loop.connects, 1);
    assert.equal(loop.disconnects, 0);
  });

  it('keeps the last good configuration when the rewrite is broken (invalid YAML): requests still answer 200 and an error is logged', async () => {
    assert.ok(loop);
    const activeLoop = loop;
    const from = run.junction.output().length;

    await run.writeDynamic('http:\n  routers: [unclosed\n');
    await run.junction.waitForOutput(/ ERR .*dynamic\.yaml/, { from });

    const mark = activeLoop.results.length;
    await until(() => activeLoop.results.length >= mark + 10);
    assert.deepEqual(
      activeLoop.results.slice(mark).map((result) => `${result.status} ${result.answeredBy}`),
      activeLoop.results.slice(mark).map(() => '200 cheddar-v2'),
    );
    const response = await cheddarPath();
    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'cheddar-v2');
  });

  it('answered every request of the client loop with 200 (none 404 or 502) over one connection', async () => {
    assert.ok(loop);
    const { connects, disconnects, results } = loop;
    await loop.stop();
    loop = undefined;

    assert.ok(results.length >= 30);
    assert.deepEqual(results.filter((result) => result.status !== 200), []);
    assert.equal(connects, 1);
    assert.equal(disconnects, 0);
  });

  it('answers 404 within 2 s once the router is removed from the file', async () => {
    await run.writeDynamic(withoutRouter);
    const writtenAt = Date.now();

    const { value: response, sentAfterMs } = await firstAnswer(writtenAt, async () => {
      const answer = await cheddarPath();
      return answer.status === 404 ? answer : undefined;
    });

    assert.ok(sentAfterMs <= reloadBoundMs, `${sentAfterMs} ms`);
    assert.equal(response.body, '404 page not found\n');
  });

  it('answers consistently from one backend when two Ingresses declare the exact same host and path', async (t) => {
    const config = parse(registration) as { http: { routers: Record<string, unknown>; services: Record<string, unknown> } };
    config.http.routers['cheddar-v2-cheeses-minikube-cheddar'] = { ...(config.http.routers['cheddar-cheeses-minikube-cheddar'] as object), service: 'cheddar-v2' };
    config.http.services['cheddar-v2'] = { loadBalancer: { servers: [{ url: 'http://127.0.0.1:{{PORT_cheddar-v2}}' }] } };
    const duplicate = await startScenario(t, scenario, { dynamic: stringify(config) });

    const answers = new Set<string | undefined>();
    for (let i = 0; i < 10; i++) {
      const response = await duplicate.send('web', '/cheddar', { host });
      assert.equal(response.status, 200);
      answers.add(response.echo.hostname);
    }

    assert.equal(answers.size, 1);
  });
});
