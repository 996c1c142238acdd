import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouterTable, type Route } from '../../../src/http/routers/router-table.js';
import { compileHttpRule } from '../../../src/rules/http-rule.js';
import type { RoutingRequest } from '../../../src/rules/routing-request.js';

function request(host: string, path = '/'): RoutingRequest {
  return { host, path, method: 'GET', headers: {}, query: new URLSearchParams(), clientIp: '127.0.0.1' };
}

/** A route whose rule counts how often it is evaluated. */
function countedRoute(name: string, rule: string, counter: { calls: number }, priority = Buffer.byteLength(rule), providerRank = 0): Route {
  const compiled = compileHttpRule(rule, 'v3');
  return {
    name,
    priority,
    providerRank,
    handler: () => undefined,
    rule: {
      hosts: compiled.hosts,
      match: (routing) => {
        counter.calls += 1;
        return compiled.match(routing);
      },
    },
  };
}

describe('RouterTable', () => {
  it('tries only the routers of the request host, however many hosts are configured', () => {
    const counter = { calls: 0 };
    const routes = Array.from({ length: 10_000 }, (_, index) => countedRoute(`r${index}@file`, `Host(\`h${index}.test\`) && PathPrefix(\`/\`)`, counter));
    const table = new RouterTable(routes);

    assert.equal(table.find(request('h4242.test'))?.name, 'r4242@file');
    assert.equal(counter.calls, 1);
    assert.equal(table.find(request('unknown.test')), undefined);
    assert.equal(counter.calls, 1);
  });

  it('merges host-independent routers into each host\'s list by priority', () => {
    const counter = { calls: 0 };
    const table = new RouterTable([
      countedRoute('catch-all@file', 'PathPrefix(`/`)', counter, 1),
      countedRoute('api@file', 'Host(`a.test`) && PathPrefix(`/api`)', counter),
      countedRoute('health@file', 'Path(`/health`)', counter, 1000),
    ]);

    assert.equal(table.find(request('a.test', '/health'))?.name, 'health@file');
    assert.equal(table.find(request('a.test', '/api/x'))?.name, 'api@file');
    assert.equal(table.find(request('a.test', '/other'))?.name, 'catch-all@file');
    assert.equal(table.find(request('b.test', '/api/x'))?.name, 'catch-all@file');
  });

  it('breaks priority ties by provider precedence, then by name', () => {
    const counter = { calls: 0 };
    const table = new RouterTable([
      countedRoute('b@file', 'PathPrefix(`/`)', counter, 5, 7),
      countedRoute('a@file', 'PathPrefix(`/`)', counter, 5, 7),
      countedRoute('z@kubernetescrd', 'PathPrefix(`/`)', counter, 5, 1),
    ]);

    assert.equal(table.find(request('x.test'))?.name, 'z@kubernetescrd');
    assert.equal(new RouterTable([countedRoute('b@file', 'PathPrefix(`/`)', counter, 5), countedRoute('a@file', 'PathPrefix(`/`)', counter, 5)]).find(request('x'))?.name, 'a@file');
  });

  it('looks hosts up without their trailing dot', () => {
    const table = new RouterTable([countedRoute('dot@file', 'Host(`dot.test`)', { calls: 0 })]);

    assert.equal(table.find(request('dot.test.'))?.name, 'dot@file');
  });
});
