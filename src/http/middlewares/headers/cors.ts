import type { IncomingMessage } from 'node:http';
import { ConfigError, quote } from '../../../config/errors.js';
import { compileGoRegexp, GoRegexpError } from '../../../rules/go-regexp.js';
import type { ResponseHeaders } from '../../response-writer.js';
import { firstHeaderValue, wireValue } from './header-fields.js';
import type { HeadersConfig } from './headers-schema.js';

/** The CORS part of `headers`, compiled: preflight answers and the headers added to other responses. */
export interface Cors {
  /** Returns the preflight answer's headers when the request is a CORS preflight, else undefined. */
  preflight(request: IncomingMessage): ResponseHeaders | undefined;
  /** Adds the CORS headers to a response, reading the request as it is when the response starts. */
  decorate(request: IncomingMessage, headers: ResponseHeaders): void;
}

/** Tells whether any CORS option is set, as Traefik's `HasCorsHeadersDefined`. */
export function hasCorsOptions(config: HeadersConfig): boolean {
  return (
    config.accessControlAllowCredentials === true ||
    (config.accessControlAllowHeaders?.length ?? 0) > 0 ||
    (config.accessControlAllowMethods?.length ?? 0) > 0 ||
    (config.accessControlAllowOriginList?.length ?? 0) > 0 ||
    (config.accessControlAllowOriginListRegex?.length ?? 0) > 0 ||
    (config.accessControlExposeHeaders?.length ?? 0) > 0 ||
    config.accessControlMaxAge !== undefined ||
    config.addVaryHeader === true
  );
}

function compileOriginRegexes(sources: readonly string[]): RegExp[] {
  return sources.map((source, index) => {
    try {
      return compileGoRegexp(source);
    } catch (error) {
      if (!(error instanceof GoRegexpError)) throw error;
      throw new ConfigError(`accessControlAllowOriginListRegex[${index}]`, `invalid regular expression ${quote(source)}: ${error.message}`);
    }
  });
}

/** Compiles the CORS options; throws ConfigError for an origin expression Go would not compile. */
export function compileCors(config: HeadersConfig): Cors {
  const allowCredentials = config.accessControlAllowCredentials === true;
  const allowHeaders = (config.accessControlAllowHeaders ?? []).map(wireValue);
  const allowMethods = (config.accessControlAllowMethods ?? []).map(wireValue);
  const originList = (config.accessControlAllowOriginList ?? []).map(wireValue);
  const originRegexes = compileOriginRegexes(config.accessControlAllowOriginListRegex ?? []);
  const exposeHeaders = (config.accessControlExposeHeaders ?? []).map(wireValue);
  const maxAge = config.accessControlMaxAge;
  const addVaryHeader = config.addVaryHeader === true;

  // A wildcard with credentials means "echo what was asked", since browsers refuse `*` with credentials.
  const echoesRequestHeaders = allowHeaders.includes('*') && allowCredentials;
  const echoesRequestMethod = allowMethods.includes('*') && allowCredentials;
  const joinedAllowHeaders = allowHeaders.join(',');
  const joinedAllowMethods = allowMethods.join(',');
  // Traefik leaves Access-Control-Expose-Headers out when it would be `*` with credentials.
  const exposed = exposeHeaders.length > 0 && !(exposeHeaders.includes('*') && allowCredentials) ? exposeHeaders.join(',') : undefined;

  /** The origin to allow, as Traefik matches it: the list in order (`*` included), then the expressions. */
  const matchOrigin = (origin: string): string | undefined => {
    for (const item of originList) {
      if (item === origin) return item;
      if (item === '*') return allowCredentials ? origin : '*';
    }
    for (const regex of originRegexes) {
      if (regex.test(origin)) return origin;
    }
    return undefined;
  };

  return {
    preflight(request) {
      if (request.method !== 'OPTIONS') return undefined;
      const requestMethod = firstHeaderValue(request, 'access-control-request-method') ?? '';
      const origin = firstHeaderValue(request, 'origin') ?? '';
      if (requestMethod === '' || origin === '') return undefined;

      const headers: ResponseHeaders = {};
      if (allowCredentials) headers['access-control-allow-credentials'] = 'true';
      if (echoesRequestHeaders) {
        const requested = firstHeaderValue(request, 'access-control-request-headers') ?? '';
        if (requested !== '') headers['access-control-allow-headers'] = requested;
      } else if (joinedAllowHeaders !== '') {
        headers['access-control-allow-headers'] = joinedAllowHeaders;
      }
      if (echoesRequestMethod) headers['access-control-allow-methods'] = requestMethod;
      else if (joinedAllowMethods !== '') headers['access-control-allow-methods'] = joinedAllowMethods;
      const allowed = matchOrigin(origin);
      if (allowed !== undefined) headers['access-control-allow-origin'] = allowed;
      if (maxAge !== undefined) headers['access-control-max-age'] = String(maxAge);
      if (exposed !== undefined) headers['access-control-expose-headers'] = exposed;
      return headers;
    },

    decorate(request, headers) {
      const allowed = matchOrigin(firstHeaderValue(request, 'origin') ?? '');
      if (allowed !== undefined) headers['access-control-allow-origin'] = allowed;
      if (allowCredentials) headers['access-control-allow-credentials'] = 'true';
      if (exposed !== undefined) headers['access-control-expose-headers'] = exposed;
      if (!addVaryHeader) return;
      const vary = firstResponseValue(headers.vary);
      if (vary === 'Origin') return;
      headers.vary = vary === undefined || vary === '' ? 'Origin' : `${vary},Origin`;
    },
  };
}

/** A response header's first value, as Go's `Header.Get`. */
function firstResponseValue(value: ResponseHeaders[string]): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value[0];
  return String(value);
}
