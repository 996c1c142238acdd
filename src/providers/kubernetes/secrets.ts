import type { V1Secret } from '@kubernetes/client-node';
import { quote } from '../../config/errors.js';
import { kinds, type ClusterSnapshot } from './cluster-snapshot.js';

/** A certificate and its key in PEM, as a `tls.certificates` entry holds them inline. */
export interface PemPair {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Decodes one entry of a Secret's `data` (base64, as the API serves it). */
export function secretEntry(secret: V1Secret, key: string): string | undefined {
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * Reads `tls.crt` and `tls.key` from a Secret, with Traefik's faults: a missing Secret, missing entries, empty
 * entries (each list named).
 */
export function tlsCertificateFromSecret(snapshot: ClusterSnapshot, namespace: string, name: string): { ok: true; pair: PemPair } | { ok: false; reason: string } {
  const secret = snapshot.get<V1Secret>(kinds.secret, namespace, name);
  const qualified = quote(`${namespace}/${name}`);
  if (secret === undefined) return { ok: false, reason: `secret ${qualified} does not exist` };
  const certificate = secretEntry(secret, 'tls.crt');
  const key = secretEntry(secret, 'tls.key');
  const missing = [certificate === undefined ? 'tls.crt' : '', key === undefined ? 'tls.key' : ''].filter((entry) => entry !== '');
  if (missing.length > 0) return { ok: false, reason: `secret ${qualified} is missing the TLS data entries ${missing.join(', ')}` };
  const empty = [certificate === '' ? 'tls.crt' : '', key === '' ? 'tls.key' : ''].filter((entry) => entry !== '');
  if (empty.length > 0) return { ok: false, reason: `secret ${qualified} has empty TLS data entries ${empty.join(', ')}` };
  return { ok: true, pair: { certFile: certificate!, keyFile: key! } };
}
