import { ConfigError } from '../../../config/errors.js';
import type { MiddlewareBuildContext, MiddlewareFactory } from '../middleware.js';
import { compileCors, hasCorsOptions } from './cors.js';
import { wireValue } from './header-fields.js';
import type { HeadersConfig } from './headers-schema.js';
import { compileSecure, hasSecureOptions } from './secure.js';

interface HeaderEdit {
  readonly name: string;
  /** Undefined removes the header. */
  readonly value: string | undefined;
}

function compileEdits(headers: Readonly<Record<string, string>> | undefined, isRequest: boolean): HeaderEdit[] {
  return (
    Object.entries(headers ?? {})
      .map(([name, value]) => ({ name: name.toLowerCase(), value: value === '' ? undefined : wireValue(value) }))
      // Go keeps the request's Host outside its header map, so removing a "Host" header changes nothing.
      .filter((edit) => !(isRequest && edit.name === 'host' && edit.value === undefined))
  );
}

/** Options Traefik v3 still accepts but no longer applies, with what replaces them. */
const ignoredOptions = {
  sslRedirect: 'use the redirectScheme middleware or an entryPoint redirection',
  sslTemporaryRedirect: 'use the redirectScheme middleware or an entryPoint redirection',
  sslHost: 'use the redirectRegex middleware',
  sslForceHost: 'use the redirectRegex middleware',
  featurePolicy: 'use permissionsPolicy',
} as const;

function warnIgnoredOptions(config: HeadersConfig, context: MiddlewareBuildContext): void {
  const present = (Object.keys(ignoredOptions) as Array<keyof typeof ignoredOptions>).filter((option) => config[option] !== undefined);
  if (present.length === 0) return;
  // Once per router and definition, not on every reload.
  context.state('ignored-options-warning', () => {
    for (const option of present) context.log.warn(`headers option ${option} has no effect since Traefik v3; ${ignoredOptions[option]}`);
    return true;
  });
}

/**
 * Sets and removes request and response headers, answers CORS preflights and adds CORS and security headers,
 * as Traefik's headers middleware: CORS and custom headers around unrolled/secure's checks.
 */
export const headers: MiddlewareFactory<HeadersConfig> = (config, context) => {
  const requestEdits = compileEdits(config.customRequestHeaders, true);
  const responseEdits = compileEdits(config.customResponseHeaders, false);
  const hasCustom = Object.keys(config.customRequestHeaders ?? {}).length > 0 || Object.keys(config.customResponseHeaders ?? {}).length > 0;
  const hasCors = hasCorsOptions(config);
  const hasSecure = hasSecureOptions(config);
  // Traefik refuses a headers middleware that would do nothing.
  if (!hasCustom && !hasCors && !hasSecure) throw new ConfigError('', 'expected at least one option');
  warnIgnoredOptions(config, context);
  const cors = hasCors ? compileCors(config) : undefined;
  const secure = hasSecure ? compileSecure(config) : undefined;
  const decoratesResponse = responseEdits.length > 0 || cors !== undefined;

  return (next) =>
    function headers(exchange) {
      const request = exchange.request;
      if (cors !== undefined) {
        // A preflight is answered here and never reaches the service (https://fetch.spec.whatwg.org/#cors-preflight-fetch).
        const preflight = cors.preflight(request);
        if (preflight !== undefined) return exchange.reply(200, '', preflight);
      }
      for (const { name, value } of requestEdits) {
        if (value === undefined) delete request.headers[name];
        else request.headers[name] = value;
      }
      if (decoratesResponse) {
        exchange.onResponseHeaders((status, responseHeaders) => {
          // Informational answers (a WebSocket's 101) go out untouched, as through Go's response modifier.
          if (status < 200) return;
          for (const { name, value } of responseEdits) {
            if (value === undefined) delete responseHeaders[name];
            else responseHeaders[name] = value;
          }
          cors?.decorate(request, responseHeaders);
        });
      }
      if (secure !== undefined) {
        const secureHeaders = secure.process(exchange);
        // unrolled/secure's bad host handler, written through the custom and CORS headers above.
        if (secureHeaders === undefined) return exchange.reply(500, 'Bad Host\n');
        if (Object.keys(secureHeaders).length > 0) {
          exchange.onResponseHeaders((status, responseHeaders) => {
            if (status >= 200) Object.assign(responseHeaders, secureHeaders);
          });
        }
      }
      next(exchange);
    };
};
