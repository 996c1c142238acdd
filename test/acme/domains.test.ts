import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectDomainRequests, deleteUnnecessaryDomains, matchDomain, parseDomains, parseHostSni, sanitizeDomain } from '../../src/acme/domains.js';
import { decodeSnapshot, mergeSnapshots } from '../../src/providers/aggregator.js';
import { defaultStaticConfig } from '../../src/config/static/load.js';

function merged(config: Record<string, unknown>) {
  return mergeSnapshots(new Map([['file', decodeSnapshot({ config, errors: [] })]])).merged;
}

describe('ACME domains', () => {
  const cases: Array<{ description: string; rule: string; expected: string[] }> = [
    { description: 'one host', rule: 'Host(`Who.Example.com`)', expected: ['who.example.com'] },
    { description: 'hosts of both sides of || and &&', rule: 'Host(`a.example.com`) || (Host(`b.example.com`) && PathPrefix(`/x`))', expected: ['a.example.com', 'b.example.com'] },
    { description: 'a negated host, as Traefik', rule: '!Host(`c.example.com`)', expected: ['c.example.com'] },
    { description: 'no HostRegexp', rule: 'HostRegexp(`^.+$`)', expected: [] },
    { description: 'nothing from a rule that does not parse', rule: 'Host(`a`', expected: [] },
  ];
  for (const { description, rule, expected } of cases) {
    it(`reads ${description} from an HTTP rule`, () => {
      assert.deepEqual(parseDomains(rule), expected);
    });
  }

  it('reads HostSNI values from a TCP rule, without the catch-all', () => {
    assert.deepEqual(parseHostSni('HostSNI(`db.example.com`) || HostSNI(`*`)'), ['db.example.com']);
  });

  it('matches a wildcard one label deep only', () => {
    assert.equal(matchDomain('x.example.com', '*.example.com'), true);
    assert.equal(matchDomain('a.b.example.com', '*.example.com'), false);
    assert.equal(matchDomain('example.com', '*.example.com'), false);
  });

  it('cleans a domain set and refuses *.* wildcards', () => {
    assert.deepEqual(sanitizeDomain({ main: 'A.example.com.', sans: ['a.example.com', 'b.example.com'] }), { main: 'a.example.com', sans: ['b.example.com'] });
    assert.throws(() => sanitizeDomain({ main: '*.*.example.com', sans: [] }), /ACME does not allow '\*\.\*' wildcard domain/);
  });

  it("drops a router's domain sets already named or covered by a wildcard, as Traefik", () => {
    const domains = deleteUnnecessaryDomains([
      { main: '*.example.com', sans: [] },
      { main: 'www.example.com', sans: ['example.com'] },
      { main: '*.example.com', sans: [] },
    ]);

    assert.deepEqual(domains, [
      { main: '*.example.com', sans: [] },
      { main: 'example.com', sans: [] },
    ]);
  });

  it('collects the sets per resolver from HTTP routers, TCP routers, entryPoint TLS and defaultGeneratedCert', () => {
    const config = defaultStaticConfig();
    const staticConfig = {
      ...config,
      entryPoints: { ...config.entryPoints, websecure: { ...config.entryPoints.http!, http: { ...config.entryPoints.http!.http, tls: { certResolver: 'ep', domains: [] } } } },
    };
    const requests = collectDomainRequests(
      merged({
        http: {
          routers: {
            rule: { rule: 'Host(`a.example.com`, `b.example.com`)', service: 's', tls: { certResolver: 'le' } },
            domains: { rule: 'Host(`who.example.com`)', service: 's', tls: { certResolver: 'le', domains: [{ main: '*.example.com' }] } },
            plain: { rule: 'Host(`plain.example.com`)', service: 's' },
            fromEntryPoint: { rule: 'Host(`ep.example.com`)', service: 's', entryPoints: ['websecure'] },
          },
        },
        tcp: { routers: { db: { rule: 'HostSNI(`db.example.com`)', service: 's', tls: { certResolver: 'le' } } } },
        tls: { stores: { default: { defaultGeneratedCert: { resolver: 'le', domain: { main: 'default.example.com' } } } } },
      }),
      staticConfig,
    );

    assert.deepEqual(requests.get('le'), [
      { domain: { main: 'a.example.com', sans: ['b.example.com'] }, origin: 'http.routers.rule@file' },
      { domain: { main: '*.example.com', sans: [] }, origin: 'http.routers.domains@file' },
      { domain: { main: 'db.example.com', sans: [] }, origin: 'tcp.routers.db@file' },
      { domain: { main: 'default.example.com', sans: [] }, origin: 'tls.stores.default.defaultGeneratedCert' },
    ]);
    // A router without entryPoints is on every entryPoint, so websecure's http.tls applies to it too, as in Traefik.
    assert.deepEqual(requests.get('ep'), [
      { domain: { main: 'plain.example.com', sans: [] }, origin: 'http.routers.plain@file' },
      { domain: { main: 'ep.example.com', sans: [] }, origin: 'http.routers.fromEntryPoint@file' },
    ]);
  });
});
