import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { check, grpc, healthClient, startGrpcServer, watch } from '../../support/grpc.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

const scenario = '10-grpc-h2c-and-gateway';

/** mygrpc: a gRPC server in h2c; mygrpc-gateway: a JSON server for GET /v1/prod/stock. */
async function start(t: TestContext): Promise<ScenarioRun> {
  const grpcServer = await startGrpcServer(t, { name: 'mygrpc', watchMessages: 3, watchIntervalMs: 400 });
  return startScenario(t, scenario, {
    ports: { mygrpc: grpcServer.port },
    serviceBackends: { 'tk/mygrpc-svc:grpc': 'mygrpc', 'tk/mygrpc-svc:gateway': 'mygrpc-gateway' },
    handlers: {
      'mygrpc-gateway': (request, response) => {
        const isStock = request.method === 'GET' && request.url === '/v1/prod/stock';
        response.writeHead(isStock ? 200 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(isStock ? { prod_id: 101, stock: 42, via: request.httpVersion } : { error: 'not found' }));
      },
    },
  });
}

function client(t: TestContext, run: ScenarioRun, authority: string): grpc.Client {
  const created = healthClient(`127.0.0.1:${run.junction.ports.web}`, authority);
  t.after(() => created.close());
  return created;
}

describe('scenario 10: gRPC over h2c on the plain entryPoint, grpc-gateway on the same host', () => {
  it('steps 1-3: health Check answers SERVING, NOT_FOUND reaches the client from the trailers, Watch streams each message as sent', async (t) => {
    const run = await start(t);
    const grpcClient = client(t, run, 'tk1.jtthink.com');

    const serving = await check(grpcClient, '');
    assert.deepEqual(serving.value, { status: 'SERVING' });

    const unknown = await check(grpcClient, 'unknown');
    assert.equal(unknown.error?.code, grpc.status.NOT_FOUND);

    const stream = await watch(grpcClient, '');
    assert.equal(stream.status.code, grpc.status.OK);
    assert.equal(stream.messages.length, 3);
    const spread = stream.messages.at(-1)!.at - stream.messages[0]!.at;
    assert.ok(spread >= 400, `the three messages arrived within ${spread} ms: buffered instead of streamed`);
  });

  it('step 4: Host tk1.jtthink.com with PathPrefix /v1 goes to the gateway over HTTP/1.1 (longer rule first)', async (t) => {
    const run = await start(t);
    const response = await run.send('web', '/v1/prod/stock', { host: 'tk1.jtthink.com' });

    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { prod_id: 101, stock: 42, via: '1.1' });
  });

  it('step 5: Host tk2.jtthink.com gets 404 for gRPC and for HTTP', async (t) => {
    const run = await start(t);

    const grpcAnswer = await check(client(t, run, 'tk2.jtthink.com'), '');
    assert.equal(grpcAnswer.error?.code, grpc.status.UNIMPLEMENTED, 'grpc-js maps HTTP 404 to UNIMPLEMENTED');
    assert.match(grpcAnswer.error?.details ?? '', /404/);

    const httpAnswer = await run.send('web', '/v1/prod/stock', { host: 'tk2.jtthink.com' });
    assert.equal(httpAnswer.status, 404);
  });
});
