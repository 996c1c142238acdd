import { normalize, providerName } from './naming.js';

/** The provider options that decide which references between objects are allowed. */
export interface ReferencePolicy {
  /** Objects may refer to objects of other namespaces (Traefik v3 default: false). */
  readonly allowCrossNamespace: boolean;
  /** Namespaces allowed to refer to other providers' items (`name@file`); undefined allows every namespace. */
  readonly crossProviderNamespaces: readonly string[] | undefined;
}

/** A resolved reference, or why it is refused. */
export type Resolved = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly reason: string };

export function namespaceOr(namespace: string | undefined, parent: string): string {
  return namespace === undefined || namespace === '' ? parent : namespace;
}

export function isCrossProviderAllowed(policy: ReferencePolicy, namespace: string): boolean {
  return policy.crossProviderNamespaces === undefined || policy.crossProviderNamespaces.includes(namespace);
}

/**
 * Resolves a reference to a Middleware or TLSOption as Traefik does: `name@provider` is kept as written (but
 * `@kubernetescrd` hides a namespace, so it needs allowCrossNamespace); otherwise `<namespace>-<name>`, the
 * namespace defaulting to the referring object's.
 */
export function resolveReference(policy: ReferencePolicy, parentNamespace: string, namespace: string | undefined, name: string): Resolved {
  if (name.includes('@')) {
    if (!policy.allowCrossNamespace && name.endsWith(`@${providerName}`)) {
      return { ok: false, reason: `reference ${JSON.stringify(name)}: @${providerName} references need allowCrossNamespace` };
    }
    if (!isCrossProviderAllowed(policy, parentNamespace)) {
      return { ok: false, reason: `reference ${JSON.stringify(name)}: namespace ${JSON.stringify(parentNamespace)} is not in crossProviderNamespaces` };
    }
    return { ok: true, name };
  }
  const target = namespaceOr(namespace, parentNamespace);
  if (!policy.allowCrossNamespace && target !== parentNamespace) {
    return { ok: false, reason: `reference to ${target}/${name}: cross-namespace references are not allowed (allowCrossNamespace is false)` };
  }
  return { ok: true, name: normalize(`${target}-${name}`) };
}

/** The class an object asks for: `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class` annotation. */
export function ingressClassOf(spec: { ingressClassName?: string } | undefined, annotations: Readonly<Record<string, string>> | undefined): string {
  if (spec?.ingressClassName !== undefined) return spec.ingressClassName;
  return annotations?.['kubernetes.io/ingress.class'] ?? '';
}

/** Whether the provider serves an object of a class: the same class, or the `traefik` class when none is configured. */
export function servesClass(providerClass: string, objectClass: string): boolean {
  return providerClass === objectClass || (providerClass === '' && objectClass === 'traefik');
}
