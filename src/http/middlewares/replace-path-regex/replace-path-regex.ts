import { addHeaderValue } from '../../url-path.js';
import type { MiddlewareFactory } from '../middleware.js';
import { escapedPath, joinPath, requestUriPath, unescapePath, type GoUrlPath } from '../replace-path/go-url.js';
import { requestUrlPath, setRequestUrlPath } from '../replace-path/request-url-path.js';
import { trimSpace } from '../strip-prefix/go-trim-space.js';
import { compileOption } from './go-replacement.js';
import type { ReplacePathRegexConfig } from './replace-path-regex-schema.js';

/**
 * Rewrites the escaped path with a Go expression and replacement (`$1`, `${name}`) when the expression
 * matches, and keeps the original in X-Replaced-Path, as Traefik does.
 */
export const replacePathRegex: MiddlewareFactory<ReplacePathRegexConfig> = (config, context) => {
  const expression = compileOption(trimSpace(config.regex), 'regex');
  const replace = expression.replacer(trimSpace(config.replacement ?? ''));

  return (next) =>
    function replacePathRegex(exchange) {
      const url = requestUrlPath(exchange);
      const current = url.rawPath === '' ? escapedPath(url) : url.rawPath;
      if (!expression.matches(current)) return next(exchange);
      addHeaderValue(exchange.request.headers, 'x-replaced-path', current);
      const rawPath = replace(current);
      let replaced: GoUrlPath;
      try {
        replaced = { path: unescapePath(rawPath), rawPath };
      } catch (error) {
        const reason = (error as Error).message;
        context.log.error(`Unable to unescape url raw path ${JSON.stringify(rawPath)}: ${reason}`);
        return exchange.reply(500, `${reason}\n`);
      }
      const requestPath = requestUriPath(replaced);
      // An empty path is not cleaned, as cleaning would make it `/` (Traefik's exception).
      const cleaned = replaced.path === '' ? replaced : joinPath(replaced);
      // A replacement that leaves `//`, `.` or `..` segments would send the upstream another path than the one routed.
      if (cleaned.path !== replaced.path) return exchange.reply(400, 'Bad Request\n');
      setRequestUrlPath(exchange, cleaned, requestPath);
      next(exchange);
    };
};
