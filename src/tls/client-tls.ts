import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import { ConfigError, quote } from '../config/errors.js';
import { boolean, object, string, type Infer } from '../config/schema.js';

/** Traefik's ClientTLS: how Junction connects to a TLS server it depends on (authentication server, Redis...). */
export const clientTlsSchema = object({
  ca: string(),
  cert: string(),
  key: string(),
  insecureSkipVerify: boolean(),
  /** Deprecated in Traefik and ignored: client authentication is a server-side setting. */
  caOptional: boolean(),
});

export type ClientTlsConfig = Infer<typeof clientTlsSchema>;

/** Connection options compiled from a ClientTLS. */
export type ClientTlsOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;

function readSetting(value: string, path: string): string {
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new ConfigError(path, `cannot read ${quote(value)}: ${(error as Error).message}`);
  }
}

/** A CA given as a file path or as PEM text, as Traefik accepts it; at least one certificate must parse. */
function loadCa(value: string): string {
  const pem = existsSync(value) ? readSetting(value, 'tls.ca') : value;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const parsed = blocks.filter((block) => {
    try {
      return new X509Certificate(block) !== undefined;
    } catch {
      return false;
    }
  });
  if (parsed.length > 0) return parsed.join('\n');
  if (!pem.includes('-----BEGIN')) throw new ConfigError('tls.ca', `${quote(value)} is neither a readable file nor a PEM certificate`);
  throw new ConfigError('tls.ca', 'no certificate could be parsed');
}

function checkKeyPair(cert: string, key: string): string | undefined {
  try {
    createSecureContext({ cert, key });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A certificate and key given as PEM text, or else as file paths, as Traefik's `loadKeyPair` tries them. */
function loadKeyPair(cert: string, key: string): { cert: string; key: string } {
  if (checkKeyPair(cert, key) === undefined) return { cert, key };
  if (!existsSync(cert)) throw new ConfigError('tls.cert', `${quote(cert)} is neither a readable file nor a PEM certificate with its key`);
  if (!existsSync(key)) throw new ConfigError('tls.key', `${quote(key)} is neither a readable file nor a PEM key`);
  const pair = { cert: readSetting(cert, 'tls.cert'), key: readSetting(key, 'tls.key') };
  const problem = checkKeyPair(pair.cert, pair.key);
  if (problem !== undefined) throw new ConfigError('tls', `cannot use the certificate and key: ${problem}`);
  return pair;
}

/**
 * Validates Traefik's ClientTLS (`forwardAuth.tls`, `rateLimit.redis.tls`, `providers.http.tls`) and turns it
 * into connection options; throws ConfigError at `tls.…`, relative to the section holding it.
 */
export function compileClientTls(tls: ClientTlsConfig): ClientTlsOptions {
  const options: ClientTlsOptions = { rejectUnauthorized: tls.insecureSkipVerify !== true };
  if (tls.ca !== undefined && tls.ca !== '') options.ca = loadCa(tls.ca);
  const hasCert = tls.cert !== undefined && tls.cert !== '';
  const hasKey = tls.key !== undefined && tls.key !== '';
  if (hasCert && !hasKey) throw new ConfigError('tls.key', 'required when tls.cert is set');
  if (hasKey && !hasCert) throw new ConfigError('tls.cert', 'required when tls.key is set');
  if (hasCert && hasKey) Object.assign(options, loadKeyPair(tls.cert!, tls.key!));
  return options;
}
