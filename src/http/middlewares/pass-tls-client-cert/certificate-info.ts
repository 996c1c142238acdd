import type { X509Certificate } from 'node:crypto';

/** Distinguished-name parts Traefik can pass, in the order it writes them. */
export interface NameParts {
  readonly domainComponent?: boolean | undefined;
  readonly country?: boolean | undefined;
  readonly province?: boolean | undefined;
  readonly locality?: boolean | undefined;
  readonly organization?: boolean | undefined;
  readonly organizationalUnit?: boolean | undefined;
  readonly serialNumber?: boolean | undefined;
  readonly commonName?: boolean | undefined;
}

/** OpenSSL's attribute names for each part, in Traefik's order (DC first, CN last). */
const partKeys: ReadonlyArray<readonly [keyof NameParts, string, string]> = [
  ['domainComponent', 'DC', 'DC'],
  ['country', 'C', 'C'],
  ['province', 'ST', 'ST'],
  ['locality', 'L', 'L'],
  ['organization', 'O', 'O'],
  ['organizationalUnit', 'OU', 'OU'],
  ['serialNumber', 'serialNumber', 'SN'],
  ['commonName', 'CN', 'CN'],
];

/** Writes the chosen parts of a distinguished name as Traefik does: `C=FR,ST=Occitanie,CN=alice`. */
export function distinguishedName(name: string, parts: NameParts): string {
  const attributes = name.split('\n').map((line) => {
    const equals = line.indexOf('=');
    return [line.slice(0, equals), line.slice(equals + 1)] as const;
  });
  const written: string[] = [];
  for (const [part, attribute, label] of partKeys) {
    if (parts[part] !== true) continue;
    for (const [key, value] of attributes) if (key === attribute && value !== '') written.push(`${label}=${value}`);
  }
  return written.join(',');
}

/** SANs in Go's order: DNS names, e-mail addresses, IP addresses, URIs. */
export function subjectAltNames(certificate: X509Certificate): string[] {
  const entries = (certificate.subjectAltName ?? '').split(/, (?=[A-Za-z ]+:)/).filter((entry) => entry !== '');
  const of = (prefix: string): string[] => entries.filter((entry) => entry.startsWith(prefix)).map((entry) => entry.slice(prefix.length));
  return [...of('DNS:'), ...of('email:'), ...of('IP Address:'), ...of('URI:')];
}

/** Go's url.QueryEscape: unreserved characters stay, spaces become `+`, everything else is percent-encoded. */
export function goQueryEscape(text: string): string {
  let escaped = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char)) escaped += char;
    else if (byte === 0x20) escaped += '+';
    else escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return escaped;
}

/** A certificate's DER as Traefik's sanitized PEM: the base64 body without armour or newlines. */
export function sanitizedPem(certificate: X509Certificate): string {
  return certificate.raw.toString('base64');
}
