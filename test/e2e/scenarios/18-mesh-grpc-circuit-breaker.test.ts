import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { check, grpc, healthClient, startGrpcServer, type GrpcServer } from '../../support/grpc.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

/**
 * The crd.yaml holds plain Services with `mesh.traefik.io/*` annotations: in Kubernetes mode Junction's mesh
 * provider (`providers.kubernetesMesh`) reads them, as Traefik Mesh's controller does for its proxies; in file
 * mode dynamic.yaml stands for what that controller gives the proxy.
 */
const scenario = '18-mesh-grpc-circuit-breaker';
const meshHost = 'prodservice.tk.traefik.mesh';

async function start(t: TestContext, delayMs: number): Promise<{ run: ScenarioRun; server: GrpcServer; client: grpc.Client }> {
  const server = await startGrpcServer(t, { name: 'prodservice', delayMs });
  const run = await startScenario(t, scenario, { mesh: true, ports: { prodservice: server.port }, values: { CLUSTER_IP_prodservice: '10.43.12.7' } });
  const client = healthClient(`127.0.0.1:${run.junction.ports['http-5000']}`, `${meshHost}:80`);
  t.after(() => client.close());
  return { run, server, client };
}

async function timedCheck(client: grpc.Client): Promise<{ result: Awaited<ReturnType<typeof check>>; ms: number }> {
  const started = Date.now();
  const result = await check(client, '');
  return { result, ms: Date.now() - started };
}

describe('scenario 18: gRPC through the mesh router with a circuitBreaker on latency', { concurrency: true }, () => {
  it('steps 1-4: a 3 s call succeeds, then calls fail at once with Unavailable (HTTP 503) without reaching the server, and succeed again once the server is fast', async (t) => {
    const { server, client } = await start(t, 3000);

    const slow = await timedCheck(client);
    assert.deepEqual(slow.result.value, { status: 'SERVING' });
    assert.ok(slow.ms >= 2900, `the slow call took ${slow.ms} ms`);

    const tripped = await timedCheck(client);
    assert.equal(tripped.result.error?.code, grpc.status.UNAVAILABLE);
    assert.match(tripped.result.error?.details ?? '', /503/);
    assert.ok(tripped.ms < 1500, `the refused call took ${tripped.ms} ms`);
    assert.equal(server.calls.length, 1, 'the open breaker does not call the server');

    // While recovering, the breaker lets a growing share of calls through; then every call passes.
    server.delayMs = 0;
    let successesInARow = 0;
    await until(
      async () => {
        successesInARow = (await check(client, '')).value?.status === 'SERVING' ? successesInARow + 1 : 0;
        return successesInARow >= 10 || undefined;
      },
      { timeoutMs: 40_000, intervalMs: 100, message: 'ten calls in a row succeed after recovery' },
    );
  });

  it('step 5: with a fast server, 50 calls in a row all succeed', async (t) => {
    const { client } = await start(t, 0);
    for (let i = 0; i < 50; i++) {
      const { result } = await timedCheck(client);
      assert.deepEqual(result.value, { status: 'SERVING' }, `call ${i}: ${result.error?.message ?? ''}`);
    }
  });
});
