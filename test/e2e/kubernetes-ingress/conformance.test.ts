import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { defaultCertificateName } from '../../../src/tls/default-certificate.js';
import { createCertificateAuthority, type CertificateAuthority } from '../../support/certificates.js';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer, type KubeObject } from '../../support/kubernetes/api-server.js';
import { ingress, ingressClass, servedBy, service, tlsSecret } from '../../support/kubernetes/ingress-objects.js';
import { parseEcho, type Echo } from '../../support/scenario.js';
import { tlsGet } from '../../support/tls-client.js';
import { startUpstream, whoamiText, type Upstream } from '../../support/upstream.js';

/**
 * Kubernetes Ingress semantics as Traefik's Ingress provider gives them, checked through a running Junction that
 * reads a test API server with the official client: path types, host wildcards, precedence, the default backend,
 * TLS from Secrets, IngressClass selection and the router and service annotations.
 */

const annotation = (key: string): string => `traefik.ingress.kubernetes.io/${key}`;
const traefikController = 'traefik.io/ingress-controller';

interface Answer {
  readonly status: number;
  readonly answeredBy: string | undefined;
  readonly echo: Echo;
  readonly headers: Record<string, string | string[] | undefined>;
}

async function send(junction: JunctionProcess, entryPoint: string, host: string, path: string): Promise<Answer> {
  const response = await get(`${junction.url(entryPoint)}${path}`, { headers: { host } });
  const echo = parseEcho(response.body);
  return { status: response.status, answeredBy: echo.hostname, echo, headers: response.headers };
}

function ingressStatic(cluster: KubernetesApiServer, options: Record<string, unknown> = {}): string {
  return `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  websecure:
    address: "127.0.0.1:{{PORT_websecure}}"
  fallback:
    address: "127.0.0.1:{{PORT_fallback}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
  kubernetesIngress:
    endpoint: "${cluster.url}"
${Object.entries(options).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`).join('\n')}
`;
}

/** What the Ingresses refer to with `@file`: a middleware, a serversTransport and TLS options. */
const fileDynamic = `
http:
  middlewares:
    tagged:
      headers:
        customRequestHeaders:
          X-Tagged: "from-file"
  serversTransports:
    impatient:
      forwardingTimeouts:
        responseHeaderTimeout: 300ms
tls:
  options:
    modern:
      minVersion: VersionTLS13
`;

// Two instances load the Kubernetes client side by side, which takes a while on a busy machine.
const ready = { readyPattern: /kubernetes provider: configuration read[\s\S]*configuration applied/, readyTimeoutMs: 120_000 };

describe('Kubernetes Ingress provider conformance', () => {
  let cluster: KubernetesApiServer;
  let ca: CertificateAuthority;
  let secureCertificate: { cert: string; key: string };
  const upstreams = new Map<string, Upstream>();
  let junction: JunctionProcess;
  let strict: JunctionProcess;

  before(async () => {
    cluster = await KubernetesApiServer.start();
    ca = await createCertificateAuthority();
    secureCertificate = await ca.issue({ dnsNames: ['secure.test'] });
    const modernCertificate = await ca.issue({ dnsNames: ['tls13.test'] });
    for (const name of ['exact', 'prefix', 'longer', 'impl', 'wildcard', 'fallback', 'secure', 'classy', 'tagged', 'pinned', 'matcher', 'regexp', 'syntax', 'verbatim', 'sticky', 'native', 'scheme']) {
      upstreams.set(name, await startUpstream(undefined, { name }));
    }
    upstreams.set('slow', await startUpstream(undefined, {
      name: 'slow',
      handler: (request, response) => {
        setTimeout(() => {
          response.writeHead(200);
          response.end(whoamiText('slow', request));
        }, 3000);
      },
    }));
    const up = (name: string): Upstream => upstreams.get(name)!;
    const objects: KubeObject[] = [
      ...['exact', 'prefix', 'longer', 'impl', 'wildcard', 'fallback', 'secure', 'classy', 'tagged', 'pinned', 'matcher', 'regexp', 'syntax'].flatMap((name) => servedBy(up(name))),
      ...servedBy(up('verbatim'), 'verbatim', { annotations: { [annotation('service.passhostheader')]: 'false' } }),
      ...servedBy(up('sticky'), 'sticky', { annotations: { [annotation('service.sticky.cookie')]: 'true', [annotation('service.sticky.cookie.name')]: 'pin' } }),
      ...servedBy(up('slow'), 'slow', { annotations: { [annotation('service.serverstransport')]: 'impatient@file' } }),
      ...servedBy(up('scheme'), 'scheme', { annotations: { [annotation('service.serversscheme')]: 'https' } }),
      // Reached only through its ClusterIP: no EndpointSlice.
      service('native', { annotations: { [annotation('service.nativelb')]: 'true' }, spec: { clusterIP: '127.0.0.1', ports: [{ name: 'http', port: up('native').port }] } }),
      tlsSecret('secure-cert', secureCertificate),
      tlsSecret('tls13-cert', modernCertificate),
      ingressClass('junction', traefikController),
      ingressClass('nginx', 'k8s.io/ingress-nginx', { 'ingressclass.kubernetes.io/is-default-class': 'true' }),

      ingress('paths', {
        rules: [{
          host: 'paths.test',
          paths: [
            { path: '/exact', pathType: 'Exact', service: 'exact' },
            { path: '/foo', pathType: 'Prefix', service: 'prefix' },
            { path: '/foo/bar', pathType: 'Prefix', service: 'longer' },
            { path: '/impl', pathType: 'ImplementationSpecific', service: 'impl' },
          ],
        }],
      }),
      ingress('equal', { rules: [{ host: 'equal.test', paths: [{ path: '/same', pathType: 'Exact', service: 'exact' }, { path: '/same', pathType: 'Prefix', service: 'prefix' }] }] }),
      ingress('strict', {
        ingressClassName: 'junction',
        labels: { exposed: 'yes' },
        rules: [{ host: 'strict.test', paths: [{ path: '/foo', pathType: 'Prefix', service: 'prefix' }, { path: '/trail/', pathType: 'Prefix', service: 'longer' }] }],
      }),
      ingress('wildcard', { rules: [{ host: '*.foo.test', paths: [{ service: 'wildcard' }] }] }),
      ingress('fallback', { annotations: { [annotation('router.entrypoints')]: 'fallback' }, defaultBackend: { service: 'fallback' } }),
      ingress('secure', {
        annotations: { [annotation('router.tls')]: 'true', [annotation('router.entrypoints')]: 'websecure' },
        tls: [{ hosts: ['secure.test'], secretName: 'secure-cert' }],
        rules: [{ host: 'secure.test', paths: [{ service: 'secure' }] }],
      }),
      ingress('tls13', {
        annotations: { [annotation('router.tls.options')]: 'modern@file', [annotation('router.entrypoints')]: 'websecure' },
        tls: [{ hosts: ['tls13.test'], secretName: 'tls13-cert' }],
        rules: [{ host: 'tls13.test', paths: [{ service: 'secure' }] }],
      }),
      ingress('resolved', {
        annotations: { [annotation('router.tls.certresolver')]: 'le', [annotation('router.entrypoints')]: 'websecure' },
        rules: [{ host: 'resolved.test', paths: [{ service: 'secure' }] }],
      }),
      ingress('by-class-name', { ingressClassName: 'junction', labels: { exposed: 'yes' }, rules: [{ host: 'class-name.test', paths: [{ service: 'classy' }] }] }),
      ingress('other-class', { ingressClassName: 'nginx', rules: [{ host: 'other-class.test', paths: [{ service: 'classy' }] }] }),
      ingress('unknown-class', { ingressClassName: 'absent', rules: [{ host: 'unknown-class.test', paths: [{ service: 'classy' }] }] }),
      ingress('legacy-traefik', { annotations: { 'kubernetes.io/ingress.class': 'traefik' }, rules: [{ host: 'legacy-traefik.test', paths: [{ service: 'classy' }] }] }),
      ingress('legacy-nginx', { annotations: { 'kubernetes.io/ingress.class': 'nginx' }, rules: [{ host: 'legacy-nginx.test', paths: [{ service: 'classy' }] }] }),
      ingress('no-class', { rules: [{ host: 'no-class.test', paths: [{ service: 'classy' }] }] }),
      ingress('tagged', { annotations: { [annotation('router.middlewares')]: 'tagged@file' }, rules: [{ host: 'tagged.test', paths: [{ service: 'tagged' }] }] }),
      ingress('pinned', { annotations: { [annotation('router.priority')]: '100' }, rules: [{ host: 'priority.test', paths: [{ path: '/p', service: 'pinned' }] }] }),
      ingress('unpinned', { rules: [{ host: 'priority.test', paths: [{ path: '/p/longer', service: 'longer' }] }] }),
      ingress('matcher', { annotations: { [annotation('router.pathmatcher')]: 'Path' }, rules: [{ host: 'matcher.test', paths: [{ path: '/pm', pathType: 'ImplementationSpecific', service: 'matcher' }] }] }),
      ingress('regexp', { annotations: { [annotation('router.pathmatcher')]: 'PathRegexp' }, rules: [{ host: 'regexp.test', paths: [{ path: '^/re/[0-9]+$', pathType: 'ImplementationSpecific', service: 'regexp' }] }] }),
      ingress('syntax', { annotations: { [annotation('router.rulesyntax')]: 'v2' }, rules: [{ host: '*.v2.test', paths: [{ service: 'syntax' }] }] }),
      ingress('verbatim', { rules: [{ host: 'verbatim.test', paths: [{ service: 'verbatim' }] }] }),
      ingress('sticky', { rules: [{ host: 'sticky.test', paths: [{ service: 'sticky' }] }] }),
      ingress('slow', { rules: [{ host: 'slow.test', paths: [{ service: 'slow' }] }] }),
      ingress('scheme', { rules: [{ host: 'scheme.test', paths: [{ service: 'scheme' }] }] }),
      // For the options of the second instance: labelSelector, allowEmptyServices, allowExternalNameServices.
      ingress('unlabelled', { ingressClassName: 'junction', rules: [{ host: 'unlabelled.test', paths: [{ service: 'classy' }] }] }),
      service('empty'),
      ingress('empty', { ingressClassName: 'junction', labels: { exposed: 'yes' }, rules: [{ host: 'empty.test', paths: [{ service: 'empty' }] }] }),
      service('external', { spec: { type: 'ExternalName', externalName: '127.0.0.1', ports: [{ name: 'http', port: up('classy').port }] } }),
      ingress('external', { ingressClassName: 'junction', labels: { exposed: 'yes' }, rules: [{ host: 'external.test', paths: [{ service: 'external', port: up('classy').port }] }] }),
      ingress('native', { rules: [{ host: 'native.test', paths: [{ service: 'native', port: up('native').port }] }] }),
    ];
    cluster.apply(objects);
    [junction, strict] = await Promise.all([
      startJunction(undefined, { static: ingressStatic(cluster), dynamic: fileDynamic, ...ready }),
      startJunction(undefined, { static: ingressStatic(cluster, { strictPrefixMatching: true, ingressClass: 'junction', labelSelector: 'exposed=yes', allowEmptyServices: true, allowExternalNameServices: true }), dynamic: fileDynamic, ...ready }),
    ]);
  });
  after(async () => {
    await Promise.all([junction?.stop('SIGKILL'), strict?.stop('SIGKILL')]);
    await Promise.all([...[...upstreams.values()].map((upstream) => upstream.close()), cluster?.close()]);
  });

  describe('path types', () => {
    const cases: Array<{ description: string; host: string; path: string; expected: string | 404 }> = [
      { description: 'Exact /exact matches /exact', host: 'paths.test', path: '/exact', expected: 'exact' },
      { description: 'Exact /exact does not match /exact/', host: 'paths.test', path: '/exact/', expected: 404 },
      { description: 'Exact /exact does not match /exact/sub', host: 'paths.test', path: '/exact/sub', expected: 404 },
      { description: 'Prefix /foo matches /foo', host: 'paths.test', path: '/foo', expected: 'prefix' },
      { description: 'Prefix /foo matches /foo/', host: 'paths.test', path: '/foo/', expected: 'prefix' },
      { description: 'Prefix /foo matches /foo/baz', host: 'paths.test', path: '/foo/baz', expected: 'prefix' },
      { description: 'Prefix /foo matches /foobar, character-wise as Traefik does without strictPrefixMatching', host: 'paths.test', path: '/foobar', expected: 'prefix' },
      { description: 'the longer Prefix /foo/bar is tried before /foo: /foo/bar/baz', host: 'paths.test', path: '/foo/bar/baz', expected: 'longer' },
      { description: 'the longer Prefix /foo/bar is tried before /foo: /foo/bar', host: 'paths.test', path: '/foo/bar', expected: 'longer' },
      { description: 'a path shorter than /foo/bar stays with /foo: /foo/ba', host: 'paths.test', path: '/foo/ba', expected: 'prefix' },
      { description: 'ImplementationSpecific is a PathPrefix: /impl/x', host: 'paths.test', path: '/impl/x', expected: 'impl' },
      { description: 'ImplementationSpecific is a character-wise PathPrefix: /implx', host: 'paths.test', path: '/implx', expected: 'impl' },
      { description: 'a path no rule matches answers 404', host: 'paths.test', path: '/elsewhere', expected: 404 },
      // The PathPrefix rule is the longer string, so its default priority is higher, as in Traefik.
      { description: 'Prefix /same wins over Exact /same of equal length: its rule is longer', host: 'equal.test', path: '/same', expected: 'prefix' },
    ];
    for (const { description, host, path, expected } of cases) {
      it(description, async () => {
        const answer = await send(junction, 'web', host, path);

        if (expected === 404) return assert.equal(answer.status, 404);
        assert.equal(answer.status, 200);
        assert.equal(answer.answeredBy, expected);
        assert.equal(answer.echo.target, path);
      });
    }
  });

  describe('strictPrefixMatching: path elements, as the Kubernetes Ingress API defines Prefix', () => {
    const cases: Array<{ description: string; path: string; expected: string | 404 }> = [
      { description: '/foo matches /foo', path: '/foo', expected: 'prefix' },
      { description: '/foo matches /foo/', path: '/foo/', expected: 'prefix' },
      { description: '/foo matches /foo/bar', path: '/foo/bar', expected: 'prefix' },
      { description: '/foo does not match /foobar', path: '/foobar', expected: 404 },
      { description: '/trail/ matches /trail: a trailing slash is ignored', path: '/trail', expected: 'longer' },
      { description: '/trail/ matches /trail/x', path: '/trail/x', expected: 'longer' },
      { description: '/trail/ does not match /trailx', path: '/trailx', expected: 404 },
    ];
    for (const { description, path, expected } of cases) {
      it(description, async () => {
        const answer = await send(strict, 'web', 'strict.test', path);

        if (expected === 404) return assert.equal(answer.status, 404);
        assert.equal(answer.status, 200);
        assert.equal(answer.answeredBy, expected);
      });
    }
  });

  describe('host wildcards', () => {
    for (const { host, expected } of [
      { host: 'bar.foo.test', expected: 'wildcard' },
      { host: 'baz.bar.foo.test', expected: 404 },
      { host: 'foo.test', expected: 404 },
    ] as const) {
      it(`*.foo.test ${expected === 404 ? 'does not match' : 'matches'} ${host}`, async () => {
        const answer = await send(junction, 'web', host, '/');

        if (expected === 404) return assert.equal(answer.status, 404);
        assert.equal(answer.answeredBy, expected);
      });
    }
  });

  describe('default backend', () => {
    it('answers what no other router matches (an Ingress with spec.defaultBackend and no rules)', async () => {
      const answer = await send(junction, 'fallback', 'unknown.test', '/anything');

      assert.equal(answer.status, 200);
      assert.equal(answer.answeredBy, 'fallback');
      assert.equal(answer.echo.target, '/anything');
    });

    it('has the lowest priority: every other router of the entryPoint comes first', async () => {
      assert.equal((await send(junction, 'fallback', 'paths.test', '/exact')).answeredBy, 'exact');
      assert.equal((await send(junction, 'fallback', 'paths.test', '/exact/')).answeredBy, 'fallback');
    });

    it('stays on the entryPoints its router.entrypoints annotation names', async () => {
      assert.equal((await send(junction, 'web', 'unknown.test', '/anything')).status, 404);
    });
  });

  describe('TLS by Secret', () => {
    it('serves HTTPS for the Secret\'s host with the Secret\'s certificate (router.tls)', async () => {
      const answer = await tlsGet(junction.ports['websecure']!, { servername: 'secure.test', host: 'secure.test', path: '/' });

      assert.equal(answer.status, 200);
      assert.match(answer.body, /^Hostname: secure$/m);
      assert.equal(answer.certificate.fingerprint256, new X509Certificate(secureCertificate.cert).fingerprint256);
      assert.ok(new X509Certificate(secureCertificate.cert).verify(new X509Certificate(ca.cert).publicKey));
    });

    it('keeps a router with router.tls off plain HTTP', async () => {
      assert.equal((await send(junction, 'web', 'secure.test', '/')).status, 404);
    });

    it('applies the TLS options router.tls.options names (here TLS 1.3 at least)', async () => {
      const answer = await tlsGet(junction.ports['websecure']!, { servername: 'tls13.test', host: 'tls13.test', path: '/', minVersion: 'TLSv1.3' });
      assert.equal(answer.status, 200);

      await assert.rejects(tlsGet(junction.ports['websecure']!, { servername: 'tls13.test', host: 'tls13.test', path: '/', maxVersion: 'TLSv1.2' }));
    });

    it('reports a router.tls.certresolver that does not exist and serves the default certificate', async () => {
      await junction.waitForOutput(/http\.routers\.default-resolved-resolved-test\.tls\.certResolver: certificate resolver "le" does not exist/);
      const answer = await tlsGet(junction.ports['websecure']!, { servername: 'resolved.test', host: 'resolved.test', path: '/' });

      assert.equal(answer.status, 200);
      assert.equal(answer.certificateName, defaultCertificateName);
    });
  });

  describe('IngressClass selection', () => {
    const cases: Array<{ description: string; host: string; served: boolean }> = [
      { description: 'serves an Ingress whose ingressClassName names an IngressClass of traefik.io/ingress-controller', host: 'class-name.test', served: true },
      { description: 'ignores an Ingress whose IngressClass names another controller', host: 'other-class.test', served: false },
      { description: 'ignores an Ingress whose IngressClass does not exist', host: 'unknown-class.test', served: false },
      { description: 'serves an Ingress with the legacy annotation kubernetes.io/ingress.class: traefik', host: 'legacy-traefik.test', served: true },
      { description: 'ignores an Ingress with the legacy annotation naming another class', host: 'legacy-nginx.test', served: false },
      { description: 'serves an Ingress with no class, whatever IngressClass is marked default (as Traefik)', host: 'no-class.test', served: true },
    ];
    for (const { description, host, served } of cases) {
      it(description, async () => {
        const answer = await send(junction, 'web', host, '/');

        assert.equal(answer.status, served ? 200 : 404);
        if (served) assert.equal(answer.answeredBy, 'classy');
      });
    }

    it('with the ingressClass option, serves only the Ingresses of that IngressClass', async () => {
      assert.equal((await send(strict, 'web', 'class-name.test', '/')).answeredBy, 'classy');
      assert.equal((await send(strict, 'web', 'no-class.test', '/')).status, 404);
      assert.equal((await send(strict, 'web', 'legacy-traefik.test', '/')).status, 404);
    });
  });

  describe('provider options', () => {
    it('labelSelector narrows the Ingresses read', async () => {
      assert.equal((await send(junction, 'web', 'unlabelled.test', '/')).answeredBy, 'classy');
      assert.equal((await send(strict, 'web', 'unlabelled.test', '/')).status, 404);
    });

    it('allowEmptyServices keeps a path whose Service has no endpoints (503); without it the path is left out (404)', async () => {
      assert.equal((await send(strict, 'web', 'empty.test', '/')).status, 503);
      assert.equal((await send(junction, 'web', 'empty.test', '/')).status, 404);
      await junction.waitForOutput(/Ingress default\/empty spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service: service "default\/empty" has no endpoints ready on port "80" \(allowEmptyServices is off\)/);
    });

    it('allowExternalNameServices lets an ExternalName Service be a server; without it the path is refused', async () => {
      assert.equal((await send(strict, 'web', 'external.test', '/')).answeredBy, 'classy');
      assert.equal((await send(junction, 'web', 'external.test', '/')).status, 404);
      await junction.waitForOutput(/Ingress default\/external spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service: service "default\/external" is of type ExternalName, which allowExternalNameServices does not allow/);
    });
  });

  describe('router annotations', () => {
    it('router.middlewares attaches middlewares of other providers', async () => {
      const answer = await send(junction, 'web', 'tagged.test', '/');

      assert.equal(answer.answeredBy, 'tagged');
      assert.equal(answer.echo.header('X-Tagged'), 'from-file');
    });

    it('router.priority overrides the rule-length default', async () => {
      assert.equal((await send(junction, 'web', 'priority.test', '/p/longer/x')).answeredBy, 'pinned');
    });

    it('router.pathmatcher: Path makes an ImplementationSpecific path exact', async () => {
      assert.equal((await send(junction, 'web', 'matcher.test', '/pm')).answeredBy, 'matcher');
      assert.equal((await send(junction, 'web', 'matcher.test', '/pm/x')).status, 404);
    });

    it('router.pathmatcher: PathRegexp reads the path as a regular expression', async () => {
      assert.equal((await send(junction, 'web', 'regexp.test', '/re/42')).answeredBy, 'regexp');
      assert.equal((await send(junction, 'web', 'regexp.test', '/re/x')).status, 404);
    });

    it('router.rulesyntax: v2 turns a *. host into a one-label HostRegexp', async () => {
      assert.equal((await send(junction, 'web', 'a.v2.test', '/')).answeredBy, 'syntax');
      assert.equal((await send(junction, 'web', 'b.a.v2.test', '/')).status, 404);
    });
  });

  describe('service annotations', () => {
    it('service.passhostheader: false sends the server\'s own address as Host', async () => {
      const answer = await send(junction, 'web', 'verbatim.test', '/');

      assert.equal(answer.answeredBy, 'verbatim');
      assert.equal(answer.echo.header('Host'), `127.0.0.1:${upstreams.get('verbatim')!.port}`);
    });

    it('service.sticky.cookie sets the named sticky cookie', async () => {
      const answer = await send(junction, 'web', 'sticky.test', '/');

      assert.equal(answer.answeredBy, 'sticky');
      assert.match(String(answer.headers['set-cookie']), /^pin=/);
    });

    it('service.serverstransport applies the named serversTransport (a response header timeout of 300 ms: 504)', async () => {
      assert.equal((await send(junction, 'web', 'slow.test', '/')).status, 504);
    });

    it('service.serversscheme: https speaks TLS to the servers (a plain HTTP server: 502)', async () => {
      assert.equal((await send(junction, 'web', 'scheme.test', '/')).status, 502);
    });

    it('service.nativelb sends to the Service\'s ClusterIP instead of its endpoints', async () => {
      assert.equal((await send(junction, 'web', 'native.test', '/')).answeredBy, 'native');
    });
  });
});
