import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { selfSignedCertificate } from '../certificates.js';
import type { Upstream } from '../upstream.js';
import { parseManifests, type KubeObject, type KubernetesApiServer } from './api-server.js';
import { modernIngresses } from './legacy-ingress.js';

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

/** Fills `{{CERT_B64_<name>}}` and `{{KEY_B64_<name>}}` with a fresh self-signed certificate per name. */
async function renderCertificates(text: string, values: Readonly<Record<string, string | number>>): Promise<string> {
  const names = [...new Set([...text.matchAll(/\{\{(?:CERT|KEY)_B64_([A-Za-z0-9_-]+)\}\}/g)].map((match) => match[1]!))];
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
function localServiceUrls(text: string, backends: ReadonlyMap<string, Upstream>): string {
  return text.replace(/(https?:\/\/)([a-z0-9-]+)((?:\.[a-z0-9-]+)*?(?:\.svc(?:\.cluster\.local)?)?)?(:\d+)?(?=[/"'\s]|$)/gm, (whole, scheme: string, name: string, domain: string | undefined) => {
    const backend = backends.get(name);
    if (backend === undefined || (domain !== undefined && domain !== '' && !/^\.[a-z0-9-]+(\.svc(\.cluster\.local)?)?$/.test(domain))) return whole;
    return `${scheme}127.0.0.1:${backend.port}`;
  });
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
export function endpointSliceFor(service: KubeObject, backend: Upstream): KubeObject {
  const ports = ((service['spec'] as { ports?: Array<{ name?: string; protocol?: string }> } | undefined)?.ports ?? []).map((port) => ({
    name: port.name ?? '',
    port: backend.port,
    protocol: port.protocol ?? 'TCP',
  }));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service.metadata.name}-local`, namespace: service.metadata.namespace ?? 'default', labels: { 'kubernetes.io/service-name': service.metadata.name } },
    addressType: 'IPv4',
    ports,
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false } }],
  } as KubeObject;
}

/**
 * The objects of a scenario's crd.yaml as the test cluster holds them: placeholders rendered, Traefik objects in
 * the chosen group, and an EndpointSlice for each Service played by a local backend of the same name.
 * A backend the manifests declare no Service for gets one, `default/<name>` on port 80.
 */
export async function clusterObjects(
  crdText: string,
  backends: ReadonlyMap<string, Upstream>,
  group: TraefikGroupChoice,
  values: Readonly<Record<string, string | number>> = {},
): Promise<KubeObject[]> {
  const rendered = localServiceUrls(await renderCertificates(crdText, values), backends);
  // Legacy Ingresses in the modern form their READMEs give: Traefik v3, like Junction, reads networking.k8s.io/v1 only.
  const objects = modernIngresses(inGroup(parseManifests(rendered), group));
  const services = objects.filter((object) => object.apiVersion === 'v1' && object.kind === 'Service');
  // Some seeds route to a Service they deployed earlier (whoami): a backend without one gets it in `default`.
  for (const name of backends.keys()) {
    if (!services.some((service) => service.metadata.name === name)) {
      services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }] } } as KubeObject);
    }
  }
  const declared = new Set(objects);
  const slices = services.filter((service) => backends.has(service.metadata.name)).map((service) => endpointSliceFor(service, backends.get(service.metadata.name)!));
  return [...objects, ...services.filter((service) => !declared.has(service)), ...slices];
}
