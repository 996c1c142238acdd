import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compileHttpRule, type RuleSyntax } from '../../src/rules/http-rule.js';
import { RuleError } from '../../src/rules/rule-error.js';
import { readFixture } from './support/fixtures.js';
import { routingRequest, type RequestSpec } from './support/routing-request.js';

/** A rule of a Traefik table: refused with `error`, or compiled and tried on `requests`. */
interface RuleCase {
  readonly description: string;
  readonly rule: string;
  readonly error?: string;
  readonly requests?: ReadonlyArray<RequestSpec & { readonly matches: boolean }>;
}

function describeRequest(request: RequestSpec): string {
  const details = [request.method, request.headers && JSON.stringify(request.headers), request.remoteAddr && `from ${request.remoteAddr}`,
    request.host !== undefined && `Host ${JSON.stringify(request.host)}`].filter(Boolean);
  return [request.url, ...details].join(' ');
}

/** Runs a table of rules against one syntax: each refused rule with its exact message, each request with its outcome. */
function ruleContract(syntax: RuleSyntax, fixture: string): void {
  for (const ruleCase of readFixture<RuleCase[]>(fixture)) {
    it(ruleCase.description, () => {
      if (ruleCase.error !== undefined) {
        assert.throws(() => compileHttpRule(ruleCase.rule, syntax), (error: unknown) => {
          assert.ok(error instanceof RuleError);
          assert.equal(error.message, ruleCase.error);
          return true;
        });
        return;
      }
      const { match } = compileHttpRule(ruleCase.rule, syntax);
      const outcomes = ruleCase.requests!.map((request) => [describeRequest(request), match(routingRequest(request))]);
      const expected = ruleCase.requests!.map((request) => [describeRequest(request), request.matches]);
      assert.deepEqual(outcomes, expected);
    });
  }
}

describe('v3 matchers, ported from Traefik matcher_test.go', () => ruleContract('v3', 'v3-matchers.json'));
describe('v3 rule language, ported from Traefik mux_test.go and parser_test.go', () => ruleContract('v3', 'v3-rules.json'));
describe('v2 matchers, ported from Traefik matcher_v2_test.go', () => ruleContract('v2', 'v2-matchers.json'));
describe('v2 rule language, ported from Traefik matcher_v2_test.go', () => ruleContract('v2', 'v2-rules.json'));

describe('hosts', () => {
  const cases: ReadonlyArray<{ description: string; rule: string; syntax?: RuleSyntax; hosts: string[] | undefined }> = [
    { description: 'a Host and another matcher give the host', rule: 'Host(`a.com`) && Path(`/x`)', hosts: ['a.com'] },
    { description: 'Host alternatives give both hosts', rule: 'Host(`a.com`) || Host(`b.com`)', hosts: ['a.com', 'b.com'] },
    { description: 'alternatives each holding a Host give both hosts', rule: '(Host(`a.com`) && PathPrefix(`/p`)) || Host(`b.com`)', hosts: ['a.com', 'b.com'] },
    { description: 'an alternative without Host gives no hosts', rule: 'Host(`a.com`) || PathPrefix(`/x`)', hosts: undefined },
    { description: 'a negated Host gives no hosts', rule: '!Host(`a.com`)', hosts: undefined },
    { description: 'a rule without Host gives no hosts', rule: 'Path(`/test`)', hosts: undefined },
    { description: 'hosts are lowercased', rule: 'Host(`Foo.Bar`) || Host(`bar.buz`) && Path(`/test`)', hosts: ['foo.bar', 'bar.buz'] },
    { description: 'a trailing dot is dropped', rule: 'Host(`a.com.`)', hosts: ['a.com'] },
    { description: 'a wildcard gives no hosts', rule: 'Host(`*.a.com`)', hosts: undefined },
    { description: 'Host("*") gives no hosts', rule: 'Host(`*`) && Path(`/`)', hosts: undefined },
    { description: 'HostRegexp gives no hosts', rule: 'HostRegexp(`^a\\.com$`)', hosts: undefined },
    { description: 'a Host alongside HostRegexp still constrains', rule: 'HostRegexp(`.`) && Host(`a.com`)', hosts: ['a.com'] },
    { description: 'two Host constraints keep the hosts in both', rule: '(Host(`a.com`) || Host(`b.com`)) && (Host(`b.com`) || Host(`c.com`))', hosts: ['b.com'] },
    { description: 'contradicting Host constraints leave no host', rule: 'Host(`a.com`) && Host(`b.com`)', hosts: [] },
    { description: 'a double negation gives the host back', rule: '!!Host(`a.com`)', hosts: ['a.com'] },
    { description: 'a negated alternative constrains like a conjunction', rule: '!(!Host(`a.com`) || Path(`/x`))', hosts: ['a.com'] },
    { description: 'a negated conjunction constrains like an alternative', rule: '!(!Host(`a.com`) && !Host(`b.com`))', hosts: ['a.com', 'b.com'] },
    { description: 'a repeated host is listed once', rule: 'Host(`a.com`) || Host(`A.com`)', hosts: ['a.com'] },
    { description: 'v2 Host gives all its hosts', rule: 'Host(`a.com`, `b.com`) && Path(`/`)', syntax: 'v2', hosts: ['a.com', 'b.com'] },
    { description: 'v2 HostHeader gives its hosts', rule: 'HostHeader(`a.com`)', syntax: 'v2', hosts: ['a.com'] },
    { description: 'v2 HostRegexp gives no hosts', rule: 'HostRegexp(`{sub}.a.com`)', syntax: 'v2', hosts: undefined },
    { description: 'v2 Host "*" is a plain host', rule: 'Host(`*`)', syntax: 'v2', hosts: ['*'] },
  ];
  for (const { description, rule, syntax = 'v3', hosts } of cases) {
    it(description, () => {
      assert.deepEqual(compileHttpRule(rule, syntax).hosts, hosts);
    });
  }
});

describe('RuleError', () => {
  it('carries the reason, the column and the hint apart from the message', () => {
    const error = (() => {
      try {
        compileHttpRule('Path(`/a`) || Hots(`a`)', 'v3');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof RuleError);
    assert.equal(error.reason, 'unknown matcher "Hots"');
    assert.equal(error.column, 15);
    assert.equal(error.hint, 'did you mean "Host"?');
    assert.equal(error.message, 'unknown matcher "Hots" at col 15; did you mean "Host"?');
  });

  it('counts columns in characters, not UTF-16 units', () => {
    assert.throws(() => compileHttpRule('Host(`🦭`) && Pth(`/`)', 'v3'), { message: 'unknown matcher "Pth" at col 14; did you mean "Path"?' });
  });

  it('reports the first syntax error before an earlier unknown matcher, as Traefik parses before it resolves', () => {
    assert.throws(() => compileHttpRule('Hots(`a`) && (Path(`/`)', 'v3'), { message: 'unbalanced parenthesis at col 14' });
  });

  it('reports an unknown matcher before an earlier invalid argument', () => {
    assert.throws(() => compileHttpRule('Host(``) || Hots(`c`)', 'v3'), { message: 'unknown matcher "Hots" at col 13; did you mean "Host"?' });
  });

  it('reports argument problems left to right', () => {
    assert.throws(() => compileHttpRule('Path(`a`) && Host(``)', 'v3'), { message: 'Path: path "a" must start with "/" at col 1' });
  });

  it('points at the matcher of a bad argument deep in a rule', () => {
    assert.throws(() => compileHttpRule('Host(`a`) && (Path(`/`) || HostRegexp(`(`))', 'v3'), {
      message: 'HostRegexp: invalid regular expression "(": missing closing ) at col 28',
    });
  });

  it('refuses deeply nested rules with an error, not a stack overflow', () => {
    assert.throws(() => compileHttpRule(`${'('.repeat(5000)}Host(\`a\`)${')'.repeat(5000)}`, 'v3'), { message: 'rule nests too deeply at col 1001' });
  });
});

describe('compiled rules', () => {
  it('match the same request the same way every time', () => {
    const { match } = compileHttpRule('PathRegexp(`^/a`) && QueryRegexp(`q`, `x`) && HeaderRegexp(`X`, `y`)', 'v3');
    const request = routingRequest({ url: 'http://h/abc?q=x', headers: { X: 'y' } });
    assert.deepEqual([match(request), match(request), match(request)], [true, true, true]);
  });

  it('keep v2 and v3 apart for the same rule text', () => {
    const request = routingRequest('http://h/a/42');
    assert.deepEqual(
      [compileHttpRule('Path(`/a/{id:[0-9]+}`)', 'v2').match(request), compileHttpRule('Path(`/a/{id:[0-9]+}`)', 'v3').match(request)],
      [true, false],
    );
  });
});
