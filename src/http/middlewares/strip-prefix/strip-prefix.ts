import { addHeaderValue } from '../../url-path.js';
import type { MiddlewareFactory } from '../middleware.js';
import { joinPath, utf8Bytes, type GoUrlPath } from '../replace-path/go-url.js';
import { encodedPrefixLength, ensureLeadingSlash, requestUrlPath, setRequestUrlPath } from '../replace-path/request-url-path.js';
import { trimSpace } from './go-trim-space.js';
import type { StripPrefixConfig } from './strip-prefix-schema.js';

/**
 * Removes the first configured prefix the decoded path starts with, from the path and from its raw
 * encoding, and tells the upstream what was removed (X-Forwarded-Prefix), as Traefik does.
 */
export const stripPrefix: MiddlewareFactory<StripPrefixConfig> = (config, context) => {
  if (config.forceSlash !== undefined) context.log.warn('`ForceSlash` option is deprecated, please remove any usage of this option.');
  const forceSlash = config.forceSlash === true;
  // Prefixes compare with the decoded path, which holds bytes.
  const prefixes = (config.prefixes ?? []).map((prefix) => utf8Bytes(trimSpace(prefix)));
  const strip = (path: string, length: number): string => {
    const rest = path.slice(length);
    return forceSlash ? `/${rest.startsWith('/') ? rest.slice(1) : rest}` : ensureLeadingSlash(rest);
  };

  return (next) =>
    function stripPrefix(exchange) {
      if (prefixes.length === 0) return next(exchange);
      const url = requestUrlPath(exchange);
      for (const prefix of prefixes) {
        if (!url.path.startsWith(prefix)) continue;
        const stripped: GoUrlPath = {
          path: strip(url.path, prefix.length),
          rawPath: url.rawPath === '' ? '' : strip(url.rawPath, encodedPrefixLength(url.rawPath, prefix.length)),
        };
        // An empty path is not cleaned, as cleaning would make it `/` (Traefik's exception).
        const cleaned = stripped.path === '' ? stripped : joinPath(stripped);
        // A strip that leaves `//`, `.` or `..` segments would send the upstream another path than the one routed.
        if (cleaned.path !== stripped.path) return exchange.reply(400, 'Bad Request\n');
        addHeaderValue(exchange.request.headers, 'x-forwarded-prefix', prefix);
        setRequestUrlPath(exchange, cleaned);
        break;
      }
      next(exchange);
    };
};
