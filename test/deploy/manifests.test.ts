import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { junctionBin } from '../support/junction.js';
import { get } from '../support/http.js';
import { until } from '../support/until.js';
import { findObject, podTemplateOf, readManifests, yamlFilesIn } from './deploy-files.js';
import { deployInTestCluster, loadBalancerIp } from './test-cluster-deployment.js';

const run = promisify(execFile);

/** The kinds deploy/ may hold, by apiVersion: a typo or a removed API version fails here, not in a cluster. */
const knownKinds = new Set([
  'v1/Namespace', 'v1/ServiceAccount', 'v1/Service', 'apps/v1/Deployment',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
  'networking.k8s.io/v1/IngressClass', 'networking.k8s.io/v1/Ingress',
  'traefik.io/v1alpha1/IngressRoute', 'traefik.io/v1alpha1/Middleware',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
]);

const manifestFiles = [...yamlFilesIn('deploy'), ...yamlFilesIn('deploy/examples'), ...yamlFilesIn('deploy/crds')].filter((file) => file !== 'deploy/kustomization.yaml');
const deployment = readManifests('deploy/junction.yaml');
const pod = podTemplateOf(findObject(deployment, 'Deployment', 'junction'));
const container = pod.containers[0]!;
const args = container.args ?? [];

/** The port an `--entryPoints.<name>.address=:<port>/tcp` flag gives an entry point. */
function entryPointPort(name: string): number | undefined {
  const flag = args.find((arg) => arg.toLowerCase().startsWith(`--entrypoints.${name.toLowerCase()}.address=`));
  return flag === undefined ? undefined : Number(/:(\d+)/.exec(flag)![1]);
}

describe('deploy/: the manifests', () => {
  it('are YAML documents of known apiVersions and kinds, each named', () => {
    assert.ok(manifestFiles.length >= 7);
    for (const file of manifestFiles) {
      for (const object of readManifests(file)) {
        assert.ok(knownKinds.has(`${object.apiVersion}/${object.kind}`), `${file}: ${object.apiVersion} ${object.kind}`);
        assert.match(object.metadata.name, /^[a-z0-9.-]+$/, file);
      }
    }
  });

  it('are all applied by deploy/kustomization.yaml, but for the examples and the ACME store\'s opt-in RBAC', () => {
    const kustomization = readManifests('deploy/kustomization.yaml')[0]!;
    const resources = (kustomization['resources'] as string[]).map((resource) => `deploy/${resource}`);

    assert.equal(kustomization.kind, 'Kustomization');
    assert.deepEqual(resources.sort(), [...yamlFilesIn('deploy/crds'), 'deploy/junction.yaml', 'deploy/rbac.yaml'].sort());
  });

  it('run the container as a non-root user with a read-only root filesystem and no capabilities', () => {
    assert.equal(pod.securityContext?.['runAsNonRoot'], true);
    assert.ok(Number(pod.securityContext?.['runAsUser']) > 0);
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
    // NET_BIND_SERVICE only when an entry point listens below 1024.
    const bindsLowPort = (container.ports ?? []).some((port) => port.containerPort < 1024);
    assert.equal(container.securityContext?.capabilities?.add?.includes('NET_BIND_SERVICE') ?? false, bindsLowPort);
  });

  it('give the container writable /data (acme.json) and /tmp, and nothing else', () => {
    assert.deepEqual((container.volumeMounts ?? []).map((mount) => mount.mountPath).sort(), ['/data', '/tmp']);
    for (const mount of container.volumeMounts ?? []) assert.ok(pod.volumes?.some((volume) => volume.name === mount.name), mount.name);
  });

  it('declare a container port for every entry point of the arguments, at the port the entry point listens on', () => {
    const declared = Object.fromEntries((container.ports ?? []).map((port) => [port.name, port.containerPort]));
    const entryPoints = Object.fromEntries(Object.keys(declared).map((name) => [name, entryPointPort(name)]));

    assert.deepEqual(entryPoints, declared);
    assert.deepEqual(Object.keys(declared).sort(), ['metrics', 'traefik', 'web', 'websecure']);
  });

  it('probe liveness and readiness on /ping of the traefik entry point, where ping is served', () => {
    assert.ok(args.includes('--ping=true'));
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/ping', port: 'traefik' });
    assert.deepEqual(container.livenessProbe?.httpGet, { path: '/ping', port: 'traefik' });
    assert.ok(container.resources?.['requests'] !== undefined);
  });

  it('expose web and websecure through a LoadBalancer Service on 80 and 443, to named container ports', () => {
    const service = findObject(deployment, 'Service', 'junction');
    const spec = service['spec'] as { type: string; selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string }> };
    const labels = (findObject(deployment, 'Deployment', 'junction')['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;

    assert.equal(spec.type, 'LoadBalancer');
    assert.deepEqual(spec.ports.map((port) => [port.name, port.port, port.targetPort]), [['web', 80, 'web'], ['websecure', 443, 'websecure']]);
    for (const [key, value] of Object.entries(spec.selector)) assert.equal(labels[key], value);
    assert.ok(args.includes(`--providers.kubernetesIngress.ingressEndpoint.publishedService=${service.metadata.namespace}/${service.metadata.name}`));
  });

  it('declare the IngressClass traefik of controller traefik.io/ingress-controller', () => {
    assert.deepEqual(findObject(deployment, 'IngressClass', 'traefik')['spec'], { controller: 'traefik.io/ingress-controller' });
  });

  it('give the Deployment arguments that junction check accepts', async () => {
    const { stdout } = await run(process.execPath, [junctionBin, 'check', ...args]);
    assert.match(stdout, /static configuration: command-line flags/);
    assert.match(stdout, /configuration is valid/);
  });

  it('give arguments that junction check refuses when one is wrong (the check above can fail)', async () => {
    await assert.rejects(run(process.execPath, [junctionBin, 'check', ...args, '--entryPoints.web.address=:80800/tcp']), (error: { stdout: string }) => {
      assert.match(error.stdout, /entryPoints\.web\.address/);
      return true;
    });
  });
});

describe('deploy/junction.yaml and deploy/examples on the test API server', () => {
  it('serve the example IngressRoute and its Middleware with the Deployment\'s arguments, and /ping', async (t) => {
    const { junction, whoami } = await deployInTestCluster(t);
    const web = `http://127.0.0.1:${junction.ports['web']}`;

    const response = await until(async () => {
      const answer = await get(`${web}/`, { headers: { host: 'whoami.example.com' } });
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 30_000, message: 'the IngressRoute whoami to serve' });
    assert.match(response.body, /^Hostname: whoami/);
    assert.equal(whoami.lastRequest.headers['x-served-by'], 'junction');
    assert.equal((await get(`${web}/`, { headers: { host: 'unknown.example.com' } })).status, 404);
    assert.equal((await get(`http://127.0.0.1:${junction.ports['traefik']}/ping`)).status, 200);
  });

  it('serve the example Ingress of class traefik, and publish the Service\'s address in its status', async (t) => {
    const { cluster, junction } = await deployInTestCluster(t);

    const response = await until(async () => {
      const answer = await get(`http://127.0.0.1:${junction.ports['web']}/anything`, { headers: { host: 'whoami-ingress.example.com' } });
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 30_000, message: 'the Ingress whoami to serve' });
    assert.match(response.body, /^Hostname: whoami/);

    const status = await until(() => {
      const ingress = cluster.get('networking.k8s.io/v1', 'Ingress', 'default', 'whoami');
      return (ingress?.['status'] as { loadBalancer?: { ingress?: unknown[] } } | undefined)?.loadBalancer?.ingress;
    }, { timeoutMs: 30_000, message: 'the Ingress status' });
    assert.deepEqual(status, [{ ip: loadBalancerIp }]);
  });

  it('serve the example IngressRoute from the legacy group traefik.containo.us too', async (t) => {
    const { cluster, junction, examples } = await deployInTestCluster(t);
    const route = findObject(examples, 'IngressRoute', 'whoami');
    const spec = route['spec'] as { routes: Array<Record<string, unknown>> };
    cluster.apply({
      ...route,
      apiVersion: 'traefik.containo.us/v1alpha1',
      metadata: { name: 'whoami-legacy', namespace: 'default' },
      spec: { ...spec, routes: [{ ...spec.routes[0], match: 'Host(`legacy.example.com`)' }] },
    });

    const response = await until(async () => {
      const answer = await get(`http://127.0.0.1:${junction.ports['web']}/`, { headers: { host: 'legacy.example.com' } });
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 30_000, message: 'the legacy IngressRoute to serve' });
    assert.match(response.body, /^Hostname: whoami/);
  });
});
