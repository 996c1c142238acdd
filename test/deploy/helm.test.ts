import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../support/kubernetes/api-server.js';
import { junctionBin } from '../support/junction.js';
import { get } from '../support/http.js';
import { peerPath, skipUnlessPeer } from '../support/peers.js';
import { until } from '../support/until.js';
import { findObject, inRepository, podTemplateOf, readManifests, yamlFilesIn } from './deploy-files.js';
import { deployInTestCluster } from './test-cluster-deployment.js';

const run = promisify(execFile);
const skip = skipUnlessPeer('helm', 'go install helm.sh/helm/v3/cmd/helm@v3.16.4');
const chart = inRepository('deploy/helm/junction');
const seedValues = inRepository('test/deploy/fixtures/seed-002-values.yaml');
// A helm built from source believes it talks to Kubernetes 1.20; the chart needs 1.25 or later.
const kubeVersion = '--kube-version=1.30.0';

/** `helm template <release> deploy/helm/junction` with more options; the objects it renders. */
async function render(release: string, namespace: string, ...options: string[]): Promise<KubeObject[]> {
  const { stdout } = await run(peerPath('helm'), ['template', release, chart, `--namespace=${namespace}`, kubeVersion, ...options], { maxBuffer: 32 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((document) => document.toJS() as KubeObject | null).filter((object): object is KubeObject => object !== null);
}

const kindsOf = (objects: readonly KubeObject[]): string[] => objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
const containerOf = (objects: readonly KubeObject[], kind = 'Deployment') => podTemplateOf(objects.find((object) => object.kind === kind)!).containers[0]!;

/** A flag as Traefik reads it: the name in lower case, a flag without a value meaning true. */
function normalisedFlag(flag: string): [string, string] {
  const [name, ...value] = flag.replace(/^--/, '').split('=');
  return [name!.toLowerCase(), value.length === 0 ? 'true' : value.join('=')];
}

async function junctionCheck(args: readonly string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [junctionBin, 'check', ...args]);
  return stdout;
}

describe('deploy/helm/junction', { skip }, () => {
  it('passes helm lint with the default values and with the seed\'s values file', async () => {
    await run(peerPath('helm'), ['lint', chart, kubeVersion]);
    await run(peerPath('helm'), ['lint', chart, kubeVersion, '-f', seedValues]);
  });

  it('renders by default what deploy/ holds: Deployment, LoadBalancer Service, RBAC, IngressClass traefik', async () => {
    const objects = await render('junction', 'junction');

    assert.deepEqual(kindsOf(objects), [
      'ClusterRole/junction-junction', 'ClusterRoleBinding/junction-junction', 'Deployment/junction', 'IngressClass/traefik', 'Service/junction', 'ServiceAccount/junction',
    ]);
    const role = findObject(objects, 'ClusterRole', 'junction-junction');
    assert.deepEqual(role['rules'], findObject(readManifests('deploy/rbac.yaml'), 'ClusterRole', 'junction')['rules']);
    assert.deepEqual((findObject(objects, 'ClusterRoleBinding', 'junction-junction')['subjects']), [{ kind: 'ServiceAccount', name: 'junction', namespace: 'junction' }]);
    assert.deepEqual(findObject(objects, 'IngressClass', 'traefik')['spec'], { controller: 'traefik.io/ingress-controller' });

    const service = findObject(objects, 'Service', 'junction')['spec'] as { type: string; ports: Array<{ name: string; port: number; targetPort: string }> };
    assert.equal(service.type, 'LoadBalancer');
    assert.deepEqual(service.ports.map((port) => [port.name, port.port, port.targetPort]), [['web', 80, 'web'], ['websecure', 443, 'websecure']]);

    const pod = podTemplateOf(findObject(objects, 'Deployment', 'junction'));
    const container = pod.containers[0]!;
    assert.equal(pod.serviceAccountName, 'junction');
    assert.equal(pod.securityContext?.['runAsNonRoot'], true);
    assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(container.securityContext?.capabilities, { drop: ['ALL'] });
    assert.deepEqual(container.readinessProbe?.httpGet, { path: '/ping', port: 'traefik' });
    assert.deepEqual((container.volumeMounts ?? []).map((mount) => mount.mountPath), ['/data', '/tmp']);
    assert.deepEqual(pod.volumes, [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }]);
    assert.deepEqual((container.ports ?? []).map((port) => `${port.name}:${port.containerPort}`), ['metrics:9100', 'traefik:8080', 'web:8000', 'websecure:8443']);
  });

  it('gives Junction arguments that junction check accepts, with both providers and the published Service', async () => {
    const args = containerOf(await render('junction', 'junction')).args ?? [];

    assert.ok(args.includes('--providers.kubernetesCRD=true'));
    assert.ok(args.includes('--providers.kubernetesIngress=true'));
    assert.ok(args.includes('--providers.kubernetesIngress.ingressEndpoint.publishedService=junction/junction'));
    assert.ok(args.includes('--entryPoints.web.address=:8000/tcp'));
    assert.match(await junctionCheck(args), /configuration is valid/);
  });

  it('renders the seed\'s values: host ports, a UDP entry point, provider options, logs, persistence, nodeSelector, resources, additionalArguments', async () => {
    const objects = await render('traefik', 'kube-system', '-f', seedValues);
    const pod = podTemplateOf(findObject(objects, 'Deployment', 'traefik-junction'));
    const container = pod.containers[0]!;
    const args = container.args ?? [];

    assert.deepEqual(kindsOf(objects), [
      'ClusterRole/traefik-junction-kube-system', 'ClusterRoleBinding/traefik-junction-kube-system', 'Deployment/traefik-junction',
      'IngressClass/traefik', 'PersistentVolumeClaim/traefik-junction', 'ServiceAccount/traefik-junction',
    ]);
    assert.equal((findObject(objects, 'IngressClass', 'traefik').metadata.annotations ?? {})['ingressclass.kubernetes.io/is-default-class'], 'false');
    assert.deepEqual((container.ports ?? []).map((port) => `${port.name}:${port.containerPort}:${port.hostPort ?? '-'}:${port.protocol}`), [
      'metrics:9100:9101:TCP', 'mongo:27017:27017:TCP', 'traefik:8080:-:TCP', 'udpep:18080:18080:UDP', 'web:8000:80:TCP', 'websecure:8443:443:TCP',
    ]);
    for (const expected of [
      '--entryPoints.mongo.address=:27017/tcp',
      '--entryPoints.udpep.address=:18080/udp',
      '--providers.kubernetesCRD.allowCrossNamespace=true',
      '--providers.kubernetesCRD.allowExternalNameServices=true',
      '--providers.kubernetesIngress.allowExternalNameServices=true',
      '--log.level=DEBUG',
      '--accessLog=true',
    ]) assert.ok(args.includes(expected), expected);
    // No Service: nothing to publish in the Ingress status.
    assert.equal(args.some((arg) => arg.includes('publishedService')), false);
    assert.deepEqual(args.slice(-3), [
      '--certificatesResolvers.ali.acme.dnsChallenge.provider=alidns',
      '--certificatesResolvers.ali.acme.email=ych_1024@163.com',
      '--certificatesResolvers.ali.acme.storage=/data/acme.json',
    ]);
    assert.deepEqual(pod.nodeSelector, { 'kubernetes.io/hostname': 'node1' });
    assert.deepEqual(container.resources, { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '100m', memory: '100Mi' } });
    assert.deepEqual(container.envFrom, [{ secretRef: { name: 'traefik-alidns-secret' } }]);
    assert.deepEqual(pod.volumes?.[0], { name: 'data', persistentVolumeClaim: { claimName: 'traefik-junction' } });
    assert.deepEqual(findObject(objects, 'PersistentVolumeClaim', 'traefik-junction')['spec'], { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '128Mi' } } });
    assert.match(await junctionCheck(args), /configuration is valid/);
  });

  it('reads both shapes of Traefik\'s chart for exposing a port and typing the Service', async () => {
    const objects = await render('junction', 'junction', '--set=ports.metrics.expose=true', '--set=ports.websecure.expose.default=false', '--set=service.spec.type=NodePort', '--set=service.spec.externalTrafficPolicy=Local');
    const service = findObject(objects, 'Service', 'junction')['spec'] as { type: string; externalTrafficPolicy: string; ports: Array<{ name: string }> };

    assert.equal(service.type, 'NodePort');
    assert.equal(service.externalTrafficPolicy, 'Local');
    assert.deepEqual(service.ports.map((port) => port.name), ['metrics', 'web']);
  });

  it('refuses values of the wrong shape with their path, as values.schema.json describes them', async () => {
    await assert.rejects(render('junction', 'junction', '--set=ports.web.port=80800', '--set=logs.general.level=LOUD'), (error: { stderr: string }) => {
      assert.match(error.stderr, /- ports\.web\.port: Must be less than or equal to 65535/);
      assert.match(error.stderr, /- logs\.general\.level: /);
      return true;
    });
  });

  it('renders for the seed\'s values the flags Traefik\'s chart rendered, but for its deliberate defaults', async () => {
    const traefikArgs = readFileSync(inRepository('test/deploy/fixtures/seed-002-traefik-args.txt'), 'utf8').split('\n').filter((line) => line.startsWith('--'));
    const junctionArgs = new Map((containerOf(await render('traefik', 'kube-system', '-f', seedValues)).args ?? []).map(normalisedFlag));
    // Junction's chart turns the version check and usage reports off, listens on 8080 for ping and the API as
    // Traefik's current chart does (its 2.5 chart used 9000), and leaves access log fields at their defaults.
    const deliberate: Record<string, string> = {
      'global.checknewversion': 'false',
      'global.sendanonymoususage': 'false',
      'entrypoints.traefik.address': ':8080/tcp',
      'accesslog.fields.defaultmode': '(default keep)',
      'accesslog.fields.headers.defaultmode': '(default drop)',
    };

    const differences = traefikArgs.map(normalisedFlag).filter(([name, value]) => junctionArgs.get(name) !== value).map(([name]) => name);
    assert.deepEqual(differences.sort(), Object.keys(deliberate).sort());
    for (const [name, value] of Object.entries(deliberate)) if (!value.startsWith('(')) assert.equal(junctionArgs.get(name), value);
  });

  it('adds NET_BIND_SERVICE only when an entry point listens below 1024', async () => {
    const low = containerOf(await render('junction', 'junction', '--set=ports.web.port=80'));
    assert.deepEqual(low.securityContext?.capabilities, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    assert.ok(low.args?.includes('--entryPoints.web.address=:80/tcp'));
  });

  it('runs as a DaemonSet on request, and refuses another kind with the value\'s path', async () => {
    const objects = await render('junction', 'junction', '--set=deployment.kind=DaemonSet');
    assert.ok(objects.some((object) => object.kind === 'DaemonSet'));
    assert.equal(objects.some((object) => object.kind === 'Deployment'), false);

    await assert.rejects(render('junction', 'junction', '--set=deployment.kind=StatefulSet'), (error: { stderr: string }) => {
      assert.match(error.stderr, /deployment\.kind must be one of the following: "Deployment", "DaemonSet"/);
      return true;
    });
  });

  it('grants the ACME Secret store its Role only when rbac.acmeSecretStore is set, with deploy/\'s rules', async () => {
    assert.equal((await render('junction', 'junction')).some((object) => object.kind === 'Role'), false);
    const objects = await render('junction', 'junction', '--set=rbac.acmeSecretStore=true');
    assert.deepEqual(findObject(objects, 'Role', 'junction-acme-store')['rules'], findObject(readManifests('deploy/rbac-acme-store.yaml'), 'Role', 'junction-acme-store')['rules']);
  });

  it('exposes the dashboard through an IngressRoute to api@internal when ingressRoute.dashboard.enabled', async () => {
    const route = findObject(await render('junction', 'junction', '--set=ingressRoute.dashboard.enabled=true'), 'IngressRoute', 'junction-dashboard');
    assert.deepEqual(route['spec'], {
      entryPoints: ['traefik'],
      routes: [{ match: 'PathPrefix(`/dashboard`) || PathPrefix(`/api`)', kind: 'Rule', services: [{ name: 'api@internal', kind: 'TraefikService' }] }],
    });
  });

  it('installs the CRDs of deploy/crds with --include-crds', async () => {
    const crds = (await render('junction', 'junction', '--include-crds')).filter((object) => object.kind === 'CustomResourceDefinition');
    const expected = yamlFilesIn('deploy/crds').flatMap((file) => readManifests(file));
    assert.equal(crds.length, 20);
    assert.deepEqual(crds.map((crd) => crd.metadata.name).sort(), expected.map((crd) => crd.metadata.name).sort());
  });

  it('serves the examples with the rendered arguments on the test API server', async (t) => {
    const args = containerOf(await render('junction', 'junction')).args ?? [];
    const { junction } = await deployInTestCluster(t, { args });

    assert.equal((await get(`http://127.0.0.1:${junction.ports['traefik']}/ping`)).status, 200);
    const response = await until(async () => {
      const answer = await get(`http://127.0.0.1:${junction.ports['web']}/`, { headers: { host: 'whoami.example.com' } });
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 30_000, message: 'the example IngressRoute' });
    assert.match(response.body, /^Hostname: whoami/);
  });
});
