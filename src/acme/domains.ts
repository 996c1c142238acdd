import type { StaticConfig } from '../config/static/static-config.js';
import { parseRule, type RuleNode } from '../rules/rule-parser.js';
import type { MergedConfig } from '../runtime/merged-config.js';
import type { AcmeDomain } from './storage/acme-store.js';

/** A domain set a resolver must hold a certificate for, and who asked for it (for logs). */
export interface DomainRequest {
  readonly domain: AcmeDomain;
  /** `http.routers.app@file`, `tcp.routers.db@file` or `tls.stores.default.defaultGeneratedCert`. */
  readonly origin: string;
}

type RouterTls = { readonly certResolver?: string | undefined; readonly domains?: ReadonlyArray<{ readonly main?: string | undefined; readonly sans?: readonly string[] | undefined }> | undefined };

/** Values of the named matchers anywhere in a rule, lowercased, as Traefik's `ParseMatchers` (negations included). */
function matcherValues(node: RuleNode, matcher: string, into: string[]): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      matcherValues(node.left, matcher, into);
      matcherValues(node.right, matcher, into);
      break;
    case 'not':
      matcherValues(node.operand, matcher, into);
      break;
    case 'matcher':
      if (node.name === matcher) into.push(...node.args.map((value) => value.toLowerCase()));
      break;
  }
  return into;
}

/** The `Host` values of an HTTP rule (Traefik's `ParseDomains`); a rule that does not parse names none. */
export function parseDomains(rule: string): string[] {
  try {
    return matcherValues(parseRule(rule, () => undefined), 'Host', []);
  } catch {
    return [];
  }
}

/** The `HostSNI` values of a TCP rule (Traefik's `ParseHostSNI`), without the catch-all `*`. */
export function parseHostSni(rule: string): string[] {
  try {
    return matcherValues(parseRule(rule, () => undefined), 'HostSNI', []).filter((name) => name !== '*');
  } catch {
    return [];
  }
}

/** Tells whether `name` is served by `certificateName`: equal, or under a `*.` wildcard covering one label. */
export function matchDomain(name: string, certificateName: string): boolean {
  const domain = name.toLowerCase();
  const candidate = certificateName.toLowerCase();
  if (domain === candidate) return true;
  if (!candidate.startsWith('*.')) return false;
  const dot = domain.indexOf('.');
  return dot > 0 && domain.slice(dot) === candidate.slice(1);
}

/** The names of a domain set, main first. */
export function domainNames(domain: AcmeDomain): string[] {
  return [domain.main, ...domain.sans];
}

/**
 * Cleans a domain set as Traefik's `sanitizeDomains`: names lowercased, a trailing dot removed, duplicates
 * dropped; throws for an empty set or a `*.*` wildcard.
 */
export function sanitizeDomain(domain: AcmeDomain): AcmeDomain {
  const names = [...new Set(domainNames(domain).filter((name) => name !== '').map((name) => name.toLowerCase().replace(/\.$/, '')))];
  if (names.length === 0) throw new Error('no domain was given');
  const doubleWildcard = names.find((name) => name.startsWith('*.*'));
  if (doubleWildcard !== undefined) {
    throw new Error(`unable to generate a wildcard certificate for domain "${names.join(',')}": ACME does not allow '*.*' wildcard domain`);
  }
  return { main: names[0]!, sans: names.slice(1) };
}

/**
 * Drops, within one router's `tls.domains`, the sets already named by an earlier set or covered by a wildcard
 * main of another set, as Traefik's `deleteUnnecessaryDomains`.
 */
export function deleteUnnecessaryDomains(domains: readonly AcmeDomain[]): AcmeDomain[] {
  const kept: AcmeDomain[] = [];
  domains.forEach((candidate, index) => {
    let names = domainNames(candidate);
    let isKept = true;
    for (const [otherIndex, other] of domains.entries()) {
      if (otherIndex === index) continue;
      if (isSameSet(other, candidate)) {
        if (index > otherIndex) isKept = false;
        break;
      }
      names = names.filter((name) => {
        if (otherIndex < index && domainNames(other).some((otherName) => matchDomain(name, otherName))) return false;
        return !(other.main !== name && other.main.startsWith('*') && matchDomain(name, other.main));
      });
      if (names.length === 0) {
        isKept = false;
        break;
      }
    }
    if (isKept) kept.push({ main: names[0]!, sans: names.slice(1) });
  });
  return kept;
}

function isSameSet(a: AcmeDomain, b: AcmeDomain): boolean {
  return a.main === b.main && a.sans.length === b.sans.length && a.sans.every((name, index) => name === b.sans[index]);
}

function fromTlsDomains(domains: NonNullable<RouterTls['domains']>): AcmeDomain[] {
  return domains.map((domain) => ({ main: domain.main ?? '', sans: [...(domain.sans ?? [])] }));
}

/**
 * The domain sets each resolver must serve, from the merged configuration as Traefik's ACME provider reads
 * it: every HTTP and TCP router whose `tls.certResolver` names the resolver (an HTTP router without `tls`
 * takes its entryPoints' `http.tls`), by its `tls.domains` or else the hosts of its rule; and the default
 * store's `defaultGeneratedCert`.
 */
export function collectDomainRequests(merged: MergedConfig, config: StaticConfig): Map<string, DomainRequest[]> {
  const requests = new Map<string, DomainRequest[]>();
  const add = (resolver: string, domains: readonly AcmeDomain[], origin: string): void => {
    if (domains.length === 0) return;
    let list = requests.get(resolver);
    if (list === undefined) requests.set(resolver, (list = []));
    for (const domain of domains) list.push({ domain, origin });
  };
  const fromRouter = (tls: RouterTls, rule: string, hosts: (rule: string) => string[], origin: string): void => {
    const resolver = tls.certResolver;
    if (resolver === undefined || resolver === '') return;
    if (tls.domains !== undefined && tls.domains.length > 0) return add(resolver, deleteUnnecessaryDomains(fromTlsDomains(tls.domains)), origin);
    const names = hosts(rule);
    if (names.length > 0) add(resolver, [{ main: names[0]!, sans: names.slice(1) }], origin);
  };

  const entryPointNames = Object.keys(config.entryPoints);
  const defaultEntryPoints = entryPointNames.filter((name) => config.entryPoints[name]!.asDefault);
  for (const [qualifiedName, { config: router }] of merged.http.routers) {
    const origin = `http.routers.${qualifiedName}`;
    if (router.tls !== undefined) {
      fromRouter(router.tls, router.rule, parseDomains, origin);
      continue;
    }
    const entryPoints = router.entryPoints ?? (defaultEntryPoints.length > 0 ? defaultEntryPoints : entryPointNames);
    const entryPointTls = entryPoints.map((name) => config.entryPoints[name]?.http.tls).find((tls) => tls !== undefined);
    if (entryPointTls !== undefined) fromRouter(entryPointTls, router.rule, parseDomains, origin);
  }
  for (const [qualifiedName, { config: router }] of merged.tcp.routers) {
    if (router.tls === undefined) continue;
    fromRouter(router.tls, router.rule, parseHostSni, `tcp.routers.${qualifiedName}`);
  }
  const store = merged.tls.stores.get('default')?.config;
  const generated = store?.defaultGeneratedCert;
  // A defaultCertificate wins over a generated one, as in Traefik.
  if (store?.defaultCertificate === undefined && generated?.resolver !== undefined && generated.resolver !== '' && generated.domain !== undefined) {
    add(generated.resolver, fromTlsDomains([generated.domain]), 'tls.stores.default.defaultGeneratedCert');
  }
  return requests;
}
