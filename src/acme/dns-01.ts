import { Resolver, getServers } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AcmeResolverConfig } from '../config/static/certificates-resolvers.js';
import { challengeRecord, unFqdn } from './dns/challenge-record.js';
import type { DnsChallenge, DnsProvider } from './dns/dns-provider.js';
import { createDnsProvider } from './dns/registry.js';

/** `dnsChallenge` with its deprecated names folded into `propagation`, as Traefik does at start. */
export interface PropagationSettings {
  readonly delayBeforeChecksMs: number;
  readonly disableChecks: boolean;
  readonly disableAnsChecks: boolean;
  readonly requireAllRns: boolean;
  /** Recursive nameservers (`host:port`); empty uses the system's. */
  readonly resolvers: readonly string[];
}

export function propagationSettings(dns: NonNullable<AcmeResolverConfig['dnsChallenge']>): PropagationSettings {
  const propagation = dns.propagation;
  return {
    delayBeforeChecksMs: dns.delayBeforeCheck > 0 ? dns.delayBeforeCheck : (propagation?.delayBeforeChecks ?? 0),
    disableChecks: dns.disablePropagationCheck || (propagation?.disableChecks ?? false),
    disableAnsChecks: propagation?.disableANSChecks ?? false,
    requireAllRns: propagation?.requireAllRNS ?? false,
    resolvers: dns.resolvers.map(withDnsPort),
  };
}

/** A nameserver as lego takes it: `host` or `host:port`, port 53 by default. */
function withDnsPort(server: string): string {
  if (/^\[.*\]:\d+$/.test(server) || /^[^:]+:\d+$/.test(server)) return server;
  return server.includes(':') && !server.startsWith('[') ? `[${server}]:53` : `${server}:53`;
}

function resolverFor(servers: readonly string[], timeoutMs: number): Resolver {
  const resolver = new Resolver({ timeout: Math.min(timeoutMs, 10_000), tries: 2 });
  if (servers.length > 0) resolver.setServers([...servers]);
  return resolver;
}

async function hasTxt(servers: readonly string[], fqdn: string, value: string): Promise<boolean> {
  try {
    const records = await resolverFor(servers, 5000).resolveTxt(unFqdn(fqdn));
    return records.some((chunks) => chunks.join('') === value);
  } catch {
    return false;
  }
}

/** The zone's authoritative nameservers' addresses, found from the closest SOA up the name, as lego does. */
async function authoritativeServers(fqdn: string, recursive: readonly string[]): Promise<string[]> {
  const resolver = resolverFor(recursive, 5000);
  const labels = unFqdn(fqdn).split('.');
  for (let index = 0; index < labels.length - 1; index += 1) {
    const zone = labels.slice(index).join('.');
    const names = await resolver.resolveNs(zone).catch(() => [] as string[]);
    if (names.length === 0) continue;
    const addresses = await Promise.all(names.map((name) => resolver.resolve4(name).catch(() => [] as string[])));
    return addresses.flat().map((address) => `${address}:53`);
  }
  return [];
}

/** Tells whether the record is visible: on the recursive nameservers (one, or all), then on the zone's own. */
export async function isPropagated(fqdn: string, value: string, settings: PropagationSettings): Promise<boolean> {
  const recursive = settings.resolvers.length > 0 ? settings.resolvers : getServers();
  const checks = settings.requireAllRns ? recursive.map((server) => hasTxt([server], fqdn, value)) : [hasTxt(recursive, fqdn, value)];
  if (!(await Promise.all(checks)).every(Boolean)) return false;
  if (settings.disableAnsChecks) return true;
  const authoritative = await authoritativeServers(fqdn, recursive);
  if (authoritative.length === 0) return true;
  return (await Promise.all(authoritative.map((server) => hasTxt([server], fqdn, value)))).every(Boolean);
}

/** A DNS-01 challenge in flight: its record, and how to take it down. */
export interface PresentedDnsRecord {
  readonly fqdn: string;
  readonly value: string;
  cleanup(): Promise<void>;
}

/**
 * Solves DNS-01 challenges through the resolver's DNS provider: publishes the TXT record, waits the
 * configured delay, then waits until the record is visible (unless checks are disabled).
 */
export class DnsChallengeSolver {
  readonly #provider: DnsProvider;
  readonly #settings: PropagationSettings;

  /** Throws when the provider is unknown or its environment is incomplete. */
  constructor(dns: NonNullable<AcmeResolverConfig['dnsChallenge']>, env: NodeJS.ProcessEnv) {
    this.#provider = createDnsProvider(dns.provider, env);
    this.#settings = propagationSettings(dns);
  }

  /** Whether challenges must be solved one after the other, and how long to wait between two. */
  get sequenceIntervalMs(): number | undefined {
    return this.#provider.sequenceIntervalMs;
  }

  /** Publishes the record for `identifier` (`*.example.com` proves `example.com`). */
  async present(identifier: string, challenge: DnsChallenge): Promise<PresentedDnsRecord> {
    const domain = identifier.startsWith('*.') ? identifier.slice(2) : identifier;
    const { fqdn, value } = challengeRecord(identifier, challenge.keyAuthorization);
    await this.#provider.present(domain, fqdn, value, challenge);
    return { fqdn, value, cleanup: () => this.#provider.cleanup(domain, fqdn, value, challenge) };
  }

  /** Waits until the record can be validated, or throws once the provider's propagation timeout passed. */
  async waitForPropagation(record: PresentedDnsRecord): Promise<void> {
    if (this.#settings.delayBeforeChecksMs > 0) await sleep(this.#settings.delayBeforeChecksMs);
    if (this.#settings.disableChecks) return;
    const deadline = Date.now() + this.#provider.propagationTimeoutMs;
    for (;;) {
      if (await isPropagated(record.fqdn, record.value, this.#settings)) return;
      if (Date.now() >= deadline) throw new Error(`time limit exceeded: the TXT record ${record.fqdn} was not found with the expected value`);
      await sleep(this.#provider.pollingIntervalMs);
    }
  }
}
