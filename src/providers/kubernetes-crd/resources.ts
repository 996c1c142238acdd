import type { KubernetesObject } from '@kubernetes/client-node';
import { traefikKinds, type ClusterSnapshot, type ResourceKind } from '../kubernetes/cluster-snapshot.js';

/** The two API groups of Traefik's resources: the current one, and the legacy one the older manifests use. */
export const traefikGroups = ['traefik.io', 'traefik.containo.us'] as const;

export type TraefikKindName = keyof ReturnType<typeof traefikKinds>;

/** A ConfigMap (CA bundles of ServersTransports). */
export const configMapKind: ResourceKind = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };

/** A Traefik custom resource as the API serves it: metadata and a spec of the kind's shape. */
export interface TraefikObject<S> extends KubernetesObject {
  spec?: S;
}

/** Which object a fault is about: `IngressRoute default/whoami`. */
export function describeObject(object: KubernetesObject): string {
  return `${object.kind ?? 'object'} ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/**
 * The objects of one Traefik kind from both API groups, sorted by namespace then name. An object defined in
 * both groups under the same namespace and name is read once, from `traefik.io`.
 */
export function listTraefik<S>(snapshot: ClusterSnapshot, kind: TraefikKindName): TraefikObject<S>[] {
  const seen = new Set<string>();
  const objects: TraefikObject<S>[] = [];
  for (const group of traefikGroups) {
    for (const object of snapshot.list<TraefikObject<S>>(traefikKinds(group)[kind])) {
      const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      objects.push(object);
    }
  }
  return objects.sort((a, b) => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`));
}

/** Finds one Traefik object by namespace and name in either group. */
export function getTraefik<S>(snapshot: ClusterSnapshot, kind: TraefikKindName, namespace: string, name: string): TraefikObject<S> | undefined {
  for (const group of traefikGroups) {
    const found = snapshot.get<TraefikObject<S>>(traefikKinds(group)[kind], namespace, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
