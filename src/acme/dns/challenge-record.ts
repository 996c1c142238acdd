import { createHash } from 'node:crypto';

/** The TXT record a DNS-01 challenge asks for. */
export interface ChallengeRecord {
  /** `_acme-challenge.<domain>.`, with the trailing dot. */
  readonly fqdn: string;
  /** base64url (unpadded) SHA-256 of the key authorization (RFC 8555 §8.4). */
  readonly value: string;
}

/** Computes the record name and value for `domain` (a `*.` prefix is dropped: a wildcard is proven on its base). */
export function challengeRecord(domain: string, keyAuthorization: string): ChallengeRecord {
  const base = domain.startsWith('*.') ? domain.slice(2) : domain;
  return {
    fqdn: `_acme-challenge.${toFqdn(base)}`,
    value: createHash('sha256').update(keyAuthorization).digest('base64url'),
  };
}

/** Appends the root's dot when missing: `example.com` → `example.com.`. */
export function toFqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** Drops the root's dot: `example.com.` → `example.com`. */
export function unFqdn(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
