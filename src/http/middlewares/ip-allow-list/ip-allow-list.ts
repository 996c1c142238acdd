import { ConfigError, quote } from '../../../config/errors.js';
import type { Exchange } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';
import { splitHostPort } from '../source-criterion/go-ip-text.js';
import { compileIpChecker, compileIpStrategy, type IpStrategyConfig } from '../source-criterion/ip-strategy.js';
import { goStatusText } from './go-status-text.js';
import type { IpAllowListConfig, IpWhiteListConfig } from './ip-allow-list-schema.js';

/** Writes the refusal as Go does for `WriteHeader(status)` then `Write(StatusText(status))`. */
function compileRejection(status: number): (exchange: Exchange) => void {
  const text = goStatusText(status) ?? '';
  // A 1xx other than 101 is informational for Go: the body that follows goes out under an implicit 200.
  if (status >= 100 && status < 200 && status !== 101) return (exchange) => exchange.reply(200, text, { 'content-type': 'text/plain; charset=utf-8' });
  // These statuses carry no body; Go drops the text.
  if (status === 101 || status === 204 || status === 304) return (exchange) => exchange.reply(status);
  return (exchange) => exchange.reply(status, text, { 'content-type': 'text/plain; charset=utf-8' });
}

/** The allow-list check and refusal shared by ipAllowList and ipWhiteList. */
interface AllowList {
  isAllowed(exchange: Exchange): boolean;
  reject(exchange: Exchange): void;
}

function compileAllowList(sourceRange: readonly string[], ipStrategy: IpStrategyConfig | undefined, status: number, name: string): AllowList {
  if (sourceRange.length === 0) throw new ConfigError('sourceRange', 'must not be empty');
  const contains = compileIpChecker(sourceRange, 'sourceRange');
  const clientIp = compileIpStrategy(ipStrategy, 'ipStrategy');
  const reject = compileRejection(status);
  return {
    isAllowed(exchange) {
      const ip = clientIp(exchange);
      // Go's Checker.IsAuthorized: a port after the address is allowed and ignored.
      if (contains(splitHostPort(ip)?.host ?? ip)) return true;
      if (exchange.log.isEnabled('DEBUG')) exchange.log.debug('rejecting IP', { middlewareName: name, clientIp: ip });
      return false;
    },
    reject,
  };
}

/**
 * Lets a request through when its client IP, as `ipStrategy` picks it, is in `sourceRange`; refuses it
 * with `rejectStatusCode` (403 by default) and the status text as body, as Traefik does.
 */
export const ipAllowList: MiddlewareFactory<IpAllowListConfig> = (config, context) => {
  const status = config.rejectStatusCode ?? 0;
  if (status !== 0 && goStatusText(status) === undefined) throw new ConfigError('rejectStatusCode', `invalid HTTP status code ${quote(status)}`);
  const allowList = compileAllowList(config.sourceRange, config.ipStrategy, status === 0 ? 403 : status, context.name);
  return (next) =>
    function ipAllowList(exchange) {
      if (allowList.isAllowed(exchange)) return next(exchange);
      allowList.reject(exchange);
    };
};

/** The deprecated `ipWhiteList`: ipAllowList that always refuses with 403. Warns at each build, as Traefik does. */
export const ipWhiteList: MiddlewareFactory<IpWhiteListConfig> = (config, context) => {
  context.log.warn('middleware type ipWhiteList is deprecated, use ipAllowList instead');
  const allowList = compileAllowList(config.sourceRange, config.ipStrategy, 403, context.name);
  return (next) =>
    function ipWhiteList(exchange) {
      if (allowList.isAllowed(exchange)) return next(exchange);
      allowList.reject(exchange);
    };
};
