import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';
import { ConfigError, quote } from '../../../config/errors.js';
import type { ForwardAuthTlsConfig } from './forward-auth-schema.js';

/** Options for connecting to an `https://` authentication server. */
export type AuthTlsOptions = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>;

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

/** Validates `tls` and turns it into connection options; throws ConfigError relative to the middleware. */
export function compileAuthTls(tls: ForwardAuthTlsConfig): AuthTlsOptions {
  const options: AuthTlsOptions = { rejectUnauthorized: tls.insecureSkipVerify !== true };
  if (tls.ca !== undefined && tls.ca !== '') options.ca = loadCa(tls.ca);
  const hasCert = tls.cert !== undefined && tls.cert !== '';
  const hasKey = tls.key !== undefined && tls.key !== '';
  if (hasCert && !hasKey) throw new ConfigError('tls.key', 'required when tls.cert is set');
  if (hasKey && !hasCert) throw new ConfigError('tls.cert', 'required when tls.key is set');
  if (hasCert && hasKey) Object.assign(options, loadKeyPair(tls.cert!, tls.key!));
  return options;
}

/**
 * Creates the connection pool to the authentication server. Connections are kept alive as Go's default
 * transport keeps them; the pool lives in the middleware's state, so a reload that keeps the definition
 * keeps the connections.
 */
export function createAuthClient(origin: string, tls: AuthTlsOptions | undefined): Pool {
  return new Pool(origin, {
    connections: null,
    pipelining: 1,
    keepAliveMaxTimeout: 90_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      timeout: 30_000,
      ...(origin.startsWith('https:') && tls !== undefined ? tls : {}),
    },
  });
}
