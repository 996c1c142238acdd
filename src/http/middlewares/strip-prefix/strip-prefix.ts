import type { StripPrefixConfig } from '../../../config/dynamic/http-schema.js';
import { addHeaderValue, cleanPath, withLeadingSlash } from '../../url-path.js';
import type { MiddlewareFactory } from '../middleware.js';

/** Removes the first matching prefix and tells the upstream what was removed (X-Forwarded-Prefix). */
export const stripPrefix: MiddlewareFactory<StripPrefixConfig> = (config) => {
  const prefixes = (config.prefixes ?? []).map((prefix) => prefix.trim());
  const forceSlash = config.forceSlash === true;
  return (next) =>
    function stripPrefix(exchange) {
      for (const prefix of prefixes) {
        if (!exchange.path.startsWith(prefix)) continue;
        const rest = exchange.path.slice(prefix.length);
        const stripped = forceSlash ? `/${rest.replace(/^\//, '')}` : withLeadingSlash(rest);
        // A strip that leaves `//` or `..` behind would let the upstream see another path than the one routed.
        if (stripped !== '' && cleanPath(stripped) !== stripped) return exchange.reply(400, 'Bad Request\n');
        exchange.path = stripped === '' ? '/' : stripped;
        addHeaderValue(exchange.request.headers, 'x-forwarded-prefix', prefix);
        break;
      }
      next(exchange);
    };
};
