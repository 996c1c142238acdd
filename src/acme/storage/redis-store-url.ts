import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseDurationOption } from './duration-option.js';

/** Where a Redis store connects and how it names its keys, from `redis://[user:pass@]host:port/db?options`. */
export interface RedisStoreAddress {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Present for `rediss://`: TLS with the host as server name (none for an IP), trusting `caFile` (PEM) or the system roots. */
  readonly tls?: { readonly servername?: string | undefined; readonly ca?: string | undefined; readonly rejectUnauthorized: boolean } | undefined;
  /** Every key and the change channel start with it (`junction:acme` unless `?keyPrefix=` says otherwise). */
  readonly keyPrefix: string;
  /** How often watchers re-read the change counters, in case a notification was missed (`?pollInterval=`). */
  readonly pollIntervalMs: number;
  /** The URL without its password, for logs. */
  readonly display: string;
}

const knownOptions = new Set(['keyPrefix', 'caFile', 'insecureSkipVerify', 'pollInterval']);

/** Reads a Redis store URL; throws an Error whose message says what is wrong with it. */
export function parseRedisStoreUrl(text: string): RedisStoreAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`invalid Redis URL "${text.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  const secure = url.protocol === 'rediss:';
  if (!secure && url.protocol !== 'redis:') throw new Error(`unsupported scheme "${url.protocol}"; expected redis: or rediss:`);
  if (url.hostname === '') throw new Error('the Redis URL has no host');
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isSafeInteger(db)) throw new Error(`database "${dbText}" is not a number`);
  for (const name of url.searchParams.keys()) {
    if (!knownOptions.has(name)) throw new Error(`unknown option "${name}"; expected one of ${[...knownOptions].join(', ')}`);
  }
  const keyPrefix = url.searchParams.get('keyPrefix') ?? 'junction:acme';
  if (keyPrefix === '') throw new Error('option "keyPrefix" must not be empty');
  const pollText = url.searchParams.get('pollInterval') ?? '10s';
  const pollIntervalMs = parseDurationOption(pollText);
  if (pollIntervalMs === undefined || pollIntervalMs <= 0) throw new Error(`option "pollInterval": invalid duration "${pollText}"`);

  let tls: RedisStoreAddress['tls'];
  const caFile = url.searchParams.get('caFile') ?? undefined;
  const insecure = url.searchParams.get('insecureSkipVerify');
  if (!secure && (caFile !== undefined || insecure !== null)) throw new Error('options "caFile" and "insecureSkipVerify" need a rediss:// URL');
  if (insecure !== null && insecure !== 'true' && insecure !== 'false') throw new Error(`option "insecureSkipVerify": expected true or false, got "${insecure}"`);
  if (secure) {
    let ca: string | undefined;
    if (caFile !== undefined) {
      try {
        ca = readFileSync(caFile, 'utf8');
      } catch (error) {
        throw new Error(`option "caFile": cannot read "${caFile}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // RFC 6066 §3: SNI carries host names only; an IP address is checked against the certificate without it.
    tls = { ...(isIP(host) === 0 ? { servername: host } : {}), ca, rejectUnauthorized: insecure !== 'true' };
  }

  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  const credentials = username === undefined && password === undefined ? '' : `${url.username}${password === undefined ? '' : ':***'}@`;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    username,
    password,
    tls,
    keyPrefix,
    pollIntervalMs,
    display: `${url.protocol}//${credentials}${url.host}/${db}`,
  };
}
