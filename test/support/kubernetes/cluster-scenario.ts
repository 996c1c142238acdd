import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { selfSignedCertificate } from '../certificates.js';
import { parseManifests, type KubeObject, type KubernetesApiServer } from './api-server.js';
import { modernIngresses } from './legacy-ingress.js';

/** A local server playing a Service: an echo backend, or a server the test started. */
export interface ServedPort {
  readonly port: number;
  /** Its loopback address, 127.0.0.1 unless it is a replica (Traefik keeps one server per endpoint address). */
  readonly host?: string;
}

/**
 * Which backend plays which Service (`<name>` or `<namespace>/<name>`) or Service port (`<service>:<port name>`),
 * where the names differ: by default a Service is played by the backend of its name, or by its replicas
 * `<name>-1`, `<name>-2`, …
 */
export type ServiceBackends = Readonly<Record<string, string>>;

/** The Traefik API groups a scenario can be applied in: as written, or with every Traefik object moved to one group. */
export type TraefikGroupChoice = 'as-written' | 'traefik.io' | 'traefik.containo.us';

const traefikGroup = /^(traefik\.io|traefik\.containo\.us)\//;

/** Canonical spelling of the `providers.kubernetesCRD` options a scenario's flags may name in lower case. */
const crdOptionNames = [
  'endpoint', 'token', 'certAuthFilePath', 'namespaces', 'labelSelector', 'ingressClass', 'throttleDuration', 'allowCrossNamespace',
  'allowExternalNameServices', 'allowEmptyServices', 'nativeLBByDefault', 'disableClusterScopeResources', 'crossProviderNamespaces',
];

/**
 * The `providers.kubernetesCRD` options a scenario declares in its static.yaml comments
 * (`#   --providers.kubernetescrd.allowCrossNamespace=true`), by their canonical names.
 */
export function declaredCrdOptions(staticText: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const match of staticText.matchAll(/--providers\.kubernetescrd\.([A-Za-z]+)=(\S+)/gi)) {
    const name = crdOptionNames.find((candidate) => candidate.toLowerCase() === match[1]!.toLowerCase());
    if (name === undefined) throw new Error(`unknown kubernetesCRD option in scenario flags: ${match[1]}`);
    const value = match[2]!;
    options[name] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return options;
}

/** Canonical spelling of the `providers.kubernetesIngress` options a scenario's flags may name in lower case. */
const ingressOptionNames = [
  'endpoint', 'token', 'certAuthFilePath', 'namespaces', 'labelSelector', 'ingressClass', 'throttleDuration', 'allowEmptyServices',
  'allowExternalNameServices', 'nativeLBByDefault', 'disableIngressClassLookup', 'disableClusterScopeResources', 'strictPrefixMatching',
  'crossProviderNamespaces',
];

/** The `providers.kubernetesIngress` options a scenario declares in its static.yaml comments, by their canonical names. */
export function declaredIngressOptions(staticText: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const match of staticText.matchAll(/--providers\.kubernetesingress\.([A-Za-z]+)=(\S+)/gi)) {
    const name = ingressOptionNames.find((candidate) => candidate.toLowerCase() === match[1]!.toLowerCase());
    if (name === undefined) throw new Error(`unknown kubernetesIngress option in scenario flags: ${match[1]}`);
    const value = match[2]!;
    options[name] = value === 'true' ? true : value === 'false' ? false : value;
  }
  return options;
}

/**
 * The scenario's static configuration with its file provider replaced by the CRD provider reading `server`
 * (the scenario's declared options, then `overrides`), and by the Ingress provider too when `withIngress` is set.
 */
export function kubernetesStatic(staticText: string, server: KubernetesApiServer, overrides: Record<string, unknown> = {}, withIngress = false): string {
  const config = (parse(staticText) ?? {}) as { providers?: Record<string, unknown> };
  const providers = { ...(config.providers ?? {}) };
  delete providers['file'];
  providers['kubernetesCRD'] = { ...declaredCrdOptions(staticText), ...overrides, endpoint: server.url };
  if (withIngress) providers['kubernetesIngress'] = { ...declaredIngressOptions(staticText), endpoint: server.url };
  return stringify({ ...config, providers });
}

/** The scenario's static configuration with its file provider replaced by the mesh provider reading `server`. */
export function meshStatic(staticText: string, server: KubernetesApiServer): string {
  const config = (parse(staticText) ?? {}) as { providers?: Record<string, unknown> };
  const providers = { ...(config.providers ?? {}) };
  delete providers['file'];
  providers['kubernetesMesh'] = { endpoint: server.url };
  return stringify({ ...config, providers });
}

/** Gives each Service the ClusterIP the scenario names for it (`{{CLUSTER_IP_<name>}}`), unless it has one. */
function withClusterIps(objects: KubeObject[], values: Readonly<Record<string, string | number>>): KubeObject[] {
  return objects.map((object) => {
    const clusterIp = values[`CLUSTER_IP_${object.metadata.name}`];
    const spec = (object['spec'] ?? {}) as { clusterIP?: string };
    if (object.apiVersion !== 'v1' || object.kind !== 'Service' || clusterIp === undefined || spec.clusterIP !== undefined) return object;
    return { ...object, spec: { ...spec, clusterIP: String(clusterIp) } } as KubeObject;
  });
}

/** Fills `{{CERT_B64_<name>}}` and `{{KEY_B64_<name>}}` with a fresh self-signed certificate per name. */
async function renderCertificates(text: string, values: Readonly<Record<string, string | number>>): Promise<string> {
  const names = [...new Set([...text.matchAll(/\{\{(?:CERT|KEY)_B64_([A-Za-z0-9_.-]+)\}\}/g)].map((match) => match[1]!))];
  let rendered = text;
  for (const name of names) {
    // The scenario's own certificate files when the test made them (as for file mode), else a self-signed one.
    const certFile = values[`CERT_${name}`];
    const keyFile = values[`KEY_${name}`];
    const certificate = typeof certFile === 'string' && typeof keyFile === 'string'
      ? { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') }
      : await selfSignedCertificate({ commonName: name, dnsNames: [name] });
    rendered = rendered.replaceAll(`{{CERT_B64_${name}}}`, Buffer.from(certificate.cert).toString('base64'));
    rendered = rendered.replaceAll(`{{KEY_B64_${name}}}`, Buffer.from(certificate.key).toString('base64'));
  }
  return rendered;
}

/**
 * Cluster DNS names of the scenario's Services (`http://authapi/auth`, `authapi.tk.svc.cluster.local:80`) in
 * URLs of the manifests become the local address of the backend that plays the Service: tests have no cluster DNS.
 */
function localServiceUrls(text: string, backends: ReadonlyMap<string, ServedPort>): string {
  return text.replace(/(https?:\/\/)([a-z0-9-]+)((?:\.[a-z0-9-]+)*?(?:\.svc(?:\.cluster\.local)?)?)?(:\d+)?(?=[/"'\s]|$)/gm, (whole, scheme: string, name: string, domain: string | undefined) => {
    const backend = backends.get(name);
    if (backend === undefined || (domain !== undefined && domain !== '' && !/^\.[a-z0-9-]+(\.svc(\.cluster\.local)?)?$/.test(domain))) return whole;
    return `${scheme}127.0.0.1:${backend.port}`;
  });
}

/**
 * The router Traefik's CRD provider makes of route `route` of the IngressRoute (or IngressRouteTCP) `name` in the
 * manifests: `<namespace>-<name>-<first 10 bytes of sha256(match) in hex>`, normalized, `@kubernetescrd`.
 */
export function generatedRouterName(crdText: string, name: string, route = 0): string {
  const object = parseManifests(crdText).find((candidate) => /^IngressRoute(TCP)?$/.test(candidate.kind) && candidate.metadata.name === name);
  if (object === undefined) throw new Error(`the manifests have no IngressRoute named ${name}`);
  const match = (object['spec'] as { routes?: Array<{ match?: string }> } | undefined)?.routes?.[route]?.match;
  if (match === undefined) throw new Error(`IngressRoute ${name} has no route ${route}`);
  const key = `${object.metadata.namespace ?? 'default'}-${name}-${createHash('sha256').update(match).digest('hex').slice(0, 20)}`;
  return `${key.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== '').join('-')}@kubernetescrd`;
}

/** Moves every Traefik object of the manifests to one API group. */
function inGroup(objects: KubeObject[], choice: TraefikGroupChoice): KubeObject[] {
  if (choice === 'as-written') return objects;
  return objects.map((object) => (traefikGroup.test(object.apiVersion) ? { ...object, apiVersion: object.apiVersion.replace(traefikGroup, `${choice}/`) } : object));
}

/**
 * An EndpointSlice that makes a backend play a Service: one ready endpoint on 127.0.0.1, each Service port
 * served on the backend's port (a backend answers whatever port the Service names).
 */
export function endpointSliceFor(service: KubeObject, backend: ServedPort, sliceName = `${service.metadata.name}-local`): KubeObject {
  const ports = ((service['spec'] as { ports?: Array<{ name?: string; protocol?: string }> } | undefined)?.ports ?? []).map((port) => ({
    name: port.name ?? '',
    port: backend.port,
    protocol: port.protocol ?? 'TCP',
  }));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: sliceName, namespace: service.metadata.namespace ?? 'default', labels: { 'kubernetes.io/service-name': service.metadata.name } },
    addressType: 'IPv4',
    ports,
    endpoints: [{ addresses: [backend.host ?? '127.0.0.1'], conditions: { ready: true, serving: true, terminating: false } }],
  } as KubeObject;
}

/** The backends that play a Service: the one of its name, or its replicas `<name>-1`, `<name>-2`, … */
function replicasOf(serviceName: string, backends: ReadonlyMap<string, ServedPort>): Array<[string, ServedPort]> {
  const own = backends.get(serviceName);
  if (own !== undefined) return [[serviceName, own]];
  const replica = new RegExp(`^${serviceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`);
  return [...backends].filter(([name]) => replica.test(name));
}

/** The EndpointSlices that make local backends play a Service: the whole Service, or port by port. */
function slicesFor(service: KubeObject, backends: ReadonlyMap<string, ServedPort>, serviceBackends: ServiceBackends): KubeObject[] {
  const name = service.metadata.name;
  const keys = [`${service.metadata.namespace ?? 'default'}/${name}`, name];
  const ports = (service['spec'] as { ports?: Array<{ name?: string }> } | undefined)?.ports ?? [];
  const byPort = ports.flatMap((port) => {
    const backendName = keys.map((key) => serviceBackends[`${key}:${port.name ?? ''}`]).find((found) => found !== undefined);
    const backend = backendName === undefined ? undefined : backends.get(backendName);
    if (backend === undefined) return [];
    return [endpointSliceFor({ ...service, spec: { ...(service['spec'] as object), ports: [port] } } as KubeObject, backend, `${name}-${port.name ?? ''}-local`)];
  });
  if (byPort.length > 0) return byPort;
  const backendName = keys.map((key) => serviceBackends[key]).find((found) => found !== undefined);
  if (backendName !== undefined) {
    const backend = backends.get(backendName);
    if (backend === undefined) throw new Error(`no backend named ${backendName} for Service ${name}`);
    return [endpointSliceFor(service, backend)];
  }
  return replicasOf(name, backends).map(([played, backend]) => endpointSliceFor(service, backend, `${played}-local`));
}

/**
 * The objects of a scenario's crd.yaml as the test cluster holds them: placeholders rendered (backend ports too), Traefik objects in
 * the chosen group, and an EndpointSlice for each Service played by a local backend of the same name.
 * A backend the manifests declare no Service for gets one, `default/<name>` on port 80, unless `isChange` says the
 * manifests change a cluster that holds them already.
 */
export async function clusterObjects(
  crdText: string,
  backends: ReadonlyMap<string, ServedPort>,
  group: TraefikGroupChoice,
  values: Readonly<Record<string, string | number>> = {},
  isChange = false,
  serviceBackends: ServiceBackends = {},
): Promise<KubeObject[]> {
  const withPorts = crdText.replace(/\{\{PORT_([A-Za-z0-9_-]+)\}\}/g, (whole, name: string) => String(backends.get(name)?.port ?? whole));
  const rendered = localServiceUrls(await renderCertificates(withPorts, values), backends);
  // Legacy Ingresses in the modern form their READMEs give: Traefik v3, like Junction, reads networking.k8s.io/v1 only.
  const objects = withClusterIps(modernIngresses(inGroup(parseManifests(rendered), group)), values);
  const services = objects.filter((object) => object.apiVersion === 'v1' && object.kind === 'Service');
  // Some seeds route to a Service they deployed earlier (whoami): a backend without one gets it in `default`.
  for (const name of isChange ? [] : backends.keys()) {
    if (!services.some((service) => replicasOf(service.metadata.name, backends).some(([played]) => played === name))) {
      services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } } as KubeObject);
    }
  }
  const declared = new Set(objects);
  const slices = services.flatMap((service) => slicesFor(service, backends, serviceBackends));
  return [...objects, ...services.filter((service) => !declared.has(service)), ...slices];
}
