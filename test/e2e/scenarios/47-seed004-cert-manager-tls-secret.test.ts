import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'undici';
import { createCertificateAuthority, writeCertificate, type CertificateAuthority } from '../../support/certificates.js';
import { readScenario, scenarioProvider, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { tlsConnect } from '../../support/tls-client.js';
import { until } from '../../support/until.js';

const scenario = '47-seed004-cert-manager-tls-secret';
const names = ['*.example.com', 'example.com'];

/** The certificate Junction presents for an SNI, without verifying it. */
async function presented(port: number, servername: string): Promise<{ serialNumber: string; subjectAltName: string | undefined }> {
  const socket = await tlsConnect(port, { servername });
  const certificate = socket.getPeerCertificate();
  socket.destroy();
  return { serialNumber: certificate.serialNumber, subjectAltName: certificate.subjectaltname };
}

/** The Secret cert-manager writes when it renews: same name, a new certificate. */
function renewedSecret(cert: string, key: string): string {
  const base64 = (pem: string): string => Buffer.from(pem).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata:
  name: wildcard-certificate
  namespace: default
type: kubernetes.io/tls
data:
  tls.crt: "${base64(cert)}"
  tls.key: "${base64(key)}"
`;
}

describe('scenario 47: a wildcard and apex certificate from a Secret issued by another controller', () => {
  let run: ScenarioRun;
  let ca: CertificateAuthority;
  let dir: string;
  before(async () => {
    ca = await createCertificateAuthority('Scenario 47 test CA');
    dir = await mkdtemp(join(tmpdir(), 'scenario-47-'));
    const files = await writeCertificate(dir, 'wildcard-example', await ca.issue({ commonName: '*.example.com', dnsNames: names }));
    run = await startScenario(undefined, scenario, {
      values: { 'CERT_wildcard-example': files.certFile, 'KEY_wildcard-example': files.keyFile },
      handlers: {
        'cm-acme-http-solver': (request, response) => {
          const token = /^\/\.well-known\/acme-challenge\/([^/?]+)$/.exec(request.url ?? '')?.[1];
          response.writeHead(token === undefined ? 404 : 200, { 'content-type': 'text/plain' });
          response.end(token === undefined ? 'no such challenge' : `${token}.thumbprint`);
        },
      },
    });
  });
  after(() => run?.close());

  /** One HTTPS client as `curl --cacert <CA> --connect-to <host>:443:127.0.0.1:<websecure>`: verifies the chain and the name. */
  const httpsClient = (host: string): Client =>
    new Client(`https://127.0.0.1:${run.junction.ports.websecure}`, { connect: { servername: host, ca: ca.cert } });

  for (const host of ['whoami.example.com', 'example.com']) {
    it(`steps 1-2: answers https://${host}/ from whoami with a certificate that verifies against the CA`, async (t) => {
      const client = httpsClient(host);
      t.after(() => client.close());

      const response = await client.request({ path: '/', method: 'GET', headers: { host } });
      const body = await response.body.text();

      assert.equal(response.statusCode, 200);
      assert.match(body, /^Hostname: whoami\n/);
    });
  }

  it('step 3: presents the default certificate for a.b.example.com (a wildcard covers one label only)', async () => {
    const deep = await presented(run.junction.ports.websecure!, 'a.b.example.com');
    const wildcard = await presented(run.junction.ports.websecure!, 'whoami.example.com');

    assert.notEqual(deep.serialNumber, wildcard.serialNumber);
    assert.equal(wildcard.subjectAltName, 'DNS:*.example.com, DNS:example.com');
  });

  it('step 5: routes the HTTP-01 challenge for example.com on web to the solver', { skip: scenarioProvider === 'file' ? false : 'the solver is an Ingress, read by the Ingress provider (its own scenarios)' }, async () => {
    const response = await run.send('web', '/.well-known/acme-challenge/TOKEN123', { host: 'example.com' });

    assert.equal(response.status, 200);
    assert.equal(response.body, 'TOKEN123.thumbprint');
  });

  it('step 6: answers whoami.example.com over plain HTTP on web with 404 (the TLS router is on websecure only)', async () => {
    const response = await run.send('web', '/', { host: 'whoami.example.com' });

    assert.equal(response.status, 404);
  });

  // Last: it replaces the certificate the steps above check.
  it('step 4: a renewed certificate is presented to new handshakes within 5 s; an established connection keeps working', async (t) => {
    const host = 'whoami.example.com';
    const established = httpsClient(host);
    t.after(() => established.close());
    let connects = 0;
    established.on('connect', () => (connects += 1));
    await (await established.request({ path: '/', method: 'GET', headers: { host } })).body.text();

    const renewed = await ca.issue({ commonName: '*.example.com', dnsNames: names });
    const serial = new X509Certificate(renewed.cert).serialNumber;
    const files = await writeCertificate(await mkdtemp(join(dir, 'renewed-')), 'wildcard-example', renewed);
    const scenarioFiles = readScenario(scenario);
    await run.reconfigure({
      dynamic: scenarioFiles.dynamic.replace('{{CERT_wildcard-example}}', files.certFile).replace('{{KEY_wildcard-example}}', files.keyFile),
      crd: renewedSecret(renewed.cert, renewed.key),
    });

    await until(async () => (await presented(run.junction.ports.websecure!, host)).serialNumber.toUpperCase() === serial.toUpperCase(), { timeoutMs: 5000, message: 'the renewed serial' });
    const again = await established.request({ path: '/', method: 'GET', headers: { host } });
    assert.equal(again.statusCode, 200);
    await again.body.text();
    assert.equal(connects, 1);
  });
});
