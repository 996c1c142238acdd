import { ConfigError } from '../../../config/errors.js';
import { boolean, object, string, type Infer } from '../../../config/schema.js';
import type { Exchange } from '../../exchange.js';
import { compileIpStrategy, firstHeaderValue, ipStrategySchema } from './ip-strategy.js';

/** Traefik's `SourceCriterion`: what groups requests as coming from one source. Its three options exclude each other. */
export const sourceCriterionSchema = object(
  {
    ipStrategy: ipStrategySchema,
    requestHeaderName: string(),
    requestHost: boolean(),
  },
  {
    check(value) {
      const hasIpStrategy = value.ipStrategy !== undefined;
      const hasHeader = value.requestHeaderName !== undefined && value.requestHeaderName !== '';
      const hasHost = value.requestHost === true;
      if (hasIpStrategy && hasHeader) return [new ConfigError('', 'ipStrategy and requestHeaderName are mutually exclusive')];
      if (hasIpStrategy && hasHost) return [new ConfigError('', 'ipStrategy and requestHost are mutually exclusive')];
      if (hasHeader && hasHost) return [new ConfigError('', 'requestHost and requestHeaderName are mutually exclusive')];
      return [];
    },
  },
);

export type SourceCriterionConfig = Infer<typeof sourceCriterionSchema>;

/** Names the source of a request: an IP, a header value or a host; requests with equal names share limits. */
export type SourceExtractor = (exchange: Exchange) => string;

/** What a middleware uses when `sourceCriterion` sets nothing: rateLimit the client IP, inFlightReq the host. */
export type DefaultSource = 'clientIp' | 'requestHost';

/** The request's host as Go's `Request.Host` holds it: the Host header (or HTTP/2 authority) as sent, port included. */
function requestHost(exchange: Exchange): string {
  const headers = exchange.request.headers;
  return headers.host ?? (headers[':authority'] as string | undefined) ?? '';
}

/**
 * Compiles a `sourceCriterion` (Traefik's `GetSourceExtractor`): an empty criterion falls back to
 * `fallback`; a header criterion reads the header's first value, empty when absent. Throws ConfigError
 * with paths under `path`.
 */
export function compileSourceCriterion(config: SourceCriterionConfig | undefined, fallback: DefaultSource, path: string): SourceExtractor {
  const headerName = config?.requestHeaderName ?? '';
  if (config?.ipStrategy !== undefined) return compileIpStrategy(config.ipStrategy, `${path}.ipStrategy`);
  if (headerName !== '') {
    const name = headerName.toLowerCase();
    return (exchange) => firstHeaderValue(exchange.request, name);
  }
  if (config?.requestHost === true || fallback === 'requestHost') return requestHost;
  return compileIpStrategy(undefined, `${path}.ipStrategy`);
}
