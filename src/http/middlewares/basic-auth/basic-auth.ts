import { createHash } from 'node:crypto';
import { ConfigError, quote } from '../../../config/errors.js';
import { ClientClosedError, InternalError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { compilePasswordCheck, isSlowHash, type PasswordCheck } from '../htpasswd/htpasswd.js';
import { loadUsers } from '../htpasswd/users.js';
import type { MiddlewareFactory } from '../middleware.js';
import type { BasicAuthConfig } from './basic-auth-schema.js';
import { parseBasicCredentials } from './credentials.js';

/** go-http-auth's answer to a missing or wrong password. */
const unauthorizedBody = '401 Unauthorized\n';
const verifiedCacheSize = 1024;

/**
 * Slow (bcrypt) checks shared across reloads: concurrent checks of the same credentials run once, as
 * Traefik's singleflight does, and successful ones are remembered so a client sending the same
 * credentials on every request pays for bcrypt once. Differs from Traefik, which hashes every time.
 */
class SlowChecks {
  readonly #inFlight = new Map<string, Promise<boolean>>();
  readonly #verified = new Set<string>();

  run(hash: string, password: Buffer, check: PasswordCheck): boolean | Promise<boolean> {
    if (!isSlowHash(hash)) return check(password);
    const key = createHash('sha256').update(hash).update('\0').update(password).digest('base64');
    if (this.#verified.has(key)) return true;
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const settled = Promise.resolve(check(password)).then((isMatch) => {
      this.#inFlight.delete(key);
      if (isMatch) this.#remember(key);
      return isMatch;
    });
    this.#inFlight.set(key, settled);
    return settled;
  }

  #remember(key: string): void {
    if (this.#verified.size >= verifiedCacheSize) this.#verified.delete(this.#verified.values().next().value!);
    this.#verified.add(key);
  }
}

function isClientGone(exchange: Exchange): boolean {
  return exchange.response.destroyed || (exchange.upgrade?.socket.destroyed ?? false);
}

/** Lets in requests whose Basic credentials match an htpasswd user; answers the others 401 with a challenge. */
export const basicAuth: MiddlewareFactory<BasicAuthConfig> = (config, context) => {
  const users = loadUsers(config, ['name', 'hash']);
  if (users.size === 0) {
    if (config.usersFile !== undefined && config.usersFile !== '') throw new ConfigError('usersFile', `no users in ${quote(config.usersFile)}`);
    throw new ConfigError('', 'no users; set users or usersFile');
  }
  const hashes = new Map<string, { hash: string; check: PasswordCheck }>();
  for (const [name, fields] of users) hashes.set(name, { hash: fields[1]!, check: compilePasswordCheck(fields[1]!) });
  // Unknown users still cost one hash, against the first user's, so timing does not tell who exists (as in Traefik).
  const decoy = hashes.values().next().value!;
  const realm = config.realm !== undefined && config.realm !== '' ? config.realm : 'traefik';
  const challenge = `Basic realm="${realm}"`;
  const headerField = config.headerField !== undefined && config.headerField !== '' ? config.headerField.toLowerCase() : undefined;
  const removeHeader = config.removeHeader === true;
  const slowChecks = context.state('slow-checks', () => new SlowChecks());

  return (next) => {
    const unauthorized = (exchange: Exchange): void => {
      exchange.log.debug('authentication failed', { middlewareName: context.name });
      exchange.reply(401, unauthorizedBody, { 'content-type': 'text/plain', 'www-authenticate': challenge });
    };
    const admit = (exchange: Exchange, rawUser: string): void => {
      const headers = exchange.request.headers;
      if (headerField !== undefined) headers[headerField] = rawUser;
      if (removeHeader) delete headers.authorization;
      next(exchange);
    };

    return function basicAuth(exchange) {
      const credentials = parseBasicCredentials(exchange.request.headers.authorization);
      // As Traefik, the access log names the user the client sent, whether or not it gets in.
      if (exchange.observation !== undefined) exchange.observation.clientUsername = credentials?.rawUser ?? '';
      if (credentials === undefined) return unauthorized(exchange);
      const user = hashes.get(credentials.user);
      const { hash, check } = user ?? decoy;
      const result = slowChecks.run(hash, credentials.password, check);
      if (typeof result === 'boolean') {
        if (result && user !== undefined) return admit(exchange, credentials.rawUser);
        return unauthorized(exchange);
      }
      result
        .then((isMatch) => {
          if (isClientGone(exchange)) return exchange.fail(new ClientClosedError('client closed the connection during authentication'));
          if (isMatch && user !== undefined) return admit(exchange, credentials.rawUser);
          unauthorized(exchange);
        })
        .catch((error: unknown) => exchange.fail(new InternalError(`basicAuth failed: ${(error as Error).message}`)));
    };
  };
};
