import type { KubernetesObject } from '@kubernetes/client-node';

/** A kind of Kubernetes object a provider reads, and where the API serves it. */
export interface ResourceKind {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lowercase plural of the REST path: `ingresses`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * The objects a provider watches, as last seen: a consistent read-only view handed to a translation, which
 * turns it into a dynamic configuration. A translation never talks to the API server itself.
 */
export interface ClusterSnapshot {
  /** Every watched object of a kind, in the provider's namespaces, sorted by namespace then name. */
  list<T extends KubernetesObject>(kind: ResourceKind): readonly T[];
  /** One object, or undefined when it does not exist (or is outside the watched namespaces). */
  get<T extends KubernetesObject>(kind: ResourceKind, namespace: string | undefined, name: string): T | undefined;
}

const kind = (group: string, version: string, name: string, plural: string, namespaced = true): ResourceKind => ({ group, version, kind: name, plural, namespaced });

/** The kinds Junction's Kubernetes providers read. */
export const kinds = {
  service: kind('', 'v1', 'Service', 'services'),
  secret: kind('', 'v1', 'Secret', 'secrets'),
  endpointSlice: kind('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  node: kind('', 'v1', 'Node', 'nodes', false),
  ingress: kind('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  ingressClass: kind('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
} as const satisfies Record<string, ResourceKind>;

/** The Traefik custom resources of one API group (`traefik.io` or the legacy `traefik.containo.us`). */
export function traefikKinds(group: 'traefik.io' | 'traefik.containo.us') {
  const custom = (name: string): ResourceKind => kind(group, 'v1alpha1', name, `${name.toLowerCase()}s`);
  return {
    ingressRoute: custom('IngressRoute'),
    ingressRouteTCP: custom('IngressRouteTCP'),
    ingressRouteUDP: custom('IngressRouteUDP'),
    middleware: custom('Middleware'),
    middlewareTCP: custom('MiddlewareTCP'),
    traefikService: custom('TraefikService'),
    tlsOption: custom('TLSOption'),
    tlsStore: custom('TLSStore'),
    serversTransport: custom('ServersTransport'),
    serversTransportTCP: custom('ServersTransportTCP'),
  } as const;
}

/** Key of a kind in a snapshot's index: `networking.k8s.io/v1/Ingress`. */
export function kindKey(kind: Pick<ResourceKind, 'group' | 'version' | 'kind'>): string {
  return `${kind.group}/${kind.version}/${kind.kind}`;
}

const byNamespaceThenName = (a: KubernetesObject, b: KubernetesObject): number =>
  `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`.localeCompare(`${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`);

/** A snapshot over objects grouped by `kindKey`; sorts each group in place. */
export function snapshotFromGroups(groups: Map<string, KubernetesObject[]>): ClusterSnapshot {
  for (const list of groups.values()) list.sort(byNamespaceThenName);
  return {
    list: <T extends KubernetesObject>(kind: ResourceKind) => (groups.get(kindKey(kind)) ?? []) as T[],
    get: <T extends KubernetesObject>(kind: ResourceKind, namespace: string | undefined, name: string) =>
      (groups.get(kindKey(kind)) ?? []).find((object) => object.metadata?.name === name && (!kind.namespaced || object.metadata?.namespace === namespace)) as T | undefined,
  };
}

/** A snapshot of plain objects (grouped by their apiVersion and kind): what tests of a translation feed it. */
export function snapshotOf(objects: readonly KubernetesObject[], namespaces: readonly string[] = []): ClusterSnapshot {
  const groups = new Map<string, KubernetesObject[]>();
  for (const object of objects) {
    const namespace = object.metadata?.namespace;
    if (namespaces.length > 0 && namespace !== undefined && !namespaces.includes(namespace)) continue;
    const apiVersion = object.apiVersion ?? '';
    const slash = apiVersion.indexOf('/');
    const [group, version] = slash === -1 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
    const key = kindKey({ group, version, kind: object.kind ?? '' });
    groups.set(key, [...(groups.get(key) ?? []), object]);
  }
  return snapshotFromGroups(groups);
}
