import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubernetesIngressProviderConfig } from '../../src/config/static/static-config.js';
import { watchedKinds } from '../../src/providers/kubernetes-crd/kubernetes-crd-provider.js';
import { ingressWatchedKinds } from '../../src/providers/kubernetes-ingress/kubernetes-ingress-provider.js';
import { meshWatchedKinds } from '../../src/providers/kubernetes-mesh/kubernetes-mesh-provider.js';
import type { RecordedApiRequest } from '../support/kubernetes/api-server.js';
import { until } from '../support/until.js';
import { findObject, podTemplateOf, readManifests } from './deploy-files.js';
import { deployInTestCluster } from './test-cluster-deployment.js';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** Every `group/resource:verb` a list of rules grants. */
function grants(rules: readonly PolicyRule[]): Set<string> {
  return new Set(rules.flatMap((rule) => rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${group}/${resource}:${verb}`)))));
}

const rbac = readManifests('deploy/rbac.yaml');
const clusterRole = findObject(rbac, 'ClusterRole', 'junction');
const clusterRoleGrants = grants(clusterRole['rules'] as PolicyRule[]);

/**
 * What the providers need, from their own lists of watched kinds with every cluster-scoped lookup switched on:
 * read (get, list, watch) each kind, and update the status of Ingresses.
 */
function providerNeeds(): Set<string> {
  const crd = watchedKinds({ labelSelector: '', disableClusterScopeResources: false });
  const ingress = ingressWatchedKinds({ labelSelector: '', disableClusterScopeResources: false, disableIngressClassLookup: false } as KubernetesIngressProviderConfig);
  const read = [...crd, ...ingress, ...meshWatchedKinds].flatMap(({ kind }) => ['get', 'list', 'watch'].map((verb) => `${kind.group}/${kind.plural}:${verb}`));
  return new Set([...read, 'networking.k8s.io/ingresses/status:update']);
}

/**
 * The permission a request to the API server needs (`group/resource[/subresource]:verb`), or undefined for the
 * discovery documents every authenticated client may read.
 */
function permissionOf(request: RecordedApiRequest): string | undefined {
  const segments = request.path.split('/').filter((segment) => segment !== '');
  const [root, ...rest] = segments;
  const [group, afterVersion] = root === 'api' ? ['', rest.slice(1)] : [rest[0] ?? '', rest.slice(2)];
  const resourcePath = afterVersion[0] === 'namespaces' && afterVersion.length > 2 ? afterVersion.slice(2) : afterVersion;
  const [resource, name, subresource] = resourcePath;
  if (resource === undefined) return undefined;
  const isWatch = request.query.get('watch') === '1' || request.query.get('watch') === 'true';
  const verb = request.method === 'GET' ? (isWatch ? 'watch' : name === undefined ? 'list' : 'get')
    : ({ PUT: 'update', POST: 'create', PATCH: 'patch', DELETE: name === undefined ? 'deletecollection' : 'delete' } as Record<string, string>)[request.method] ?? request.method;
  return `${group}/${resource}${subresource === undefined ? '' : `/${subresource}`}:${verb}`;
}

describe('deploy/rbac.yaml', () => {
  it('grants exactly what the providers read and write: their watched kinds in both groups and Ingress status', () => {
    assert.deepEqual([...clusterRoleGrants].sort(), [...providerNeeds()].sort());
  });

  it('binds the ClusterRole to the ServiceAccount the Deployment runs as', () => {
    const binding = findObject(rbac, 'ClusterRoleBinding', 'junction');
    const account = findObject(rbac, 'ServiceAccount', 'junction');
    const deployment = findObject(readManifests('deploy/junction.yaml'), 'Deployment', 'junction');

    assert.deepEqual(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata.name });
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
    assert.equal(podTemplateOf(deployment).serviceAccountName, account.metadata.name);
    assert.equal(deployment.metadata.namespace, account.metadata.namespace);
  });

  it('keeps the ACME Kubernetes Secret store\'s needs apart: write Secrets and take Leases in Junction\'s namespace only', () => {
    const acme = readManifests('deploy/rbac-acme-store.yaml');
    const role = findObject(acme, 'Role', 'junction-acme-store');
    const binding = findObject(acme, 'RoleBinding', 'junction-acme-store');

    assert.deepEqual([...grants(role['rules'] as PolicyRule[])].sort(), [
      '/secrets:create', '/secrets:get', '/secrets:list', '/secrets:update', '/secrets:watch',
      'coordination.k8s.io/leases:create', 'coordination.k8s.io/leases:get', 'coordination.k8s.io/leases:update',
    ]);
    assert.equal(role.metadata.namespace, 'junction');
    assert.deepEqual(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'junction-acme-store' });
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: 'junction', namespace: 'junction' }]);
  });

  it('covers every request Junction makes to the API server while serving the examples and writing Ingress status', async (t) => {
    const { cluster } = await deployInTestCluster(t);
    await until(() => cluster.requests.some((request) => request.method === 'PUT' && request.path.endsWith('/status')), { timeoutMs: 30_000, message: 'the Ingress status write' });

    const needed = new Set(cluster.requests.map(permissionOf).filter((permission): permission is string => permission !== undefined));
    assert.ok(needed.has('networking.k8s.io/ingresses/status:update'));
    assert.ok(needed.has('traefik.containo.us/ingressroutes:watch'));
    assert.deepEqual([...needed].filter((permission) => !clusterRoleGrants.has(permission)), []);
  });
});
