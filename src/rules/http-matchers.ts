import { compileIpCheck } from './client-ip.js';
import {
  MatcherArgumentError,
  always,
  compileRegexpArgument,
  exactly,
  headerKey,
  hostIndexKey,
  never,
  requireAsciiHost,
  type MatcherSpec,
  type RequestMatcher,
} from './matcher-spec.js';
import type { RoutingRequest } from './routing-request.js';

/**
 * The v3 rule matchers, with the semantics of Traefik's pkg/muxer/http/matcher.go.
 * Each takes a fixed number of single values; combine values with `||`.
 */

/** Compiles ClientIP values; shared with the v2 matcher, which takes several. */
export function clientIpMatcher(values: readonly string[]): RequestMatcher {
  const check = compileIpCheck(values);
  if (typeof check === 'number') throw new MatcherArgumentError(`invalid IP address or CIDR range "${values[check]}"`);
  return function clientIp(request: RoutingRequest): boolean {
    return check(request.clientIp);
  };
}

/** Tells whether a request host matches a lowercase host expression, `*.example.com` matching exactly one label. */
function domainMatches(host: string, expression: string, wildcardSuffix: string | undefined): boolean {
  if (wildcardSuffix === undefined) return host === expression;
  // Traefik replaces the first label with "*" and compares: one label, possibly empty, never the apex.
  const dot = host.indexOf('.');
  if (dot < 0) return wildcardSuffix === '';
  return host.length - dot === wildcardSuffix.length && host.endsWith(wildcardSuffix);
}

function hostMatcher(value: string): RequestMatcher {
  // Host(`*`) matches every request, even one without a host, as HostSNI(`*`) does.
  if (value === '*') return always;
  requireAsciiHost(value);
  const expression = value.toLowerCase();
  const wildcard = expression.startsWith('*') ? expression.slice(1) : undefined;
  const trimmed = expression.endsWith('.') ? expression.slice(0, -1) : undefined;
  const trimmedWildcard = trimmed !== undefined && wildcard !== undefined ? trimmed.slice(1) : undefined;
  return function host(request: RoutingRequest): boolean {
    const requestHost = request.host;
    if (requestHost.length === 0) return false;
    if (domainMatches(requestHost, expression, wildcard)) return true;
    // A trailing dot on either side is tolerated.
    if (trimmed !== undefined && domainMatches(requestHost, trimmed, trimmedWildcard)) return true;
    if (requestHost.charCodeAt(requestHost.length - 1) === 0x2e /* . */) {
      return domainMatches(requestHost.slice(0, -1), expression, wildcard);
    }
    return false;
  };
}

function requireLeadingSlash(value: string): void {
  if (!value.startsWith('/')) throw new MatcherArgumentError(`path "${value}" must start with "/"`);
}

function queryMatcher(key: string, value: string): RequestMatcher {
  // With one argument the key must be present with an empty value (`?mobile` or `?mobile=`).
  return function query(request: RoutingRequest): boolean {
    return request.query.has(key, value);
  };
}

/** The v3 matchers by canonical name. */
export const httpMatchers: readonly MatcherSpec[] = [
  {
    name: 'ClientIP',
    checkArity: exactly(1),
    build: (args) => clientIpMatcher(args),
  },
  {
    name: 'Method',
    checkArity: exactly(1),
    build: ([value]) => {
      const expected = value!.toUpperCase();
      return function method(request) {
        return request.method === expected;
      };
    },
  },
  {
    name: 'Host',
    checkArity: exactly(1),
    build: ([value]) => hostMatcher(value!),
    hosts: ([value]) => (value!.startsWith('*') ? undefined : [hostIndexKey(value!.toLowerCase())]),
  },
  {
    name: 'HostRegexp',
    checkArity: exactly(1),
    build: ([value]) => {
      requireAsciiHost(value!);
      const pattern = compileRegexpArgument(value!);
      // Traefik also tests the CNAME-flattened host, which is empty without a hostResolver:
      // an expression that matches the empty string matches every request.
      if (pattern.test('')) return always;
      return function hostRegexp(request) {
        return pattern.test(request.host);
      };
    },
  },
  {
    name: 'Path',
    checkArity: exactly(1),
    build: ([value]) => {
      requireLeadingSlash(value!);
      return function path(request) {
        return request.path === value;
      };
    },
  },
  {
    name: 'PathPrefix',
    checkArity: exactly(1),
    build: ([value]) => {
      requireLeadingSlash(value!);
      return function pathPrefix(request) {
        return request.path.startsWith(value!);
      };
    },
  },
  {
    name: 'PathRegexp',
    checkArity: exactly(1),
    build: ([value]) => {
      const pattern = compileRegexpArgument(value!);
      return function pathRegexp(request) {
        return pattern.test(request.path);
      };
    },
  },
  {
    name: 'Header',
    checkArity: exactly(2),
    build: ([name, value]) => {
      const key = headerKey(name!);
      if (key === undefined) return never;
      return function header(request) {
        const values = request.headers[key];
        return values !== undefined && values.includes(value!);
      };
    },
  },
  {
    name: 'HeaderRegexp',
    checkArity: exactly(2),
    build: ([name, value]) => {
      const pattern = compileRegexpArgument(value!);
      const key = headerKey(name!);
      if (key === undefined) return never;
      return function headerRegexp(request) {
        const values = request.headers[key];
        if (values === undefined) return false;
        for (const candidate of values) if (pattern.test(candidate)) return true;
        return false;
      };
    },
  },
  {
    name: 'Query',
    checkArity: exactly(1, 2),
    build: ([key, value]) => queryMatcher(key!, value ?? ''),
  },
  {
    name: 'QueryRegexp',
    checkArity: exactly(1, 2),
    build: ([key, value]) => {
      if (value === undefined) return queryMatcher(key!, '');
      const pattern = compileRegexpArgument(value);
      return function queryRegexp(request) {
        for (const candidate of request.query.getAll(key!)) if (pattern.test(candidate)) return true;
        return false;
      };
    },
  },
];
