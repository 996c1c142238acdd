/**
 * The contract between the DNS-01 challenge and the services that publish its TXT record: a dynamic-update
 * nameserver, a script, a web hook or a cloud DNS API. The names and variables follow go-acme/lego, the library
 * Traefik uses, so that a Traefik `dnsChallenge.provider` and its environment work unchanged.
 */

/** What the CA asked for, for providers that want the raw challenge rather than the TXT record (`EXEC_MODE=RAW`). */
export interface DnsChallenge {
  /** The challenge token from the CA. */
  readonly token: string;
  /** `<token>.<account key thumbprint>`, whose SHA-256 is the TXT value. */
  readonly keyAuthorization: string;
}

export interface DnsProvider {
  /** Names the provider in logs and errors (`exec`, `rfc2136`, …), as the static configuration spells it. */
  readonly name: string;
  /**
   * Publishes the TXT record `fqdn` = `value`. `domain` is the identifier without its `*.`; `fqdn` is
   * `_acme-challenge.<domain>.` (or where its CNAME points); `value` the base64url SHA-256 of the key authorization.
   */
  present(domain: string, fqdn: string, value: string, challenge?: DnsChallenge): Promise<void>;
  /** Removes the record `present` published; called once the CA has validated it, or gave up. */
  cleanup(domain: string, fqdn: string, value: string, challenge?: DnsChallenge): Promise<void>;
  /** How long to wait for the record to be visible on the zone's nameservers before giving up. */
  readonly propagationTimeoutMs: number;
  /** How often to look for the record while waiting. */
  readonly pollingIntervalMs: number;
  /**
   * When set, this provider solves one challenge at a time, waiting this long between two (a provider that can
   * hold only one TXT value per name, or that rate-limits). Absent: all challenges of an order are presented together.
   */
  readonly sequenceIntervalMs?: number | undefined;
}

/** A provider's configuration is missing or wrong; the message names the provider and the variable, as lego does. */
export class DnsProviderConfigError extends Error {
  readonly provider: string;

  constructor(provider: string, reason: string) {
    super(`${provider}: ${reason}`);
    this.name = 'DnsProviderConfigError';
    this.provider = provider;
  }
}

/** `dnsChallenge.provider` names no provider Junction has. */
export class UnknownDnsProviderError extends DnsProviderConfigError {
  constructor(provider: string, known: readonly string[], nearest: string | undefined) {
    super(provider, 'unknown DNS provider');
    const hint = nearest === undefined ? '' : `did you mean "${nearest}"? `;
    this.message = `unknown DNS provider "${provider}"; ${hint}expected one of ${known.join(', ')}`;
    this.name = 'UnknownDnsProviderError';
  }
}

/** Lego's defaults, which every provider uses unless its own variables say otherwise. */
export const defaultPropagationTimeoutMs = 60_000;
export const defaultPollingIntervalMs = 2_000;
export const defaultTtlSeconds = 120;
