import type { Exchange } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';
import { compileOption } from '../replace-path-regex/go-replacement.js';
import { compileRedirect } from './redirect.js';
import type { RedirectRegexConfig } from './redirect-regex-schema.js';

/**
 * The URL as Traefik's redirectRegex reads it: `http` (`https` on TLS), the Host header as sent (port
 * included), then the request URI as it stands after earlier middlewares. X-Forwarded-Proto plays no part.
 */
function requestUrl(exchange: Exchange): string {
  return `${exchange.entryPoint.isTls ? 'https' : 'http'}://${exchange.request.headers.host ?? ''}${exchange.target}`;
}

/** Redirects to the URL a Go expression and replacement make of the request URL, when it matches. */
export const redirectRegex: MiddlewareFactory<RedirectRegexConfig> = (config) => {
  // Unlike the path middlewares, the expression and replacement are taken as written, without trimming.
  const redirect = compileRedirect({
    expression: compileOption(config.regex, 'regex'),
    replacement: config.replacement ?? '',
    permanent: config.permanent === true,
    clientUrl: requestUrl,
  });
  return (next) =>
    function redirectRegex(exchange) {
      if (!redirect(exchange)) next(exchange);
    };
};
