import type { AcmeDomain, ResolverRecord, StoredAccount, StoredCertificate } from './acme-store.js';

/**
 * One resolver's entry of Traefik's `acme.json`, field for field (`Account`, `Certificates`, base64 `certificate`
 * and `key`, `Store`), so that what a shared store keeps reads like the file and can be copied into one.
 */
export interface ResolverRecordJson {
  Account: AccountJson | null;
  Certificates: CertificateJson[] | null;
}

export interface AccountJson {
  Email: string;
  Registration: { body: Record<string, unknown>; uri?: string } | null;
  /** Base64 of the DER key, as Go marshals a []byte. */
  PrivateKey: string;
}

export interface CertificateJson {
  domain: { main?: string; sans?: string[] };
  /** Base64 of the PEM chain. */
  certificate: string;
  /** Base64 of the PEM key. */
  key: string;
  Store: string;
}

/** Raised when stored data is not what Junction (or Traefik) writes; the message names where it was read. */
export class StoredDataError extends Error {}

/** The name of a domain set regardless of order: the same key for `{a, [b]}` and `{b, [a]}`. */
export function domainSetKey(domain: AcmeDomain): string {
  return [...new Set([domain.main, ...domain.sans].map((name) => name.toLowerCase()))].sort().join(',');
}

export function encodeAccount(account: StoredAccount): AccountJson {
  return {
    Email: account.email,
    Registration: account.registration === undefined ? null : { body: { ...account.registration.body }, uri: account.registration.uri },
    PrivateKey: account.privateKey.toString('base64'),
  };
}

export function encodeCertificate(certificate: StoredCertificate): CertificateJson {
  const sans = certificate.domain.sans.length === 0 ? {} : { sans: [...certificate.domain.sans] };
  return {
    domain: { main: certificate.domain.main, ...sans },
    certificate: Buffer.from(certificate.certificate, 'utf8').toString('base64'),
    key: Buffer.from(certificate.key, 'utf8').toString('base64'),
    Store: certificate.store,
  };
}

export function encodeRecord(record: ResolverRecord): ResolverRecordJson {
  return {
    Account: record.account === undefined ? null : encodeAccount(record.account),
    Certificates: record.certificates.map(encodeCertificate),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function base64Field(object: Record<string, unknown>, field: string, where: string): Buffer {
  const value = object[field];
  if (typeof value !== 'string' || value === '') throw new StoredDataError(`${where}.${field}: expected base64 text`);
  return Buffer.from(value, 'base64');
}

/** Reads an `Account` entry; `where` names it in errors (`redis key junction:le:account`). */
export function decodeAccount(json: unknown, where: string): StoredAccount {
  if (!isObject(json)) throw new StoredDataError(`${where}: expected an object`);
  if (typeof json['Email'] !== 'string') throw new StoredDataError(`${where}.Email: expected text`);
  const privateKey = base64Field(json, 'PrivateKey', where);
  const registration = json['Registration'];
  if (registration === null || registration === undefined) return { email: json['Email'], privateKey };
  if (!isObject(registration) || !isObject(registration['body'])) throw new StoredDataError(`${where}.Registration: expected {body, uri}`);
  const uri = typeof registration['uri'] === 'string' ? registration['uri'] : '';
  return { email: json['Email'], registration: { body: registration['body'], uri }, privateKey };
}

/** Reads one `Certificates` entry. */
export function decodeCertificate(json: unknown, where: string): StoredCertificate {
  if (!isObject(json)) throw new StoredDataError(`${where}: expected an object`);
  const domain = json['domain'];
  if (!isObject(domain) || typeof domain['main'] !== 'string') throw new StoredDataError(`${where}.domain.main: expected text`);
  const sans = domain['sans'] ?? [];
  if (!Array.isArray(sans) || !sans.every((name): name is string => typeof name === 'string')) throw new StoredDataError(`${where}.domain.sans: expected a list of names`);
  return {
    domain: { main: domain['main'], sans },
    certificate: base64Field(json, 'certificate', where).toString('utf8'),
    key: base64Field(json, 'key', where).toString('utf8'),
    // Traefik writes "default" for every ACME certificate; older files may lack the field.
    store: typeof json['Store'] === 'string' && json['Store'] !== '' ? json['Store'] : 'default',
  };
}

/** Reads a resolver's entry as `acme.json` holds it. */
export function decodeRecord(json: unknown, where: string): ResolverRecord {
  if (!isObject(json)) throw new StoredDataError(`${where}: expected an object`);
  const account = json['Account'] === null || json['Account'] === undefined ? undefined : decodeAccount(json['Account'], `${where}.Account`);
  const list = json['Certificates'] ?? [];
  if (!Array.isArray(list)) throw new StoredDataError(`${where}.Certificates: expected a list`);
  return { account, certificates: list.map((entry, index) => decodeCertificate(entry, `${where}.Certificates[${index}]`)) };
}

/** Parses stored JSON text, naming where it came from when it is not JSON. */
export function parseStoredJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StoredDataError(`${where}: not JSON (${(error as Error).message})`);
  }
}

/** `certificates` with `certificate` in place of the one for the same domain set, or added at the end. */
export function withCertificate(certificates: readonly StoredCertificate[], certificate: StoredCertificate): StoredCertificate[] {
  const key = domainSetKey(certificate.domain);
  const index = certificates.findIndex((existing) => domainSetKey(existing.domain) === key);
  if (index === -1) return [...certificates, certificate];
  return certificates.map((existing, position) => (position === index ? certificate : existing));
}
