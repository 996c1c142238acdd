import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { describe, it, type TestContext } from 'node:test';
import { createCertificateAuthority, writeCertificate } from '../support/certificates.js';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

/** An endpoint serving whatever configuration the test sets, recording the headers of each poll. */
async function startEndpoint(t: TestContext): Promise<{ url: string; answer: { status: number; body: string }; polls: IncomingHttpHeaders[] }> {
  const state = { answer: { status: 200, body: '{}' }, polls: [] as IncomingHttpHeaders[] };
  const server = createServer((request, response) => {
    state.polls.push(request.headers);
    response.writeHead(state.answer.status, { 'content-type': 'application/json' });
    response.end(state.answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/config` });
}

function routeTo(host: string, url: string): string {
  return JSON.stringify({
    http: {
      routers: { app: { rule: `Host(\`${host}\`)`, service: 'app' } },
      services: { app: { loadBalancer: { servers: [{ url }] } } },
    },
  });
}

/** A static configuration with entryPoint web and the HTTP provider with these options (indented under it). */
function withHttpProvider(options: string): string {
  return `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  providersThrottleDuration: 0s
  http:
${options}`;
}

describe('the HTTP provider', () => {
  it('polls its endpoint with the configured headers, follows changes and keeps the last configuration when a poll fails', async (t) => {
    const upstream = await startUpstream(t, { name: 'polled' });
    const endpoint = await startEndpoint(t);
    endpoint.answer = { status: 200, body: routeTo('one.test', upstream.url) };
    const junction = await startJunction(t, {
      static: withHttpProvider(`
    endpoint: "${endpoint.url}"
    pollInterval: 200ms
    headers:
      Authorization: Bearer secret
      Host: config.test
`),
    });
    const status = async (host: string): Promise<number> => (await get(`${junction.url('web')}/`, { headers: { host } })).status;

    await until(async () => (await status('one.test')) === 200, { message: 'the first polled configuration served' });
    assert.equal(endpoint.polls[0]?.authorization, 'Bearer secret');
    assert.equal(endpoint.polls[0]?.host, 'config.test');

    endpoint.answer = { status: 200, body: routeTo('two.test', upstream.url) };
    await until(async () => (await status('two.test')) === 200, { message: 'the changed configuration served' });
    assert.equal(await status('one.test'), 404);

    endpoint.answer = { status: 500, body: 'down' };
    await junction.waitForOutput(/received non-ok response code: 500/);
    endpoint.answer = { status: 200, body: '{"http": ' };
    await junction.waitForOutput(/cannot decode configuration data/);
    assert.equal(await status('two.test'), 200);
  });

  it('polls an HTTPS endpoint trusted through tls.ca, with a client certificate from tls.cert and tls.key', async (t) => {
    const upstream = await startUpstream(t, { name: 'polled' });
    const authority = await createCertificateAuthority();
    const serverCertificate = await authority.issue({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const clientCertificate = await authority.issue({ commonName: 'junction', clientAuth: true });
    const directory = await mkdtemp(join(tmpdir(), 'junction-http-provider-'));
    t.after(() => rm(directory, { recursive: true, force: true }));
    const client = await writeCertificate(directory, 'client', clientCertificate);
    await writeFile(join(directory, 'ca.pem'), authority.cert);
    const clientNames: string[] = [];
    const server = createHttpsServer({ ...serverCertificate, ca: authority.cert, requestCert: true, rejectUnauthorized: true }, (request, response) => {
      clientNames.push(String((request.socket as TLSSocket).getPeerCertificate().subject?.CN));
      response.end(routeTo('secure.test', upstream.url));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const junction = await startJunction(t, {
      static: withHttpProvider(`
    endpoint: "https://127.0.0.1:${(server.address() as AddressInfo).port}/"
    tls:
      ca: ${JSON.stringify(join(directory, 'ca.pem'))}
      cert: ${JSON.stringify(client.certFile)}
      key: ${JSON.stringify(client.keyFile)}
`),
    });

    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'secure.test' } })).status === 200, { message: 'the configuration polled over TLS served' });
    assert.equal(clientNames[0], 'junction');
  });

  it('refuses to start without an endpoint or with a poll interval of zero', async (t) => {
    const junction = await startJunction(t, {
      static: withHttpProvider('    pollInterval: 0s\n'),
      waitReady: false,
    });

    assert.notEqual(await junction.exited, 0);
    assert.match(junction.output(), /providers\.http\.endpoint: is required/);
    assert.match(junction.output(), /providers\.http\.pollInterval: must be greater than zero/);
  });
});
