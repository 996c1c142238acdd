import { addHeaderValue } from '../../url-path.js';
import type { MiddlewareFactory } from '../middleware.js';
import { escapedPath, unescapePath, utf8Bytes, type GoUrlPath } from './go-url.js';
import { requestUrlPath, setRequestUrlPath } from './request-url-path.js';
import type { ReplacePathConfig } from './replace-path-schema.js';

/** Replaces the path with a fixed one (taken as escaped) and keeps the original in X-Replaced-Path. */
export const replacePath: MiddlewareFactory<ReplacePathConfig> = (config, context) => {
  const rawPath = utf8Bytes(config.path ?? '');
  let replaced: GoUrlPath | undefined;
  let unescapeError = '';
  try {
    replaced = { path: unescapePath(rawPath), rawPath };
  } catch (error) {
    // Refused at request time, as Traefik does: every request gets a 500 with the reason.
    unescapeError = (error as Error).message;
  }

  return (next) =>
    function replacePath(exchange) {
      const url = requestUrlPath(exchange);
      addHeaderValue(exchange.request.headers, 'x-replaced-path', url.rawPath === '' ? escapedPath(url) : url.rawPath);
      if (replaced === undefined) {
        context.log.error(`Unable to unescape url raw path ${JSON.stringify(rawPath)}: ${unescapeError}`);
        return exchange.reply(500, `${unescapeError}\n`);
      }
      setRequestUrlPath(exchange, replaced);
      next(exchange);
    };
};
