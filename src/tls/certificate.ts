import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { ConfigError, joinPath } from '../config/errors.js';
import { readFileOrContent } from './file-or-content.js';

/** A certificate chain with its private key, and the names it serves. */
export interface ServingCertificate {
  /** PEM chain, leaf first. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
  /** Lowercase DNS names and IP addresses (common name first when it is not a SAN), `*.` wildcards kept. */
  readonly names: readonly string[];
  readonly leaf: X509Certificate;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Names a certificate serves, as Traefik collects them: common name, DNS SANs and IP SANs. */
export function certificateNames(leaf: X509Certificate): string[] {
  const names = new Set<string>();
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(leaf.subject)?.[1];
  if (commonName !== undefined && commonName !== '') names.add(commonName.toLowerCase());
  for (const entry of (leaf.subjectAltName ?? '').split(/,\s*/)) {
    const match = /^(DNS|IP Address):(.*)$/.exec(entry);
    if (match !== null) names.add(match[2]!.trim().toLowerCase());
  }
  return [...names];
}

/** Parses a PEM chain and key; throws ConfigError naming `certFile` or `keyFile` under `path`. */
export function parseCertificate(certPem: string, keyPem: string, path: string): ServingCertificate {
  const blocks = certPem.match(PEM_CERTIFICATE);
  if (blocks === null) throw new ConfigError(joinPath(path, 'certFile'), 'no PEM certificate found');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(blocks[0]);
  } catch (error) {
    throw new ConfigError(joinPath(path, 'certFile'), `invalid certificate: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new ConfigError(joinPath(path, 'keyFile'), `invalid private key: ${(error as Error).message}`);
  }
  if (!leaf.checkPrivateKey(key)) throw new ConfigError(joinPath(path, 'keyFile'), 'private key does not match the certificate');
  return { cert: blocks.join('\n'), key: keyPem, names: certificateNames(leaf), leaf };
}

/** Loads a `certFile`/`keyFile` pair, each a path or inline PEM. */
export function loadCertificate(config: { readonly certFile: string; readonly keyFile: string }, path: string): ServingCertificate {
  const cert = readFileOrContent(config.certFile, joinPath(path, 'certFile'));
  const key = readFileOrContent(config.keyFile, joinPath(path, 'keyFile'));
  return parseCertificate(cert, key, path);
}
