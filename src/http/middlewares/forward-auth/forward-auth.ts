import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { ConfigError, quote } from '../../../config/errors.js';
import { compileGoRegexp, GoRegexpError } from '../../../rules/go-regexp.js';
import { ClientClosedError, DataPathError, InternalError } from '../../errors.js';
import type { Exchange, Handler } from '../../exchange.js';
import { hasRequestBody } from '../../proxy/forward.js';
import { canonicalHeaderName } from '../../proxy/header-names.js';
import type { ResponseHeaders } from '../../response-writer.js';
import type { MiddlewareFactory } from '../middleware.js';
import { compileClientTls } from '../../../tls/client-tls.js';
import { createAuthClient } from './auth-client.js';
import { managedXHeaders } from '../../../entrypoints/forwarded-headers.js';
import { authRequestHeaders } from './auth-request-headers.js';
import type { ForwardAuthConfig } from './forward-auth-schema.js';
import { formatSetCookie, readSetCookies } from './go-cookie.js';
import { goRedirect } from './go-redirect.js';
import { formatGoUrl, parseGoUrl, resolveGoUrl, type GoUrl } from './go-url.js';
import { readBody, tooLarge } from './request-body.js';

/** The authentication server could not be asked, or its answer could not be read. */
export class AuthServerError extends DataPathError {
  readonly code = 'ERR_FORWARD_AUTH';
  readonly status = 500;
}

/**
 * Traefik's http.Client for authentication requests gives up after 30 seconds. Here the wait for the
 * answer's head and each wait for its body are bounded by that, with undici's own timers: a timer per
 * request held for 30 seconds would pile up under load.
 */
const authTimeoutMs = 30_000;
/** oxy's hop-by-hop list, removed from the authentication server's answer before it goes to the client. */
const hopHeaders = new Set(['connection', 'keep-alive', 'te', 'trailers', 'trailer', 'transfer-encoding', 'upgrade']);
const gunzipAsync = promisify(gunzip);

type AuthHeaders = Record<string, string | string[] | undefined>;

function asList(value: string | string[] | number | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [String(value)];
}

function isClientGone(exchange: Exchange): boolean {
  return exchange.response.destroyed || (exchange.upgrade?.socket.destroyed ?? false);
}

/** Writes an answer from the middleware, as Traefik's `rw.WriteHeader` + `rw.Write` do. */
function send(exchange: Exchange, status: number, headers: ResponseHeaders, body: Buffer): void {
  if (exchange.writer.isHeadSent || exchange.response.destroyed) return;
  exchange.writer.writeHead(status, headers);
  if (body.length > 0 && exchange.request.method !== 'HEAD') exchange.writer.write(body);
  exchange.writer.end();
}

/** Reads the answer's body up to `limit` bytes (none when negative), undoing the gzip Go's client asked for. */
async function readAuthBody(response: Dispatcher.ResponseData, limit: number, isGzipped: boolean): Promise<Buffer | typeof tooLarge> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (!isGzipped && limit >= 0 && length > limit) {
      response.body.destroy();
      return tooLarge;
    }
  }
  const body = Buffer.concat(chunks, length);
  if (!isGzipped || body.length === 0) return body;
  try {
    return await gunzipAsync(body, limit >= 0 ? { maxOutputLength: limit + 1 } : {}).then((plain) => (limit >= 0 && plain.length > limit ? tooLarge : plain));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge;
    throw error;
  }
}

function parseAddress(address: string): { origin: string; path: string; goUrl: GoUrl } {
  if (address.trim() === '') throw new ConfigError('address', 'must not be empty');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ConfigError('address', `invalid URL ${quote(address)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('address', `unsupported scheme ${quote(url.protocol.slice(0, -1))} in ${quote(address)}; expected http or https`);
  }
  const goUrl = parseGoUrl(address);
  if (goUrl === undefined || url.hostname === '') throw new ConfigError('address', `invalid URL ${quote(address)}`);
  return { origin: url.origin, path: `${url.pathname}${url.search}`, goUrl };
}

/**
 * Asks an authentication server about each request: a 2xx answer lets the request through (with the
 * headers and cookies the configuration copies from it); any other answer goes back to the client as it is.
 */
export const forwardAuth: MiddlewareFactory<ForwardAuthConfig> = (config, context) => {
  const address = parseAddress(config.address);
  const tls = config.tls === undefined ? undefined : compileClientTls(config.tls);
  if (config.tls?.caOptional !== undefined) context.log.warn('tls.caOptional is deprecated and ignored: TLS client authentication is a server-side option', { middlewareName: context.name });
  let headersRegex: RegExp | undefined;
  if (config.authResponseHeadersRegex !== undefined && config.authResponseHeadersRegex !== '') {
    try {
      headersRegex = compileGoRegexp(config.authResponseHeadersRegex);
    } catch (error) {
      if (!(error instanceof GoRegexpError)) throw error;
      throw new ConfigError('authResponseHeadersRegex', `invalid regular expression ${quote(config.authResponseHeadersRegex)}: ${error.message}`);
    }
  }
  const trustForwardHeader = config.trustForwardHeader;
  if (trustForwardHeader === undefined) {
    context.log.warn('trustForwardHeader is not set: X-Forwarded-For, -Proto, -Method, -Host and -Uri are replaced, other X-Forwarded headers pass as they are; set it to true or false', { middlewareName: context.name });
  }
  const allowed = new Set((config.authRequestHeaders ?? []).map((name) => name.toLowerCase()));
  if (trustForwardHeader === true && allowed.size > 0) for (const name of managedXHeaders) allowed.add(name);
  const forwardBody = config.forwardBody === true;
  const maxBodySize = config.maxBodySize ?? -1;
  if (forwardBody && config.maxBodySize === undefined) {
    context.log.warn('maxBodySize is not set with forwardBody: request bodies of any size are read into memory', { middlewareName: context.name });
  }
  const maxResponseBodySize = config.maxResponseBodySize ?? -1;
  const responseHeaderNames = (config.authResponseHeaders ?? []).map((name) => name.toLowerCase());
  const authCookieNames = new Set(config.addAuthCookiesToResponse ?? []);
  const preserveLocationHeader = config.preserveLocationHeader === true;
  const preserveRequestMethod = config.preserveRequestMethod === true;
  const signinUrl = config.authSigninURL !== undefined && config.authSigninURL !== '' ? config.authSigninURL : undefined;
  const client = context.state('client', () => createAuthClient(address.origin, tls));

  /** Go's `Response.Location`, or the header as it is with preserveLocationHeader; undefined when there is none, null when unreadable. */
  const locationOf = (headers: AuthHeaders): string | undefined | null => {
    const location = asList(headers.location)[0] ?? '';
    if (location === '') return undefined;
    const parsed = parseGoUrl(location);
    if (parsed === undefined) return null;
    return formatGoUrl(preserveLocationHeader ? parsed : resolveGoUrl(address.goUrl, parsed));
  };

  const fail = (exchange: Exchange, reason: string, error?: unknown): void => {
    const message = error === undefined ? reason : `${reason}: ${(error as Error).message}`;
    exchange.log.error(message, { middlewareName: context.name, routerName: exchange.routerName });
    exchange.error = new AuthServerError(message);
    send(exchange, 500, { 'content-length': 0 }, Buffer.alloc(0));
  };

  /** Answers with the authentication server's status, headers and body. */
  const refuse = (exchange: Exchange, status: number, authHeaders: AuthHeaders, body: Buffer, wasGzipped: boolean): void => {
    const headers: ResponseHeaders = {};
    for (const name in authHeaders) if (!hopHeaders.has(name)) headers[name] = authHeaders[name];
    if (wasGzipped) {
      delete headers['content-encoding'];
      delete headers['content-length'];
    }
    const location = locationOf(authHeaders);
    if (location === null) return fail(exchange, `cannot read the Location header of ${address.origin}`);
    if (location !== undefined) headers.location = location;
    const keepsLength = exchange.request.method === 'HEAD' || status === 204 || status === 304;
    if (!keepsLength || headers['content-length'] === undefined) headers['content-length'] = body.length;
    exchange.log.debug('authentication server refused the request', { middlewareName: context.name, status });
    send(exchange, status, headers, body);
  };

  const userField = config.headerField !== undefined && config.headerField !== '' ? config.headerField.toLowerCase() : undefined;

  /** Copies the configured headers of a 2xx answer onto the request, replacing what the client sent. */
  const admit = (exchange: Exchange, next: Handler, authHeaders: AuthHeaders): void => {
    const headers = exchange.request.headers;
    // `headerField` names the answer's header holding the user, which Traefik records in the access log.
    if (userField !== undefined && exchange.observation !== undefined) {
      const user = asList(authHeaders[userField])[0];
      if (user !== undefined) exchange.observation.clientUsername = user;
    }
    for (const name of responseHeaderNames) {
      delete headers[name];
      const value = authHeaders[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? [...value] : value;
    }
    if (headersRegex !== undefined) {
      for (const name of Object.keys(headers)) if (headersRegex.test(canonicalHeaderName(name))) delete headers[name];
      for (const name in authHeaders) {
        const value = authHeaders[name];
        if (value !== undefined && headersRegex.test(canonicalHeaderName(name))) headers[name] = Array.isArray(value) ? [...value] : value;
      }
    }
    const authCookies = readSetCookies(asList(authHeaders['set-cookie']));
    if (authCookies.length > 0) {
      exchange.onResponseHeaders((_status, responseHeaders) => {
        const cookies = readSetCookies(asList(responseHeaders['set-cookie']))
          .filter((cookie) => !authCookieNames.has(cookie.name))
          .concat(authCookies.filter((cookie) => authCookieNames.has(cookie.name)))
          .map(formatSetCookie);
        if (cookies.length > 0) responseHeaders['set-cookie'] = cookies;
        else delete responseHeaders['set-cookie'];
      });
    }
    next(exchange);
  };

  const authenticate = async (exchange: Exchange, next: Handler): Promise<void> => {
    const request = exchange.request;
    const method = request.method ?? 'GET';
    const authMethod = preserveRequestMethod ? method : 'GET';
    let body: Buffer | undefined;
    // A middleware before this one may have read the body already (buffering, retry): it is in requestBody.
    const source = exchange.requestBody ?? (hasRequestBody(exchange) ? request : undefined);
    if (forwardBody && source !== undefined) {
      let read: Buffer | typeof tooLarge;
      try {
        read = await readBody(source, maxBodySize);
      } catch (error) {
        return fail(exchange, 'cannot read the request body', error);
      }
      if (read === tooLarge) {
        exchange.log.debug(`request body is larger than maxBodySize ${maxBodySize}`, { middlewareName: context.name });
        return send(exchange, 401, { 'content-length': 0 }, Buffer.alloc(0));
      }
      // The upstream gets the bytes read here.
      exchange.requestBody = read;
      if (read.length > 0) body = read;
    }

    const { headers, addedGzip } = authRequestHeaders(
      { headers: request.headers, method, clientIp: exchange.clientIp, isTls: exchange.entryPoint.isTls, target: exchange.target },
      { trustForwardHeader, allowed, method: authMethod },
    );
    // Go's client sends a body of known length with Content-Length, any other chunked.
    const isChunked = body !== undefined && request.headers['content-length'] === undefined;
    const closed = new AbortController();
    const onClose = (): void => closed.abort(new ClientClosedError('client closed the connection during authentication'));
    const closeSource = exchange.upgrade?.socket ?? exchange.response;
    closeSource.once('close', onClose);
    let status: number;
    let authHeaders: AuthHeaders;
    let authBody: Buffer | typeof tooLarge;
    let wasGzipped = false;
    try {
      const response = await client.request({
        path: address.path,
        method: authMethod as Dispatcher.HttpMethod,
        headers,
        body: isChunked ? Readable.from([body!]) : (body ?? null),
        signal: closed.signal,
        headersTimeout: authTimeoutMs,
        bodyTimeout: authTimeoutMs,
      });
      status = response.statusCode;
      authHeaders = response.headers;
      wasGzipped = addedGzip && asList(authHeaders['content-encoding'])[0]?.toLowerCase() === 'gzip';
      authBody = await readAuthBody(response, maxResponseBodySize, wasGzipped);
    } catch (error) {
      if (closed.signal.aborted || isClientGone(exchange)) return exchange.fail(new ClientClosedError('client closed the connection during authentication'));
      return fail(exchange, `error calling ${config.address}`, error);
    } finally {
      closeSource.off('close', onClose);
    }

    if (authBody === tooLarge) {
      exchange.log.debug(`authentication response body is larger than maxResponseBodySize ${maxResponseBodySize}`, { middlewareName: context.name });
      return send(exchange, 401, { 'content-length': 0 }, Buffer.alloc(0));
    }
    if (signinUrl !== undefined && status === 401) {
      const redirect = goRedirect(signinUrl, method, exchange.path);
      const headers: ResponseHeaders = { location: redirect.location, 'content-length': redirect.body.length };
      if (redirect.contentType !== undefined) headers['content-type'] = redirect.contentType;
      return send(exchange, 302, headers, redirect.body);
    }
    if (status < 200 || status >= 300) return refuse(exchange, status, authHeaders, authBody, wasGzipped);
    if (isClientGone(exchange)) return exchange.fail(new ClientClosedError('client closed the connection during authentication'));
    admit(exchange, next, authHeaders);
  };

  return (next) =>
    function forwardAuth(exchange) {
      authenticate(exchange, next).catch((error: unknown) => {
        exchange.log.error('forwardAuth failed', { middlewareName: context.name, error: (error as Error).message });
        if (!exchange.writer.isHeadSent) exchange.fail(new InternalError((error as Error).message));
      });
    };
};
