import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { answeredBy, startUpstream, type Upstream } from '../support/upstream.js';

/** One router per case, each to its own upstream named after the router, so the answer tells which matched. */
interface RouterCase {
  readonly name: string;
  readonly rule: string;
  readonly priority?: number;
  readonly ruleSyntax?: 'v2' | 'v3';
  readonly entryPoints?: readonly string[];
}

interface RequestCase {
  readonly description: string;
  readonly path: string;
  readonly host?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly entryPoint?: string;
  /** Router expected to answer, or 404. */
  readonly expected: string | 404;
}

const routers: RouterCase[] = [
  { name: 'host', rule: 'Host(`host.test`)' },
  { name: 'host-path', rule: 'Host(`host.test`) && Path(`/exact`)' },
  { name: 'wildcard', rule: 'Host(`*.wild.test`)' },
  { name: 'host-regexp', rule: 'HostRegexp(`^[a-z]+\\.regexp\\.test$`)' },
  { name: 'path-prefix', rule: 'Host(`prefix.test`) && PathPrefix(`/api`)' },
  { name: 'path-regexp', rule: 'Host(`prefix.test`) && PathRegexp(`^/items/[0-9]+$`)' },
  { name: 'method', rule: 'Host(`method.test`) && Method(`POST`)' },
  { name: 'header', rule: 'Host(`header.test`) && Header(`X-Env`, `prod`)' },
  { name: 'header-regexp', rule: 'Host(`header.test`) && HeaderRegexp(`X-Version`, `^v[0-9]+$`)' },
  { name: 'query', rule: 'Host(`query.test`) && Query(`mode`, `dark`)' },
  { name: 'query-flag', rule: 'Host(`query.test`) && Query(`mobile`)' },
  { name: 'query-regexp', rule: 'Host(`query.test`) && QueryRegexp(`id`, `^[0-9]+$`)' },
  { name: 'client-ip', rule: 'Host(`ip.test`) && ClientIP(`127.0.0.0/8`)' },
  { name: 'client-ip-other', rule: 'Host(`ip-other.test`) && ClientIP(`10.0.0.1`)' },
  { name: 'negation', rule: 'Host(`not.test`) && !PathPrefix(`/private`)' },
  { name: 'nested', rule: 'Host(`nest.test`) && (PathPrefix(`/a`) || (PathPrefix(`/b`) && Method(`GET`)))' },
  { name: 'or-multiple-prefixes', rule: 'Host(`or.test`) && PathPrefix(`/static`) || PathPrefix(`/service`)' },
  { name: 'low', rule: 'Host(`prio.test`) && PathPrefix(`/x`)', priority: 1 },
  { name: 'high', rule: 'Host(`prio.test`)', priority: 100 },
  { name: 'short', rule: 'Host(`len.test`)' },
  { name: 'long', rule: 'Host(`len.test`) && PathPrefix(`/deep`)' },
  { name: 'v2-host', rule: 'Host(`v2a.test`, `v2b.test`)', ruleSyntax: 'v2' },
  { name: 'v2-path', rule: 'Host(`v2.test`) && Path(`/users/{id:[0-9]+}`)', ruleSyntax: 'v2' },
  { name: 'v2-host-regexp', rule: 'HostRegexp(`{sub:[a-z]+}.v2regexp.test`)', ruleSyntax: 'v2' },
  { name: 'v2-headers', rule: 'Host(`v2h.test`) && Headers(`X-Team`, `core`)', ruleSyntax: 'v2' },
  { name: 'v2-query', rule: 'Host(`v2q.test`) && Query(`lang=fr`)', ruleSyntax: 'v2' },
  { name: 'v2-method', rule: 'Host(`v2m.test`) && Method(`PUT`, `PATCH`)', ruleSyntax: 'v2' },
  { name: 'admin-only', rule: 'Host(`scoped.test`)', entryPoints: ['admin'] },
];

const requests: RequestCase[] = [
  { description: 'Host matches exactly', host: 'host.test', path: '/', expected: 'host' },
  { description: 'Host ignores case and port', host: 'HOST.Test:8080', path: '/', expected: 'host' },
  { description: 'the longer rule wins by default priority', host: 'host.test', path: '/exact', expected: 'host-path' },
  { description: 'Path is exact', host: 'host.test', path: '/exact/more', expected: 'host' },
  { description: 'Path is case-sensitive', host: 'host.test', path: '/EXACT', expected: 'host' },
  { description: 'a one-label wildcard matches a subdomain', host: 'a.wild.test', path: '/', expected: 'wildcard' },
  { description: 'a wildcard does not match the apex', host: 'wild.test', path: '/', expected: 404 },
  { description: 'a wildcard does not match two labels', host: 'a.b.wild.test', path: '/', expected: 404 },
  { description: 'HostRegexp matches the host', host: 'abc.regexp.test', path: '/', expected: 'host-regexp' },
  { description: 'HostRegexp rejects other hosts', host: 'ab1.regexp.test', path: '/', expected: 404 },
  { description: 'PathPrefix is a character prefix', host: 'prefix.test', path: '/api-docs', expected: 'path-prefix' },
  { description: 'PathPrefix matches below the prefix', host: 'prefix.test', path: '/api/users', expected: 'path-prefix' },
  { description: 'PathRegexp matches the path', host: 'prefix.test', path: '/items/42', expected: 'path-regexp' },
  { description: 'PathRegexp rejects other paths', host: 'prefix.test', path: '/items/x', expected: 404 },
  { description: 'routing decodes unreserved escapes', host: 'prefix.test', path: '/%61pi', expected: 'path-prefix' },
  { description: 'Method matches', host: 'method.test', path: '/', method: 'POST', expected: 'method' },
  { description: 'Method rejects other methods', host: 'method.test', path: '/', method: 'GET', expected: 404 },
  { description: 'Header matches a value exactly', host: 'header.test', path: '/', headers: { 'x-env': 'prod' }, expected: 'header' },
  { description: 'Header values are case-sensitive', host: 'header.test', path: '/', headers: { 'x-env': 'Prod' }, expected: 404 },
  { description: 'HeaderRegexp matches', host: 'header.test', path: '/', headers: { 'x-version': 'v12' }, expected: 'header-regexp' },
  { description: 'Query matches a key and value', host: 'query.test', path: '/?mode=dark', expected: 'query' },
  { description: 'Query with one argument matches an empty value', host: 'query.test', path: '/?mobile', expected: 'query-flag' },
  { description: 'QueryRegexp matches a value', host: 'query.test', path: '/?id=77', expected: 'query-regexp' },
  { description: 'Query rejects other values', host: 'query.test', path: '/?mode=light', expected: 404 },
  { description: 'ClientIP matches the peer address', host: 'ip.test', path: '/', expected: 'client-ip' },
  { description: 'ClientIP ignores X-Forwarded-For', host: 'ip-other.test', path: '/', headers: { 'x-forwarded-for': '10.0.0.1' }, expected: 404 },
  { description: 'negation lets other paths through', host: 'not.test', path: '/public', expected: 'negation' },
  { description: 'negation excludes its matcher', host: 'not.test', path: '/private/x', expected: 404 },
  { description: 'nested groups match the first branch', host: 'nest.test', path: '/a', method: 'POST', expected: 'nested' },
  { description: 'nested groups match the inner conjunction', host: 'nest.test', path: '/b', method: 'GET', expected: 'nested' },
  { description: 'nested groups reject a partial inner match', host: 'nest.test', path: '/b', method: 'POST', expected: 404 },
  { description: '&& binds tighter than ||', host: 'elsewhere.test', path: '/service/x', expected: 'or-multiple-prefixes' },
  { description: 'an explicit priority beats a longer rule', host: 'prio.test', path: '/x', expected: 'high' },
  { description: 'a longer rule wins among default priorities', host: 'len.test', path: '/deep/x', expected: 'long' },
  { description: 'v2 Host takes several hosts', host: 'v2b.test', path: '/', expected: 'v2-host' },
  { description: 'v2 Path takes a template', host: 'v2.test', path: '/users/12', expected: 'v2-path' },
  { description: 'v2 Path templates constrain the value', host: 'v2.test', path: '/users/ab', expected: 404 },
  { description: 'v2 HostRegexp takes a template', host: 'www.v2regexp.test', path: '/', expected: 'v2-host-regexp' },
  { description: 'v2 Headers matches', host: 'v2h.test', path: '/', headers: { 'x-team': 'core' }, expected: 'v2-headers' },
  { description: 'v2 Query takes key=value', host: 'v2q.test', path: '/?lang=fr', expected: 'v2-query' },
  { description: 'v2 Method takes several methods', host: 'v2m.test', path: '/', method: 'PATCH', expected: 'v2-method' },
  { description: 'a router scoped to one entryPoint is not on the others', host: 'scoped.test', path: '/', expected: 404 },
  { description: 'a router scoped to an entryPoint serves there', host: 'scoped.test', path: '/', entryPoint: 'admin', expected: 'admin-only' },
  { description: 'a router without entryPoints is not on the traefik entryPoint', host: 'host.test', path: '/', entryPoint: 'traefik', expected: 404 },
];

const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  admin:
    address: "127.0.0.1:{{PORT_admin}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

function dynamicFor(upstreams: ReadonlyMap<string, Upstream>): string {
  const routerLines = routers.map((router) => {
    const fields = [`rule: ${JSON.stringify(router.rule)}`, `service: ${router.name}`];
    if (router.priority !== undefined) fields.push(`priority: ${router.priority}`);
    if (router.ruleSyntax !== undefined) fields.push(`ruleSyntax: ${router.ruleSyntax}`);
    if (router.entryPoints !== undefined) fields.push(`entryPoints: [${router.entryPoints.join(', ')}]`);
    return `    ${router.name}: { ${fields.join(', ')} }`;
  });
  const serviceLines = routers.map((router) => `    ${router.name}: { loadBalancer: { servers: [{ url: "${upstreams.get(router.name)!.url}" }] } }`);
  return `http:\n  routers:\n${routerLines.join('\n')}\n  services:\n${serviceLines.join('\n')}\n`;
}

describe('routing rules through a running junction', () => {
  let junction: JunctionProcess;
  const upstreams = new Map<string, Upstream>();

  before(async () => {
    for (const router of routers) upstreams.set(router.name, await startUpstream(undefined, { name: router.name }));
    junction = await startJunction(undefined, { static: staticConfig, dynamic: dynamicFor(upstreams) });
  });

  after(async () => {
    await junction.stop();
    await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
  });

  for (const request of requests) {
    it(`${request.description}`, async () => {
      const response = await get(`${junction.url(request.entryPoint ?? 'web')}${request.path}`, {
        method: request.method ?? 'GET',
        headers: { host: request.host ?? 'localhost', ...request.headers },
      });
      if (request.expected === 404) {
        assert.equal(response.status, 404);
        assert.equal(response.body, '404 page not found\n');
      } else {
        assert.equal(response.status, 200);
        assert.equal(answeredBy(response.body), request.expected);
      }
    });
  }
});
