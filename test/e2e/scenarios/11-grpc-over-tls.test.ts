import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, writeCertificate } from '../../support/certificates.js';
import { check, grpc, healthClient, startGrpcServer, tlsHealthClient, type GrpcServer } from '../../support/grpc.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

const scenario = '11-grpc-over-tls';
const host = 'wx.jtthink.com';

describe('scenario 11: gRPC over TLS at the router, h2c to the backend', () => {
  let run: ScenarioRun;
  let backend: GrpcServer;
  let caCert: string;
  const clients: grpc.Client[] = [];
  before(async () => {
    const ca = await createCertificateAuthority('Scenario 11 CA');
    caCert = ca.cert;
    const dir = await mkdtemp(join(tmpdir(), 'scenario-11-'));
    const files = await writeCertificate(dir, 'mytls', await ca.issue({ commonName: host, dnsNames: [host] }));
    backend = await startGrpcServer(undefined, { name: 'mygrpc' });
    run = await startScenario(undefined, scenario, { ports: { mygrpc: backend.port }, serviceBackends: { 'tk/mygrpc-svc': 'mygrpc' }, values: { CERT_mytls: files.certFile, KEY_mytls: files.keyFile } });
  });
  after(async () => {
    for (const client of clients) client.close();
    await run?.close();
    await backend?.close();
  });

  const address = (): string => `127.0.0.1:${run.junction.ports.websecure}`;

  it('steps 1-2: Health/Check over TLS with ALPN h2 answers SERVING; the backend gets h2c gRPC with X-Forwarded-Proto https', async () => {
    const client = tlsHealthClient(address(), { ca: caCert, servername: host, authority: `${host}:9443` });
    clients.push(client);

    const answer = await check(client, '');

    assert.equal(answer.error, undefined);
    assert.deepEqual(answer.value, { status: 'SERVING' });
    // The backend speaks only h2c gRPC: the call reaching its Check handler is the proof of the protocol.
    const call = backend.calls.at(-1)!;
    assert.equal(call.method, 'Check');
    assert.equal(call.metadata['x-forwarded-proto'], 'https');
    assert.equal(call.metadata['x-forwarded-host'], `${host}:9443`);
  });

  it('step 3: another server name gets the default certificate, which the client refuses', async () => {
    const client = tlsHealthClient(address(), { ca: caCert, servername: 'other.example', authority: `${host}:9443` });
    clients.push(client);

    const answer = await check(client, '', { deadlineMs: 5000 });

    assert.equal(answer.error?.code, grpc.status.UNAVAILABLE);
  });

  it('step 4: cleartext HTTP/2 on the TLS-only entryPoint is answered 404, which gRPC reports as UNIMPLEMENTED', async () => {
    const client = healthClient(address(), `${host}:9443`);
    clients.push(client);

    const answer = await check(client, '', { deadlineMs: 5000 });

    assert.equal(answer.error?.code, grpc.status.UNIMPLEMENTED);
  });
});
