import { createHash, timingSafeEqual } from 'node:crypto';
import { InternalError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { loadUsers } from '../htpasswd/users.js';
import type { MiddlewareFactory } from '../middleware.js';
import type { DigestAuthConfig } from './digest-auth-schema.js';
import { MalformedDigestParameterError, parseDigestParams } from './digest-params.js';
import { NonceTable } from './nonces.js';
import { parseUriPath, unescapePath } from './request-uri.js';

/** go-http-auth's answer to a missing or wrong digest. */
const unauthorizedBody = '401 Unauthorized\n';

/** MD5 in lowercase hex over the bytes of a header-derived (Latin-1) string. */
function md5Hex(text: string): string {
  return createHash('md5').update(text, 'latin1').digest('hex');
}

/** A header value as Node keeps it (Latin-1 characters for bytes) from text the configuration gave as UTF-8. */
function wireText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type Verdict = { readonly user: string } | 'stale' | undefined;

/**
 * Lets in requests with a valid RFC 2617 digest (MD5, qop=auth) for a user of the configured realm; answers
 * the others 401 with a fresh challenge, marked stale for a valid answer to an outdated nonce.
 */
export const digestAuth: MiddlewareFactory<DigestAuthConfig> = (config, context) => {
  const realm = config.realm !== undefined && config.realm !== '' ? config.realm : 'traefik';
  const users = loadUsers(config, ['name', 'realm', 'hash']);
  // Users of other realms are kept by Traefik but never found: lookups use the configured realm.
  const ha1ByUser = new Map<string, string>();
  for (const [name, realmOf, ha1] of users.values()) if (realmOf === realm) ha1ByUser.set(name!, ha1!);
  const key = createHash('sha256')
    .update(JSON.stringify(['digestAuth', context.owner.kind, context.owner.name, context.name, realm, [...users.values()].sort()]))
    .digest();
  const nonces = context.state('nonces', () => new NonceTable(key, context.workers > 1));
  const realmText = wireText(realm);
  const headerField = config.headerField !== undefined && config.headerField !== '' ? config.headerField.toLowerCase() : undefined;
  const removeHeader = config.removeHeader === true;

  const challenge = (exchange: Exchange, isStale: boolean): void => {
    const stale = isStale ? 'stale="true", ' : '';
    const header = `Digest realm="${realmText}", nonce="${nonces.issue()}", opaque="${nonces.opaque}", ${stale}algorithm="MD5", qop="auth"`;
    exchange.reply(401, unauthorizedBody, { 'content-type': 'text/plain', 'www-authenticate': header });
  };

  const verify = (exchange: Exchange): Verdict => {
    const params = parseDigestParams(first(exchange.request.headers.authorization));
    if (params === undefined) return undefined;
    const param = (name: string): string => params.get(name) ?? '';
    // RFC 2617 §3.2.1: a missing algorithm means MD5.
    const algorithm = params.get('algorithm') ?? 'MD5';
    if (param('opaque') !== nonces.opaque || algorithm !== 'MD5' || param('qop') !== 'auth') return undefined;
    const uri = param('uri');
    if (uri !== exchange.target) {
      // go-http-auth also accepts a uri whose path is a prefix of the request's path.
      const uriPath = parseUriPath(uri);
      const requestPath = unescapePath(exchange.path);
      if (uriPath === undefined || requestPath === undefined || uriPath.length > requestPath.length || !requestPath.startsWith(uriPath)) return undefined;
    }
    // Differs from Traefik: go-http-auth hashes an unknown user with an empty HA1, which a client can
    // compute, so any made-up name would get in. An unknown user is refused here.
    const ha1 = ha1ByUser.get(Buffer.from(param('username'), 'latin1').toString('utf8'));
    const ha2 = md5Hex(`${exchange.request.method ?? 'GET'}:${uri}`);
    const expected = md5Hex([ha1 ?? '', param('nonce'), param('nc'), param('cnonce'), param('qop'), ha2].join(':'));
    const response = Buffer.from(param('response'), 'latin1');
    const isMatch = response.length === expected.length && timingSafeEqual(response, Buffer.from(expected, 'latin1'));
    if (!isMatch || ha1 === undefined) return undefined;
    const ncText = param('nc');
    if (!/^[0-9A-Fa-f]+$/.test(ncText)) return undefined;
    const nc = BigInt(`0x${ncText}`);
    if (nc > 0xffff_ffff_ffff_ffffn) return undefined;
    const entry = nonces.lookup(param('nonce'));
    if (entry === 'unknown') return undefined;
    if (entry === 'expired') return 'stale';
    if (entry.nc !== 0n) {
      // The same count again is a replay; a lower one, pipelined requests out of order: the client may retry.
      if (nc === entry.nc) return undefined;
      if (nc < entry.nc) return 'stale';
    }
    entry.nc = nc;
    entry.lastSeen = Date.now();
    return { user: param('username') };
  };

  return (next) =>
    function digestAuth(exchange) {
      const headers = exchange.request.headers;
      let verdict: Verdict;
      try {
        verdict = verify(exchange);
        // Traefik reads the header again to log the user name, and fails the same way on a malformed one.
        if (verdict === undefined || verdict === 'stale') parseDigestParams(first(headers[headerField ?? 'authorization']));
      } catch (error) {
        if (!(error instanceof MalformedDigestParameterError)) throw error;
        return exchange.fail(new InternalError(error.message));
      }
      if (verdict === undefined || verdict === 'stale') {
        const username = parseDigestParams(first(headers[headerField ?? 'authorization']))?.get('username');
        if (exchange.observation !== undefined && username !== undefined && username !== '') exchange.observation.clientUsername = username;
        exchange.log.debug('digest authentication failed', { middlewareName: context.name, isStale: verdict === 'stale' });
        return challenge(exchange, verdict === 'stale');
      }
      if (exchange.observation !== undefined) exchange.observation.clientUsername = verdict.user;
      if (headerField !== undefined) headers[headerField] = verdict.user;
      if (removeHeader) delete headers.authorization;
      next(exchange);
    };
};
