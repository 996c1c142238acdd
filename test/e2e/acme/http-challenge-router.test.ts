import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { freePort } from '../../support/ports.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';

async function staticWithResolver(allowACMEByPass: boolean): Promise<string> {
  return `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    allowACMEByPass: ${allowACMEByPass}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
certificatesResolvers:
  le:
    acme:
      storage: "{{DATA_DIR}}/acme.json"
      caServer: "https://127.0.0.1:${await freePort()}/dir"
      httpChallenge:
        entryPoint: web
`;
}

/** A router for every path on web (at `priority` when given) and an optional second router. */
function catchAll(url: string, priority: number | undefined, extraRouter = ''): string {
  return `
http:
  routers:
    all:
      rule: "PathPrefix(\`/\`)"
${priority === undefined ? '' : `      priority: ${priority}\n`}      service: app
${extraRouter}
  services:
    app:
      loadBalancer:
        servers:
          - url: "${url}"
`;
}

describe('acme-http@internal', () => {
  it('answers 404 for a token no resolver presented, before any user router, and leaves other paths to them', async (t) => {
    const upstream = await startUpstream(t, { name: 'user' });
    const junction = await startJunction(t, { static: await staticWithResolver(false), dynamic: catchAll(upstream.url, 1_000_000) });

    const challenge = await get(`${junction.url('web')}/.well-known/acme-challenge/unknown-token`, { headers: { host: 'who.example.com' } });
    const other = await get(`${junction.url('web')}/page`, { headers: { host: 'who.example.com' } });

    assert.equal(challenge.status, 404);
    assert.equal(upstream.requests.length, 1);
    assert.equal(answeredBy(other.body), 'user');
  });

  it('lets a user router answer challenges on an entryPoint with allowACMEByPass', async (t) => {
    const upstream = await startUpstream(t, { name: 'bypass' });
    const junction = await startJunction(t, {
      static: await staticWithResolver(true),
      dynamic: catchAll(upstream.url, undefined, '    challenges:\n      rule: "Host(`who.example.com`) && PathPrefix(`/.well-known/acme-challenge/`)"\n      service: app'),
    });

    const challenge = await get(`${junction.url('web')}/.well-known/acme-challenge/token`, { headers: { host: 'who.example.com' } });

    assert.equal(challenge.status, 200);
    assert.equal(answeredBy(challenge.body), 'bypass');
  });
});
