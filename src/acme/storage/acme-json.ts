import type { AcmeDomain, ResolverRecord, StoredAccount, StoredCertificate } from './acme-store.js';

/**
 * Traefik's `acme.json` format: one entry per resolver, `{ Account, Certificates }`, byte strings in base64
 * (the account key as DER, certificates and keys as PEM text), as Go's encoding/json writes `[]byte`.
 */

/** A resolver's entry as the file holds it; fields Junction does not know are kept as they were. */
export interface AcmeJsonEntry {
  Account?: AcmeJsonAccount | null;
  Certificates?: AcmeJsonCertificate[] | null;
  [other: string]: unknown;
}

interface AcmeJsonAccount {
  Email?: string;
  Registration?: { body?: Record<string, unknown>; uri?: string } | null;
  PrivateKey?: string;
  [other: string]: unknown;
}

interface AcmeJsonCertificate {
  domain?: { main?: string; sans?: string[] | null };
  certificate?: string;
  key?: string;
  Store?: string;
}

/** The whole file: resolvers by name. */
export type AcmeJson = Record<string, AcmeJsonEntry>;

function fromBase64(value: string | undefined): Buffer {
  return Buffer.from(value ?? '', 'base64');
}

/** Reads a resolver's record; certificates without a certificate or a key are dropped, as Traefik does. */
export function recordFromJson(entry: AcmeJsonEntry | undefined): ResolverRecord {
  if (entry === undefined) return { certificates: [] };
  const account = accountFromJson(entry.Account ?? undefined);
  const certificates: StoredCertificate[] = [];
  for (const stored of entry.Certificates ?? []) {
    const certificate = fromBase64(stored.certificate).toString('utf8');
    const key = fromBase64(stored.key).toString('utf8');
    if (certificate === '' || key === '') continue;
    certificates.push({
      domain: { main: stored.domain?.main ?? '', sans: [...(stored.domain?.sans ?? [])] },
      certificate,
      key,
      store: stored.Store === undefined || stored.Store === '' ? 'default' : stored.Store,
    });
  }
  return { account, certificates };
}

function accountFromJson(account: AcmeJsonAccount | undefined): StoredAccount | undefined {
  if (account === undefined || account === null) return undefined;
  const privateKey = fromBase64(account.PrivateKey);
  if (privateKey.length === 0) return undefined;
  const registration = account.Registration;
  return {
    email: account.Email ?? '',
    registration: registration === undefined || registration === null ? undefined : { body: registration.body ?? {}, uri: registration.uri ?? '' },
    privateKey,
  };
}

/** Writes an account as Traefik does, keeping the fields of the previous entry Junction does not know. */
export function accountToJson(account: StoredAccount, previous: AcmeJsonAccount | null | undefined): AcmeJsonAccount {
  return {
    ...(previous ?? {}),
    Email: account.email,
    Registration: account.registration === undefined ? null : { body: { ...account.registration.body }, uri: account.registration.uri },
    PrivateKey: account.privateKey.toString('base64'),
  };
}

export function certificateToJson(certificate: StoredCertificate): AcmeJsonCertificate {
  return {
    domain: { main: certificate.domain.main, ...(certificate.domain.sans.length > 0 ? { sans: [...certificate.domain.sans] } : {}) },
    certificate: Buffer.from(certificate.certificate, 'utf8').toString('base64'),
    key: Buffer.from(certificate.key, 'utf8').toString('base64'),
    Store: certificate.store,
  };
}

/** Tells whether two domain sets name the same names (main and sans, in any order), as Traefik compares them. */
export function isSameDomainSet(a: AcmeDomain, b: AcmeDomain): boolean {
  const left = [a.main, ...a.sans].map((name) => name.toLowerCase()).sort();
  const right = [b.main, ...b.sans].map((name) => name.toLowerCase()).sort();
  return left.length === right.length && left.every((name, index) => name === right[index]);
}

/** Serialises the file as Go's `json.MarshalIndent(data, "", "  ")` does, HTML-sensitive characters escaped. */
export function serializeAcmeJson(data: AcmeJson): string {
  return JSON.stringify(data, null, 2).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
