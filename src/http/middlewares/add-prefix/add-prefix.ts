import type { AddPrefixConfig } from '../../../config/dynamic/http-schema.js';
import { withLeadingSlash } from '../../url-path.js';
import type { MiddlewareFactory } from '../middleware.js';

/** Prepends a fixed prefix to the path sent upstream. */
export const addPrefix: MiddlewareFactory<AddPrefixConfig> = (config) => {
  const { prefix } = config;
  return (next) =>
    function addPrefix(exchange) {
      exchange.path = withLeadingSlash(prefix + exchange.path);
      next(exchange);
    };
};
