import type { IncomingMessage } from 'node:http';
import { ConfigError, joinPath, quote } from '../../../config/errors.js';
import { list, number, object, string, type Infer } from '../../../config/schema.js';
import { compileIpMatcher } from '../../../net/ip-range.js';
import type { Exchange } from '../../exchange.js';
import { ipv6SubnetAddress, parseAddr } from './go-ip-text.js';

export const ipStrategySchema = object({
  depth: number({ integer: true }),
  excludedIPs: list(string()),
  ipv6Subnet: number({ integer: true }),
});

export type IpStrategyConfig = Infer<typeof ipStrategySchema>;

/** Picks the IP a request is attributed to; an empty string when there is none. */
export type IpStrategy = (exchange: Exchange) => string;

/** Tells whether Go reads an address as IPv4 (`To4() != nil`): dotted IPv4, or IPv4-mapped IPv6. */
function isIpv4ForGo(bytes: readonly number[]): boolean {
  if (bytes.length === 4) return true;
  return bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Returns a membership test with Go's `ip.Checker.Contains` semantics: the text must be an address as
 * `netip.ParseAddr` reads it (an IPv6 zone is allowed and ignored), anything else is outside. As in Go,
 * IPv4 addresses (mapped ones included) are only in IPv4 ranges, so `::/0` holds no IPv4 client.
 */
export function compileIpChecker(ranges: readonly string[], path: string): (text: string) => boolean {
  compileIpMatcher(ranges, path);
  const ipv4Ranges: string[] = [];
  const ipv6Ranges: string[] = [];
  for (const range of ranges) {
    const address = parseAddr(range.trim().split('/')[0] ?? '');
    (address !== undefined && isIpv4ForGo(address.bytes) ? ipv4Ranges : ipv6Ranges).push(range);
  }
  const inIpv4 = compileIpMatcher(ipv4Ranges, path);
  const inIpv6 = compileIpMatcher(ipv6Ranges, path);
  return (text) => {
    const address = parseAddr(text);
    if (address === undefined) return false;
    const percent = text.indexOf('%');
    const ip = percent < 0 ? text : text.slice(0, percent);
    return isIpv4ForGo(address.bytes) ? inIpv4(ip) : inIpv6(ip);
  };
}

/**
 * Returns the first `X-Forwarded-For` field line: Go's `Header.Get` reads only the first of several lines,
 * where Node joins them with ", ".
 */
export function firstHeaderValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  if (value === undefined) return '';
  if (Array.isArray(value)) return value[0] ?? '';
  if (!value.includes(',')) return value;
  const lines = request.headersDistinct[name];
  if (lines !== undefined && lines.length > 1 && lines.join(', ') === value) return lines[0]!;
  return value;
}

function checkIpv6Subnet(subnet: number | undefined, path: string): void {
  if (subnet !== undefined && (subnet <= 0 || subnet > 128)) {
    throw new ConfigError(joinPath(path, 'ipv6Subnet'), `${quote(subnet)} is out of range 1-128`);
  }
}

/**
 * Compiles `ipStrategy` as Traefik's `IPStrategy.Get`: none means the connection's address; `depth` > 0 takes
 * the depth-th `X-Forwarded-For` entry from the right; otherwise `excludedIPs` takes the first entry from the
 * right that is not excluded; `ipv6Subnet` (1-128) folds an IPv6 result into its subnet, except for
 * `excludedIPs`. Options that the chosen strategy ignores are not checked, as in Traefik. Throws ConfigError
 * under `path`.
 */
export function compileIpStrategy(config: IpStrategyConfig | undefined, path: string): IpStrategy {
  const subnet = config?.ipv6Subnet;
  const depth = config?.depth ?? 0;
  if (depth > 0) {
    checkIpv6Subnet(subnet, path);
    return function depthStrategy(exchange) {
      const entries = firstHeaderValue(exchange.request, 'x-forwarded-for').split(',');
      if (entries.length < depth) return '';
      const ip = entries[entries.length - depth]!.trim();
      return subnet === undefined ? ip : ipv6SubnetAddress(ip, subnet);
    };
  }
  const excluded = config?.excludedIPs ?? [];
  if (excluded.length > 0) {
    const isExcluded = compileIpChecker(excluded, joinPath(path, 'excludedIPs'));
    return function excludedIpsStrategy(exchange) {
      const entries = firstHeaderValue(exchange.request, 'x-forwarded-for').split(',');
      for (let i = entries.length - 1; i >= 0; i--) {
        const ip = entries[i]!.trim();
        if (ip !== '' && !isExcluded(ip)) return ip;
      }
      return '';
    };
  }
  checkIpv6Subnet(subnet, path);
  if (subnet === undefined) return (exchange) => exchange.clientIp;
  return (exchange) => ipv6SubnetAddress(exchange.clientIp, subnet);
}
