import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, load } from '../../config/static/support.js';

describe('providers.kubernetesIngress options', () => {
  it('enables the provider with Traefik defaults from a bare flag', () => {
    const { config, errors, warnings } = load(['--entryPoints.web.address=:80', '--providers.kubernetesingress']);

    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.providers.kubernetesIngress, {
      namespaces: [],
      labelSelector: '',
      ingressClass: '',
      reportNodeInternalIPs: false,
      throttleDuration: 0,
      allowEmptyServices: false,
      allowExternalNameServices: false,
      disableIngressClassLookup: false,
      disableClusterScopeResources: false,
      nativeLBByDefault: false,
      strictPrefixMatching: false,
    });
  });

  it('reads every option from flags as the Traefik Helm chart writes them', () => {
    const { config, errors } = load([
      '--entryPoints.web.address=:80',
      '--providers.kubernetesingress.endpoint=https://10.0.0.1:6443',
      '--providers.kubernetesingress.token=/var/run/secrets/token',
      '--providers.kubernetesingress.certauthfilepath=/var/run/secrets/ca.crt',
      '--providers.kubernetesingress.namespaces=default,apps',
      '--providers.kubernetesingress.labelselector=app=web',
      '--providers.kubernetesingress.ingressclass=junction',
      '--providers.kubernetesingress.ingressendpoint.ip=192.0.2.10',
      '--providers.kubernetesingress.ingressendpoint.hostname=lb.example.com',
      '--providers.kubernetesingress.throttleduration=2s',
      '--providers.kubernetesingress.allowemptyservices=true',
      '--providers.kubernetesingress.allowexternalnameservices',
      '--providers.kubernetesingress.crossprovidernamespaces=kube-system',
      '--providers.kubernetesingress.nativelbbydefault=true',
      '--providers.kubernetesingress.strictprefixmatching=true',
      '--providers.kubernetesingress.disableclusterscoperesources=true',
    ]);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.providers.kubernetesIngress, {
      endpoint: 'https://10.0.0.1:6443',
      token: '/var/run/secrets/token',
      certAuthFilePath: '/var/run/secrets/ca.crt',
      namespaces: ['default', 'apps'],
      labelSelector: 'app=web',
      ingressClass: 'junction',
      ingressEndpoint: { ip: '192.0.2.10', hostname: 'lb.example.com' },
      reportNodeInternalIPs: false,
      throttleDuration: 2000,
      allowEmptyServices: true,
      allowExternalNameServices: true,
      crossProviderNamespaces: ['kube-system'],
      disableIngressClassLookup: false,
      disableClusterScopeResources: true,
      nativeLBByDefault: true,
      strictPrefixMatching: true,
    });
  });

  it('reads the options from environment variables', () => {
    const { config, errors } = load([], {
      TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80',
      TRAEFIK_PROVIDERS_KUBERNETESINGRESS_INGRESSENDPOINT_PUBLISHEDSERVICE: 'kube-system/junction',
      TRAEFIK_PROVIDERS_KUBERNETESINGRESS_NAMESPACES: 'default',
    });

    assert.deepEqual(errors, []);
    assert.deepEqual(config.providers.kubernetesIngress?.ingressEndpoint, { publishedService: 'kube-system/junction' });
    assert.deepEqual(config.providers.kubernetesIngress?.namespaces, ['default']);
  });

  it('rejects a published service that is not namespace/name, and an unknown option', () => {
    assert.deepEqual(errorsOf(['--entryPoints.web.address=:80', '--providers.kubernetesingress.ingressendpoint.publishedservice=junction']), [
      'providers.kubernetesIngress.ingressEndpoint.publishedService: expected "namespace/service", got "junction"',
    ]);
    assert.equal(errorsOf(['--entryPoints.web.address=:80', '--providers.kubernetesingress.ingressclas=junction']).length, 1);
  });
});
