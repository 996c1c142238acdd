import type { MiddlewareFactory } from '../middleware.js';
import { utf8Bytes } from '../replace-path/go-url.js';
import { ensureLeadingSlash, requestUrlPath, setRequestUrlPath } from '../replace-path/request-url-path.js';
import type { AddPrefixConfig } from './add-prefix-schema.js';

/** Prepends a fixed prefix to the path and to its raw encoding, with a leading slash if it has none. */
export const addPrefix: MiddlewareFactory<AddPrefixConfig> = (config) => {
  const prefix = utf8Bytes(config.prefix);
  return (next) =>
    function addPrefix(exchange) {
      const url = requestUrlPath(exchange);
      setRequestUrlPath(exchange, {
        path: ensureLeadingSlash(prefix + url.path),
        rawPath: url.rawPath === '' ? '' : ensureLeadingSlash(prefix + url.rawPath),
      });
      next(exchange);
    };
};
