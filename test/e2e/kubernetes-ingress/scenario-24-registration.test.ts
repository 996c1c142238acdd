import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer, parseManifests, type KubeObject } from '../../support/kubernetes/api-server.js';
import { kubernetesStatic } from '../../support/kubernetes/cluster-scenario.js';
import { servedBy } from '../../support/kubernetes/ingress-objects.js';
import { modernIngresses } from '../../support/kubernetes/legacy-ingress.js';
import { bothKubernetesProvidersApplied, firstAnswer, parseEcho, readScenario, startClientLoop, type ClientLoop } from '../../support/scenario.js';
import { get } from '../../support/http.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/**
 * Scenario 24 in Kubernetes mode: the seed's `kubectl apply -f cheddar-ingress.yaml` registers the route while
 * Junction runs, re-applying it changes nothing, pointing it at a newly started service moves traffic without a
 * failed request, and deleting it removes the route; each within the README's 2 s. Step 5's broken rewrite has two
 * Kubernetes forms: a manifest that is not YAML never reaches the cluster, and an update Junction cannot read is
 * reported and leaves out that Ingress alone, as Traefik does. The Ingress is the seed's
 * extensions/v1beta1 one in its networking.k8s.io/v1 form (test/support/kubernetes/legacy-ingress.ts).
 */

const scenario = readScenario('24-ingress-registration-hot-reload');
const host = 'cheeses.minikube';
/** The README's bound for a change to take effect. */
const reloadBoundMs = 2000;
/** Traefik's default providersThrottleDuration, which the scenario's static.yaml keeps. */
const throttleMs = 2000;

/** The registration: the Ingress and the stripPrefix Middleware its PathPrefixStrip annotation becomes. */
const registration = modernIngresses(parseManifests(scenario.crd).filter((object) => object.kind !== 'Service'));
const cheddarIngress = registration.find((object) => object.kind === 'Ingress')!;

function pointedAt(serviceName: string): KubeObject {
  const changed = structuredClone(cheddarIngress);
  const spec = changed['spec'] as { rules: Array<{ http: { paths: Array<{ backend: { service: { name: string } } }> } }> };
  for (const path of spec.rules[0]!.http.paths) path.backend.service.name = serviceName;
  return changed;
}

describe('scenario 24 in Kubernetes mode: registering and replacing an Ingress at run time', () => {
  let cluster: KubernetesApiServer;
  let cheddar: Upstream;
  let cheddarV2: Upstream;
  let junction: JunctionProcess;
  let loop: ClientLoop | undefined;
  let readyAt = 0;

  const cheddarPath = async (): Promise<{ status: number; answeredBy: string | undefined; target: string | undefined; body: string }> => {
    const response = await get(`${junction.url('web')}/cheddar`, { headers: { host } });
    const echo = parseEcho(response.body);
    return { status: response.status, answeredBy: echo.hostname, target: echo.target, body: response.body };
  };

  before(async () => {
    cluster = await KubernetesApiServer.start();
    cheddar = await startUpstream(undefined, { name: 'cheddar' });
    cheddarV2 = await startUpstream(undefined, { name: 'cheddar-v2' });
    cluster.apply([...servedBy(cheddar), ...servedBy(cheddarV2)]);
    junction = await startJunction(undefined, {
      static: kubernetesStatic(scenario.static, cluster, {}, true),
      readyPattern: bothKubernetesProvidersApplied,
      readyTimeoutMs: 60_000,
    });
    readyAt = Date.now();
  });
  after(async () => {
    await loop?.stop();
    await junction?.stop('SIGKILL');
    await Promise.all([cheddar?.close(), cheddarV2?.close(), cluster?.close()]);
  });

  it('answers 404 for cheeses.minikube/cheddar before the Ingress is applied', async () => {
    const response = await cheddarPath();

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('serves the applied Ingress from cheddar with backend path / within 2 s, without a restart', async () => {
    // Applied a while after start, as the user does: see the file-mode test for why a change inside the
    // start-up throttle window is not what this step measures.
    await delay(Math.max(0, readyAt + throttleMs - Date.now()));
    cluster.apply(registration);
    const appliedAt = Date.now();

    const { value: response, sentAfterMs } = await firstAnswer(appliedAt, async () => {
      const answer = await cheddarPath();
      return answer.status === 200 ? answer : undefined;
    });

    assert.ok(sentAfterMs <= reloadBoundMs, `${sentAfterMs} ms`);
    assert.equal(response.answeredBy, 'cheddar');
    assert.equal(response.target, '/');
    assert.equal(junction.output().match(/starting Junction/g)?.length, 1);
  });

  it('keeps answering a keep-alive client loop while the Ingress is re-applied unchanged, then answers from cheddar-v2 within 2 s of pointing it there', async () => {
    const activeLoop = startClientLoop(junction.url('web'), { path: '/cheddar', host });
    loop = activeLoop;
    await firstAnswer(Date.now(), async () => (activeLoop.results.length >= 5 ? true : undefined));

    cluster.apply(registration);
    const mark = activeLoop.results.length;
    await firstAnswer(Date.now(), async () => (activeLoop.results.length >= mark + 10 ? true : undefined));
    await delay(throttleMs);
    cluster.apply(pointedAt('cheddar-v2'));
    const appliedAt = Date.now();
    const { sentAfterMs } = await firstAnswer(appliedAt, async () => ((await cheddarPath()).answeredBy === 'cheddar-v2' ? true : undefined));
    assert.ok(sentAfterMs <= reloadBoundMs, `${sentAfterMs} ms`);

    const switchedAt = activeLoop.results.length;
    await firstAnswer(Date.now(), async () => (activeLoop.results.length >= switchedAt + 5 ? true : undefined));
    const { connects, disconnects } = activeLoop;
    await activeLoop.stop();
    loop = undefined;
    assert.deepEqual(activeLoop.results.slice(switchedAt).map((result) => result.answeredBy), activeLoop.results.slice(switchedAt).map(() => 'cheddar-v2'));
    assert.deepEqual(activeLoop.results.filter((result) => result.status !== 200), []);
    assert.equal(connects, 1);
    assert.equal(disconnects, 0);
  });

  it('answers consistently from one backend when two Ingresses declare the exact same host and path', async () => {
    // The twin goes to cheddar, the registered Ingress now to cheddar-v2.
    const twin = structuredClone(cheddarIngress);
    twin.metadata = { ...twin.metadata, name: 'cheddar-twin' };
    const from = junction.output().length;
    cluster.apply(twin);
    await junction.waitForOutput(/configuration applied/, { from, timeoutMs: 20_000 });

    const answers = new Set<string | undefined>();
    for (let i = 0; i < 10; i++) {
      const response = await cheddarPath();
      assert.equal(response.status, 200);
      answers.add(response.answeredBy);
    }

    assert.equal(answers.size, 1);
    cluster.delete(twin);
  });

  it('step 5: keeps serving when a broken manifest cannot be applied; an update it cannot read is reported by name and field and leaves out only that Ingress, as in Traefik, until fixed', async () => {
    // A rewrite that is not YAML never reaches the cluster: kubectl (here the test's apply) refuses it.
    assert.throws(() => cluster.apply('apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: [name: cheddar\n'));
    assert.equal((await cheddarPath()).answeredBy, 'cheddar-v2');

    // The API accepts any annotation string; Junction reports the one it cannot read and leaves the Ingress out.
    const unreadable = pointedAt('cheddar-v2');
    unreadable.metadata = { ...unreadable.metadata, annotations: { ...unreadable.metadata?.annotations, 'traefik.ingress.kubernetes.io/router.priority': 'high' } };
    const from = junction.output().length;
    cluster.apply(unreadable);
    await junction.waitForOutput(/Ingress default\/cheddar[^\n]*router\.priority[^\n]*high/, { from, timeoutMs: 20_000 });
    await until(async () => (await cheddarPath()).status === 404, { timeoutMs: 20_000, message: 'the unreadable Ingress to be left out' });

    cluster.apply(pointedAt('cheddar-v2'));
    await until(async () => (await cheddarPath()).answeredBy === 'cheddar-v2', { timeoutMs: 20_000, message: 'the fixed Ingress to be served again' });
  });

  it('answers 404 within 2 s once the Ingress is deleted', async () => {
    await delay(throttleMs);
    cluster.delete(cheddarIngress);
    const deletedAt = Date.now();

    const { value: response, sentAfterMs } = await firstAnswer(deletedAt, async () => {
      const answer = await cheddarPath();
      return answer.status === 404 ? answer : undefined;
    });

    assert.ok(sentAfterMs <= reloadBoundMs, `${sentAfterMs} ms`);
    assert.equal(response.body, '404 page not found\n');
  });
});
