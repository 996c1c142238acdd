import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, load } from './support.js';

describe('static configuration from flags', () => {
  it('reads the arguments the Traefik Helm chart passes', () => {
    const { config, source, errors, warnings } = load([
      '--global.checknewversion',
      '--global.sendanonymoususage',
      '--entryPoints.metrics.address=:9100/tcp',
      '--entryPoints.traefik.address=:8080/tcp',
      '--entryPoints.web.address=:8000/tcp',
      '--entryPoints.websecure.address=:8443/tcp',
      '--api.dashboard=true',
      '--ping=true',
      '--metrics.prometheus=true',
      '--metrics.prometheus.entrypoint=metrics',
      '--providers.kubernetescrd',
      '--providers.kubernetescrd.allowEmptyServices=true',
      '--providers.kubernetesingress',
      '--providers.kubernetesingress.ingressendpoint.publishedservice=default/traefik',
      '--entryPoints.websecure.http.tls=true',
      '--log.level=INFO',
    ]);

    assert.deepEqual(errors, []);
    assert.deepEqual(source, { kind: 'flags' });
    assert.deepEqual(
      Object.fromEntries(Object.entries(config.entryPoints).map(([name, entryPoint]) => [name, entryPoint.address])),
      { metrics: ':9100/tcp', traefik: ':8080/tcp', web: ':8000/tcp', websecure: ':8443/tcp' },
    );
    assert.equal(config.global.sendAnonymousUsage, true);
    assert.deepEqual(config.api, { basePath: '/', insecure: false, dashboard: true, debug: false, disableDashboardAd: false, dashboardName: '' });
    assert.equal(config.ping?.entryPoint, 'traefik');
    assert.deepEqual(config.entryPoints.websecure?.http.tls, { domains: [] });
    assert.equal(config.log.level, 'INFO');
    assert.equal(config.providers.kubernetesCRD?.allowEmptyServices, true);
    assert.equal(config.providers.kubernetesCRD?.allowCrossNamespace, false, 'Traefik v3 default');
    assert.deepEqual(config.providers.kubernetesIngress?.ingressEndpoint, { publishedService: 'default/traefik' });
    assert.equal(config.metrics?.prometheus?.entryPoint, 'metrics');
    assert.deepEqual(warnings, []);
  });

  it('reads providers.kubernetesMesh with Traefik Mesh\'s defaults: traffic type http, 10 HTTP, 25 TCP and 25 UDP ports', () => {
    const { config, errors } = load(['--providers.kubernetesmesh', '--providers.kubernetesMesh.watchNamespaces=tk,test']);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.providers.kubernetesMesh, {
      throttleDuration: 0,
      defaultMode: 'http',
      watchNamespaces: ['tk', 'test'],
      ignoreNamespaces: [],
      limitHTTPPort: 10,
      limitTCPPort: 25,
      limitUDPPort: 25,
      acl: false,
    });
  });

  it('takes a bare boolean flag as true and a bare section flag as the section with its defaults', () => {
    const { config, errors } = load(['--api.insecure', '--ping', '--entryPoints.web.address=:80']);

    assert.deepEqual(errors, []);
    assert.equal(config.api?.insecure, true);
    assert.equal(config.api?.dashboard, true);
    assert.deepEqual(config.ping, { entryPoint: 'traefik', manualRouting: false, terminatingStatusCode: 503 });
  });

  it('adds the entryPoint traefik on :8080 for the insecure API, as Traefik', () => {
    const { config } = load(['--api.insecure', '--entryPoints.web.address=:80']);

    assert.deepEqual(Object.keys(config.entryPoints), ['web', 'traefik']);
    assert.equal(config.entryPoints.traefik?.address, ':8080');
    assert.equal(config.entryPoints.traefik?.transport.respondingTimeouts.readTimeout, 60_000);
  });

  it('does not add the entryPoint traefik for ping with manual routing', () => {
    const { config } = load(['--ping.manualRouting', '--entryPoints.web.address=:80']);

    assert.deepEqual(Object.keys(config.entryPoints), ['web']);
  });

  it('reads a value given as the next argument', () => {
    const { config, errors } = load(['--entryPoints.web.address', ':8000', '--log.level', 'debug']);

    assert.deepEqual(errors, []);
    assert.equal(config.entryPoints.web?.address, ':8000');
    assert.equal(config.log.level, 'DEBUG');
  });

  it('matches keys case-insensitively, keeping the entryPoint name as first written', () => {
    const { config, errors } = load(['--ENTRYPOINTS.Web.ADDRESS=:80', '--entrypoints.web.asdefault=TRUE', '-API.INSECURE']);

    assert.deepEqual(errors, []);
    assert.deepEqual(Object.keys(config.entryPoints), ['Web', 'traefik']);
    assert.equal(config.entryPoints.Web?.asDefault, true);
    assert.equal(config.api?.insecure, true);
  });

  it('splits comma-separated lists and adds up repeated list flags', () => {
    const { config, errors } = load([
      '--entryPoints.web.address=:80',
      '--entryPoints.web.forwardedHeaders.trustedIPs=10.0.0.0/8,192.168.0.1',
      '--entryPoints.web.forwardedHeaders.trustedIPs=fd00::/8',
      '--entryPoints.web.http.middlewares=auth@file, compress@kubernetescrd',
    ]);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.entryPoints.web?.forwardedHeaders.trustedIPs, ['10.0.0.0/8', '192.168.0.1', 'fd00::/8']);
    assert.deepEqual(config.entryPoints.web?.http.middlewares, ['auth@file', 'compress@kubernetescrd']);
  });

  it('reads lists of sections with an index in brackets', () => {
    const { config, errors } = load([
      '--entryPoints.websecure.address=:443',
      '--entryPoints.websecure.http.tls.certResolver=le',
      '--entryPoints.websecure.http.tls.domains[0].main=example.com',
      '--entryPoints.websecure.http.tls.domains[0].sans=a.example.com,b.example.com',
      '--entryPoints.websecure.http.tls.domains[1].main=example.org',
    ]);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.entryPoints.websecure?.http.tls?.domains, [
      { main: 'example.com', sans: ['a.example.com', 'b.example.com'] },
      { main: 'example.org', sans: [] },
    ]);
  });

  it('converts durations, numbers and booleans from text', () => {
    const { config, errors } = load([
      '--entryPoints.web.address=:80',
      '--entryPoints.web.transport.respondingTimeouts.readTimeout=10',
      '--entryPoints.web.transport.respondingTimeouts.idleTimeout=1m30s',
      '--entryPoints.web.transport.keepAliveMaxRequests=100',
      '--entryPoints.web.http.sanitizePath=false',
      '--providers.providersThrottleDuration=250ms',
    ]);

    assert.deepEqual(errors, []);
    assert.equal(config.entryPoints.web?.transport.respondingTimeouts.readTimeout, 10_000);
    assert.equal(config.entryPoints.web?.transport.respondingTimeouts.idleTimeout, 90_000);
    assert.equal(config.entryPoints.web?.transport.keepAliveMaxRequests, 100);
    assert.equal(config.entryPoints.web?.http.sanitizePath, false);
    assert.equal(config.providers.providersThrottleDuration, 250);
  });

  it('turns a section off with =false', () => {
    const { config, errors } = load(['--entryPoints.web.address=:80', '--api=false', '--ping=false']);

    assert.deepEqual(errors, []);
    assert.equal(config.api, undefined);
    assert.equal(config.ping, undefined);
  });

  it('accepts the file provider with a filename', () => {
    const { config, errors } = load(['--providers.file.filename=/etc/junction/dynamic.yml', '--providers.file.watch=false']);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.providers.file, { filename: '/etc/junction/dynamic.yml', watch: false, debugLogGeneratedTemplate: false });
    assert.deepEqual(Object.keys(config.entryPoints), ['http']);
  });

  it('reports an unknown flag with the nearest known key', () => {
    assert.deepEqual(errorsOf(['--entryPoints.web.address=:80', '--api.insecur']), ['api.insecur: unknown key "insecur"; did you mean "insecure"?']);
    assert.deepEqual(errorsOf(['--entrypoint.web.address=:80']), ['entrypoint: unknown key "entrypoint"; did you mean "entryPoints"?']);
  });

  it('reports a flag that needs a value and has none', () => {
    assert.deepEqual(errorsOf(['--entryPoints.web.address']), ['--entryPoints.web.address: flag needs a value']);
    assert.deepEqual(errorsOf(['--log.level', '--api']), ['--log.level: flag needs a value']);
  });

  it('reports an argument that is not a flag', () => {
    assert.deepEqual(errorsOf(['--entryPoints.web.address=:80', 'serve']), ['unexpected argument "serve"; flags look like "--entryPoints.web.address=:80"']);
  });

  it('reports a value and keys set on the same path', () => {
    assert.deepEqual(errorsOf(['--api=false', '--api.insecure']), ['--api.insecure: value "false" given to "api" conflicts with keys set under it']);
  });

  it('reports an invalid value at its configuration path', () => {
    assert.deepEqual(errorsOf(['--entryPoints.web.address=:80800']), ['entryPoints.web.address: port "80800" is out of range 1-65535']);
    assert.deepEqual(errorsOf(['--entryPoints.web.address=:80', '--entryPoints.web.forwardedHeaders.trustedIPs=10.0.0.1,10.0.0.300']), [
      'entryPoints.web.forwardedHeaders.trustedIPs[1]: invalid IP or CIDR "10.0.0.300"',
    ]);
  });

  it('reports a redirection to an entryPoint that does not exist', () => {
    assert.deepEqual(errorsOf(['--entryPoints.web.address=:80', '--entryPoints.web.http.redirections.entryPoint.to=websecure']), [
      'entryPoints.web.http.redirections.entryPoint.to: entryPoint "websecure" does not exist',
    ]);
  });

  it('accepts a redirection to a port', () => {
    const { config, errors } = load(['--entryPoints.web.address=:80', '--entryPoints.web.http.redirections.entryPoint.to=:443', '--entryPoints.web.http.redirections.entryPoint.permanent=false']);

    assert.deepEqual(errors, []);
    assert.equal(config.entryPoints.web?.http.redirections?.entryPoint?.to, ':443');
    assert.equal(config.entryPoints.web?.http.redirections?.entryPoint?.permanent, false);
  });

  it('lets two entryPoints share a port when both reuse it', () => {
    const { errors } = load(['--entryPoints.a.address=:80', '--entryPoints.a.reusePort', '--entryPoints.b.address=:80', '--entryPoints.b.reusePort', '--entryPoints.c.address=:80/udp']);

    assert.deepEqual(errors, []);
  });
});
