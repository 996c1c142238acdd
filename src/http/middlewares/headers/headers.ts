import type { HeadersConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError } from '../../../config/errors.js';
import type { MiddlewareFactory } from '../middleware.js';

/** Options of `headers` that this build applies; the others are refused rather than silently ignored. */
const supportedOptions = new Set(['customRequestHeaders', 'customResponseHeaders']);

interface HeaderEdit {
  readonly name: string;
  /** Undefined removes the header. */
  readonly value: string | undefined;
}

function compileEdits(headers: Readonly<Record<string, string>> | undefined): HeaderEdit[] {
  return Object.entries(headers ?? {}).map(([name, value]) => ({ name: name.toLowerCase(), value: value === '' ? undefined : value }));
}

/** Sets or removes request and response headers; an empty value removes the header, as in Traefik. */
export const headers: MiddlewareFactory<HeadersConfig> = (config) => {
  for (const option of Object.keys(config)) {
    if (!supportedOptions.has(option)) throw new ConfigError(option, 'not supported yet');
  }
  const requestEdits = compileEdits(config.customRequestHeaders);
  const responseEdits = compileEdits(config.customResponseHeaders);

  return (next) =>
    function headers(exchange) {
      const requestHeaders = exchange.request.headers;
      for (const { name, value } of requestEdits) {
        if (value === undefined) delete requestHeaders[name];
        else requestHeaders[name] = value;
      }
      if (responseEdits.length > 0) {
        exchange.onResponseHeaders((_status, responseHeaders) => {
          for (const { name, value } of responseEdits) {
            if (value === undefined) delete responseHeaders[name];
            else responseHeaders[name] = value;
          }
        });
      }
      next(exchange);
    };
};
