/** One kind the test API server serves: where it lives in the REST tree and whether it is namespaced. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lowercase plural used in URLs: `ingressroutes`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

const traefikKinds = [
  'IngressRoute',
  'IngressRouteTCP',
  'IngressRouteUDP',
  'Middleware',
  'MiddlewareTCP',
  'TraefikService',
  'TLSOption',
  'TLSStore',
  'ServersTransport',
  'ServersTransportTCP',
] as const;

function resource(group: string, version: string, kind: string, namespaced = true, plural = `${kind.toLowerCase()}s`): ResourceType {
  return { group, version, kind, plural, namespaced };
}

/** The kinds the providers read, in both Traefik API groups, plus what the scenarios' manifests carry. */
export const knownResources: readonly ResourceType[] = [
  resource('', 'v1', 'Service'),
  resource('', 'v1', 'Endpoints', true, 'endpoints'),
  resource('', 'v1', 'Secret'),
  resource('', 'v1', 'ConfigMap'),
  resource('', 'v1', 'Namespace', false),
  resource('', 'v1', 'Node', false),
  resource('discovery.k8s.io', 'v1', 'EndpointSlice'),
  resource('networking.k8s.io', 'v1', 'Ingress', true, 'ingresses'),
  resource('networking.k8s.io', 'v1', 'IngressClass', false, 'ingressclasses'),
  resource('extensions', 'v1beta1', 'Ingress', true, 'ingresses'),
  resource('apps', 'v1', 'Deployment'),
  resource('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', false),
  resource('rbac.authorization.k8s.io', 'v1', 'ClusterRole', false),
  resource('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', false),
  resource('coordination.k8s.io', 'v1', 'Lease'),
  ...['traefik.io', 'traefik.containo.us'].flatMap((group) => traefikKinds.map((kind) => resource(group, 'v1alpha1', kind))),
];

/** `apiVersion` as manifests write it: `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Splits `group/version` (or a bare core `v1`). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * The resource type of a manifest. Kinds outside the catalog (cert-manager's Certificate, ...) are served
 * as namespaced custom resources with a lowercase plural, as their CRDs would declare.
 */
export function resourceForManifest(apiVersion: string, kind: string): ResourceType {
  const { group, version } = parseApiVersion(apiVersion);
  const known = knownResources.find((candidate) => candidate.group === group && candidate.version === version && candidate.kind === kind);
  return known ?? resource(group, version, kind);
}
