import { createHash } from 'node:crypto';

/** The provider's name: the `@kubernetescrd` suffix of what it generates. */
export const providerName = 'kubernetescrd';

/** Replaces every run of characters other than letters and digits with one `-`, trimmed, as Traefik's `provider.Normalize`. */
export function normalize(name: string): string {
  return name.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== '').join('-');
}

/** `<namespace>-<name>`, or the name alone outside a namespace (Traefik's `makeID`). */
export function makeId(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}-${name}`;
}

/**
 * The key of a route: its object's name and the first 10 bytes of the SHA-256 of its match rule, in hex
 * (Traefik's `makeServiceKey`), so that a route keeps its name while its object changes around it.
 */
export function routeKey(match: string, objectName: string): string {
  return `${objectName}-${createHash('sha256').update(match).digest('hex').slice(0, 20)}`;
}

/** The router (and generated service) name of a route: `<namespace>-<name>-<hash>`. */
export function routeName(namespace: string, objectName: string, match: string): string {
  return normalize(makeId(namespace, routeKey(match, objectName)));
}
