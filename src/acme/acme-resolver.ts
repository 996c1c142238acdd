import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type acme from 'acme-client';
import type { AcmeResolverConfig } from '../config/static/certificates-resolvers.js';
import type { Logger } from '../observability/logger.js';
import { openAcmeClient } from './acme-client-session.js';
import type { ChallengeBoard } from './challenge-board.js';
import { DnsChallengeSolver } from './dns-01.js';
import { domainNames, matchDomain, sanitizeDomain, type DomainRequest } from './domains.js';
import { challengeTypes, orderCertificate } from './order.js';
import { isDueForRenewal, nextCheckDelay, renewDurations, retryDelay, type RenewDurations } from './renewal.js';
import { isSameDomainSet } from './storage/acme-json.js';
import type { AcmeDomain, AcmeStore, StoredCertificate } from './storage/acme-store.js';

/** How long an instance holds an ordering lock without renewing it; the store renews it while held. */
const lockLeaseMs = 5 * 60_000;
/** How often an instance waiting for another one's order looks at the store again. */
const waitPollMs = 2000;

export interface AcmeResolverOptions {
  readonly name: string;
  readonly config: AcmeResolverConfig;
  readonly store: AcmeStore;
  readonly board: ChallengeBoard;
  readonly log: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** Receives the resolver's certificates each time they change, to serve them. */
  readonly publish: (certificates: readonly StoredCertificate[]) => void;
}

/** Formats a delay for a log line: `30s`, `2m0s`, `1h0m0s`, as Go prints durations. */
function formatDelay(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return `${hours}h${minutes}m${seconds % 60}s`;
  if (minutes > 0) return `${minutes}m${seconds % 60}s`;
  return `${seconds}s`;
}

function notAfterOf(certificate: StoredCertificate): number | undefined {
  try {
    return new Date(new X509Certificate(certificate.certificate).validTo).getTime();
  } catch {
    return undefined;
  }
}

function domainKey(domain: AcmeDomain): string {
  return [...domainNames(domain)].sort().join(',');
}

/**
 * One `certificatesResolvers.<name>.acme`: keeps the resolver's certificates (from its store, then ordered),
 * orders what the routers need and the store does not hold, renews what is about to expire, and retries
 * failed orders with a backoff. Each domain set is ordered under the store's lock, so that instances sharing
 * the store order it once; the others wait and serve what it saved.
 */
export class AcmeResolver {
  readonly name: string;
  readonly #options: AcmeResolverOptions;
  readonly #log: Logger;
  readonly #renewal: RenewDurations;
  #certificates: StoredCertificate[] = [];
  #wanted: readonly DomainRequest[] = [];
  readonly #inFlight = new Map<string, Promise<void>>();
  /** Consecutive failed orders per domain set, which lengthen the wait before the next try. */
  readonly #failureCounts = new Map<string, number>();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  #client: Promise<acme.Client> | undefined;
  #dns: DnsChallengeSolver | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #loaded: Promise<void> | undefined;
  #isClosed = false;
  #stopWatching: (() => void) | undefined;

  constructor(options: AcmeResolverOptions) {
    this.name = options.name;
    this.#options = options;
    this.#log = options.log.with({ providerName: `${options.name}.acme` });
    this.#renewal = renewDurations(options.config.certificatesDuration);
  }

  /** The certificates served now. */
  get certificates(): readonly StoredCertificate[] {
    return this.#certificates;
  }

  /** Loads the stored certificates and serves them; then starts the renewal checks. Never rejects. */
  start(): Promise<void> {
    this.#loaded ??= (async () => {
      try {
        await this.#reload();
      } catch (error) {
        this.#log.error(`certificatesResolvers.${this.name}: cannot read ${this.#options.store.description}: ${(error as Error).message}`);
      }
      this.#options.publish(this.#certificates);
      this.#stopWatching = this.#options.store.watch((resolver) => {
        if (resolver === this.name) void this.#reload().then(() => this.#options.publish(this.#certificates), () => undefined);
      });
      this.#scheduleRenewal();
    })();
    return this.#loaded;
  }

  async #reload(): Promise<void> {
    const record = await this.#options.store.load(this.name);
    this.#certificates = [...record.certificates];
  }

  /** Takes the domain sets the configuration asks for; orders those no certificate serves yet. */
  want(requests: readonly DomainRequest[]): void {
    this.#wanted = requests;
    void this.start().then(() => {
      for (const request of this.#wanted) this.#obtain(request.domain, request.origin);
    });
  }

  #obtain(requested: AcmeDomain, origin: string): void {
    let domain: AcmeDomain;
    try {
      domain = sanitizeDomain(requested);
    } catch (error) {
      this.#log.error(`certificatesResolvers.${this.name}: ${(error as Error).message}`, { origin });
      return;
    }
    if (this.#isCovered(domain)) return;
    this.#ensure(domain, origin);
  }

  /** Whether every name of the set is served by one of the resolver's certificates, as Traefik's check. */
  #isCovered(domain: AcmeDomain): boolean {
    return domainNames(domain).every((name) => this.#certificates.some((certificate) => domainNames(certificate.domain).some((served) => matchDomain(name, served))));
  }

  /** Starts ordering a set unless an order or a retry for it is already pending. */
  #ensure(domain: AcmeDomain, origin: string): void {
    const key = domainKey(domain);
    if (this.#isClosed || this.#inFlight.has(key) || this.#retryTimers.has(key)) return;
    const names = domainNames(domain);
    const work = this.#acquire(domain).then(
      () => {
        this.#failureCounts.delete(key);
      },
      (error: unknown) => {
        if (this.#isClosed) return;
        const count = (this.#failureCounts.get(key) ?? 0) + 1;
        this.#failureCounts.set(key, count);
        const delay = retryDelay(count);
        this.#log.error(`certificatesResolvers.${this.name}: obtaining a certificate for [${names.join(', ')}]: ${(error as Error).message}`, {
          origin,
          retryIn: formatDelay(delay),
        });
        const timer = setTimeout(() => {
          this.#retryTimers.delete(key);
          if (this.#isStillWanted(key)) this.#ensure(domain, origin);
          else this.#failureCounts.delete(key);
        }, delay);
        timer.unref();
        this.#retryTimers.set(key, timer);
      },
    );
    this.#inFlight.set(key, work);
    void work.finally(() => {
      if (this.#inFlight.get(key) === work) this.#inFlight.delete(key);
    });
  }

  /** Whether the configuration still asks for a set, or the resolver still serves (and so renews) it. */
  #isStillWanted(key: string): boolean {
    return this.#wanted.some((request) => domainKey(request.domain) === key) || this.#certificates.some((certificate) => domainKey(certificate.domain) === key);
  }

  /**
   * Gets a certificate for the set: under the store's lock, from the store if another instance saved one
   * meanwhile, else from the CA. Without the lock, waits for its holder and serves what it saved.
   */
  async #acquire(domain: AcmeDomain): Promise<void> {
    const key = `${this.name}/${domainKey(domain)}`;
    const store = this.#options.store;
    for (;;) {
      if (this.#isClosed) return;
      const lock = await store.tryLock(key, lockLeaseMs);
      if (lock === undefined) {
        // Another instance is ordering this set: serve its certificate once saved.
        await sleep(waitPollMs);
        if (await this.#adoptStored(domain)) return;
        continue;
      }
      try {
        if (await this.#adoptStored(domain)) return;
        const issued = await this.#order(domain);
        if (!lock.held) throw new Error('the ordering lock was lost before the certificate could be saved');
        const certificate: StoredCertificate = { domain, certificate: issued.certificate, key: issued.key, store: 'default' };
        await store.saveCertificate(this.name, certificate);
        this.#put(certificate);
        this.#log.info('certificate obtained', { domains: domainNames(domain).join(',') });
        return;
      } finally {
        await lock.release().catch(() => undefined);
      }
    }
  }

  /** Serves the store's certificate for the set when it holds one that is not due for renewal. */
  async #adoptStored(domain: AcmeDomain): Promise<boolean> {
    const stored = (await this.#options.store.load(this.name)).certificates.find((certificate) => isSameDomainSet(certificate.domain, domain));
    if (stored === undefined) return false;
    const notAfter = notAfterOf(stored);
    if (notAfter === undefined || isDueForRenewal(notAfter, Date.now(), this.#renewal)) return false;
    const current = this.#certificates.find((certificate) => isSameDomainSet(certificate.domain, domain));
    if (current?.certificate !== stored.certificate) this.#put(stored);
    return true;
  }

  #put(certificate: StoredCertificate): void {
    this.#certificates = [...this.#certificates.filter((other) => !isSameDomainSet(other.domain, certificate.domain)), certificate];
    this.#options.publish(this.#certificates);
    this.#scheduleRenewal();
  }

  async #order(domain: AcmeDomain): Promise<{ certificate: string; key: string }> {
    const { config } = this.#options;
    const types = challengeTypes(config);
    if (types.length === 0) throw new Error('ACME challenge not specified, please select TLS or HTTP or DNS Challenge');
    const wildcard = domainNames(domain).find((name) => name.startsWith('*.'));
    if (wildcard !== undefined && config.dnsChallenge === undefined) {
      throw new Error(`unable to generate a wildcard certificate for domain "${wildcard}": ACME needs a DNSChallenge`);
    }
    if (config.dnsChallenge !== undefined) this.#dns ??= new DnsChallengeSolver(config.dnsChallenge, this.#options.env);
    const client = await this.#acmeClient();
    return orderCertificate({ resolver: this.name, config, client, store: this.#options.store, board: this.#options.board, dns: this.#dns }, domainNames(domain));
  }

  #acmeClient(): Promise<acme.Client> {
    const opening = (this.#client ??= openAcmeClient(this.name, this.#options.config, this.#options.store, this.#log, this.#options.env));
    // A failed registration is tried again with the next order.
    opening.catch(() => {
      if (this.#client === opening) this.#client = undefined;
    });
    return opening;
  }

  #scheduleRenewal(): void {
    clearTimeout(this.#renewTimer);
    if (this.#isClosed) return;
    const now = Date.now();
    const notAfters = this.#certificates.map(notAfterOf).filter((value): value is number => value !== undefined);
    this.#renewTimer = setTimeout(() => this.#renewDue(), this.#hasDue(now) ? 0 : nextCheckDelay(notAfters, now, this.#renewal));
    this.#renewTimer.unref();
  }

  #hasDue(now: number): boolean {
    return this.#certificates.some((certificate) => {
      const notAfter = notAfterOf(certificate);
      return (notAfter === undefined || isDueForRenewal(notAfter, now, this.#renewal)) && !this.#retryTimers.has(domainKey(certificate.domain)) && !this.#inFlight.has(domainKey(certificate.domain));
    });
  }

  /** Renews every certificate within its renewal period (or unreadable), as Traefik's periodic check. */
  #renewDue(): void {
    const now = Date.now();
    for (const certificate of this.#certificates) {
      const notAfter = notAfterOf(certificate);
      if (notAfter !== undefined && !isDueForRenewal(notAfter, now, this.#renewal)) continue;
      const key = domainKey(certificate.domain);
      if (this.#inFlight.has(key) || this.#retryTimers.has(key)) continue;
      this.#log.info('renewing certificate', { domains: domainNames(certificate.domain).join(',') });
      this.#ensure(certificate.domain, 'renewal');
    }
    clearTimeout(this.#renewTimer);
    if (this.#isClosed) return;
    const notAfters = this.#certificates.map(notAfterOf).filter((value): value is number => value !== undefined);
    this.#renewTimer = setTimeout(() => this.#renewDue(), nextCheckDelay(notAfters, Date.now(), this.#renewal));
    this.#renewTimer.unref();
  }

  close(): void {
    this.#isClosed = true;
    clearTimeout(this.#renewTimer);
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#stopWatching?.();
  }
}
