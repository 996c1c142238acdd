import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifiedGet, writeDnsHook } from '../../support/acme.js';
import { skipUnlessPebble, startPebble, type Pebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { tlsGet } from '../../support/tls-client.js';
import { until } from '../../support/until.js';

const scenario = '31-acme-dns-challenge-wildcard';

describe('scenario 31: ACME DNS-01 wildcard certificate from a resolver', { skip: skipUnlessPebble }, () => {
  const cleanups: Array<() => unknown> = [];
  let pebble: Pebble;
  let run: ScenarioRun;
  let dataDir: string;
  let calls: string;
  let options: Parameters<typeof startScenario>[2];
  let firstAnswerStatus: number;

  before(async () => {
    // DNS-01 only: pebble never connects to Junction, so its HTTP and TLS ports are left unused.
    pebble = await startPebble({ after: (cleanup: () => unknown) => cleanups.push(cleanup) } as never, { httpPort: await freePort(), tlsPort: await freePort() });
    dataDir = await mkdtemp(join(tmpdir(), 'scenario-31-'));
    const hook = await writeDnsHook(dataDir, pebble);
    calls = hook.calls;
    options = {
      values: { ACME_DIRECTORY_URL: pebble.directoryUrl, ACME_DNS_RESOLVER: pebble.dnsServer, DATA_DIR: dataDir },
      env: { EXEC_PATH: hook.hook, LEGO_CA_CERTIFICATES: pebble.caFile },
    };
    run = await startScenario(undefined, scenario, options);
    firstAnswerStatus = (await tlsGet(run.junction.ports.websecure!, { servername: 'who.qikqiak.com', path: '/tls' })).status;
  });
  after(async () => {
    await run?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers HTTPS while the certificate is being obtained (with the default certificate)', () => {
    assert.equal(firstAnswerStatus, 200);
  });

  it('obtains *.qikqiak.com from tls.domains, chained to the CA, serving every single-label name', async () => {
    const answer = await until(() => verifiedGet(run.junction.ports.websecure!, 'who.qikqiak.com', pebble.root, '/tls'), {
      timeoutMs: 120_000,
      message: `the wildcard certificate; junction said:\n${run.junction.output()}`,
    });

    assert.equal(answer.certificate.subjectaltname, 'DNS:*.qikqiak.com');
    assert.equal(answer.status, 200);
    assert.match(answer.body, /Hostname: whoami\r?\nGET \/tls HTTP\/1\.1/);
    const other = await verifiedGet(run.junction.ports.websecure!, 'x.qikqiak.com', pebble.root);
    assert.equal(other.certificate.serialNumber, answer.certificate.serialNumber);
    await assert.rejects(verifiedGet(run.junction.ports.websecure!, 'a.b.qikqiak.com', pebble.root));
    await assert.rejects(verifiedGet(run.junction.ports.websecure!, 'qikqiak.com', pebble.root));
  });

  it('placed one order, presenting the TXT record through the hook and cleaning it up', async () => {
    assert.equal(pebble.orderCount(), 1);
    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^present _acme-challenge\.qikqiak\.com\. \S+$/);
    assert.equal(lines[1], lines[0]!.replace('present', 'cleanup'));
  });

  it('keeps the account and the certificate in acme.json (mode 0600) under the resolver ali', async () => {
    const path = join(dataDir, 'acme.json');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { ali: { Account: { Email: string; Registration: { uri: string; body: { contact: string[] } }; PrivateKey: string }; Certificates: Array<{ domain: unknown }> } };
    assert.equal(stored.ali.Account.Email, 'ych_1024@163.com');
    assert.deepEqual(stored.ali.Account.Registration.body.contact, ['mailto:ych_1024@163.com']);
    assert.match(stored.ali.Account.Registration.uri, /^https:\/\//);
    assert.notEqual(stored.ali.Account.PrivateKey, '');
    assert.deepEqual(stored.ali.Certificates.map((certificate) => certificate.domain), [{ main: '*.qikqiak.com' }]);
  });

  it('reuses the stored certificate after a restart: no new order', async () => {
    await run.close();
    run = await startScenario(undefined, scenario, options);

    const answer = await until(() => verifiedGet(run.junction.ports.websecure!, 'who.qikqiak.com', pebble.root, '/tls'), { timeoutMs: 30_000, message: 'the stored certificate' });

    assert.equal(answer.status, 200);
    assert.equal(pebble.orderCount(), 1);
  });
});
