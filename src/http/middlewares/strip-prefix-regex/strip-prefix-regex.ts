import { addHeaderValue } from '../../url-path.js';
import type { MiddlewareFactory } from '../middleware.js';
import { joinPath, type GoUrlPath } from '../replace-path/go-url.js';
import { encodedPrefixLength, ensureLeadingSlash, requestUrlPath, setRequestUrlPath } from '../replace-path/request-url-path.js';
import { compileOption } from '../replace-path-regex/go-replacement.js';
import { trimSpace } from '../strip-prefix/go-trim-space.js';
import type { StripPrefixRegexConfig } from './strip-prefix-regex-schema.js';

/**
 * Removes the prefix that the first matching expression finds at the start of the decoded path (and its
 * raw encoding), and tells the upstream what was removed (X-Forwarded-Prefix), as Traefik does.
 */
export const stripPrefixRegex: MiddlewareFactory<StripPrefixRegexConfig> = (config) => {
  const expressions = (config.regex ?? []).map((source, index) => compileOption(trimSpace(source), `regex[${index}]`));

  return (next) =>
    function stripPrefixRegex(exchange) {
      if (expressions.length === 0) return next(exchange);
      const url = requestUrlPath(exchange);
      for (const expression of expressions) {
        // The expression is not anchored: its leftmost match counts only when it is where the path starts.
        const prefix = expression.find(url.path);
        if (prefix === undefined || prefix === '' || !url.path.startsWith(prefix)) continue;
        addHeaderValue(exchange.request.headers, 'x-forwarded-prefix', prefix);
        const stripped: GoUrlPath = {
          path: ensureLeadingSlash(url.path.slice(prefix.length)),
          rawPath: url.rawPath === '' ? '' : ensureLeadingSlash(url.rawPath.slice(encodedPrefixLength(url.rawPath, prefix.length))),
        };
        // An empty path is not cleaned, as cleaning would make it `/` (Traefik's exception).
        const cleaned = stripped.path === '' ? stripped : joinPath(stripped);
        // A strip that leaves `//`, `.` or `..` segments would send the upstream another path than the one routed.
        if (cleaned.path !== stripped.path) return exchange.reply(400, 'Bad Request\n');
        setRequestUrlPath(exchange, cleaned);
        break;
      }
      next(exchange);
    };
};
