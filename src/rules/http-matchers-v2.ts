import { clientIpMatcher } from './http-matchers.js';
import {
  MatcherArgumentError,
  atLeastOne,
  compileRegexpArgument,
  headerKey,
  hostIndexKey,
  never,
  requireAsciiHost,
  type MatcherSpec,
  type RequestMatcher,
} from './matcher-spec.js';
import { compileMuxTemplate } from './mux-template.js';
import type { RoutingRequest } from './routing-request.js';

/**
 * The v2 rule matchers (`ruleSyntax: v2`), with the semantics of Traefik's
 * pkg/muxer/http/matcher_v2.go: several values per matcher (any of them matches) and
 * gorilla/mux templates in HostRegexp, Path, PathPrefix and Query.
 */

function anyOf(matchers: readonly RequestMatcher[]): RequestMatcher {
  if (matchers.length === 1) return matchers[0]!;
  return function anyOfValues(request) {
    for (const matcher of matchers) if (matcher(request)) return true;
    return false;
  };
}

function allOf(matchers: readonly RequestMatcher[]): RequestMatcher {
  if (matchers.length === 1) return matchers[0]!;
  return function allOfPairs(request) {
    for (const matcher of matchers) if (!matcher(request)) return false;
    return true;
  };
}

function hostV2(values: readonly string[]): RequestMatcher {
  for (const value of values) requireAsciiHost(value);
  const hosts = values.map((value) => value.toLowerCase());
  // v2 has no wildcard: a host equals one of the values, give or take one trailing dot on either side.
  const accepted = new Set<string>();
  for (const host of hosts) {
    accepted.add(host);
    if (host.endsWith('.')) accepted.add(host.slice(0, -1));
  }
  return function host(request: RoutingRequest): boolean {
    const requestHost = request.host;
    if (requestHost.length === 0) return false;
    if (accepted.has(requestHost)) return true;
    return requestHost.charCodeAt(requestHost.length - 1) === 0x2e /* . */ &&
      hosts.includes(requestHost.slice(0, -1));
  };
}

function pathTemplates(values: readonly string[], kind: 'path' | 'pathPrefix'): RequestMatcher {
  return anyOf(values.map((value) => {
    if (!value.startsWith('/')) throw new MatcherArgumentError(`path "${value}" must start with "/"`);
    const pattern = compileMuxTemplate(value, kind);
    return function pathTemplate(request: RoutingRequest): boolean {
      return pattern.test(request.path);
    };
  }));
}

/** Splits header arguments into name and value pairs; a repeated name keeps its last value, as a Go map does. */
function headerPairs(args: readonly string[]): Map<string, string> {
  if (args.length % 2 !== 0) {
    const count = `${args.length} argument${args.length === 1 ? '' : 's'}`;
    throw new MatcherArgumentError(`expected name and value pairs, got ${count}`);
  }
  const pairs = new Map<string, string>();
  for (let index = 0; index < args.length; index += 2) pairs.set(args[index]!, args[index + 1]!);
  return pairs;
}

function queryPairs(args: readonly string[]): RequestMatcher {
  // Each argument is cut at its first "=" and the pieces are paired up again, so
  // Query(`a`, `b`) means a=b, and Query(`a`) alone is an error.
  const pieces = args.flatMap((arg) => {
    const equals = arg.indexOf('=');
    return equals < 0 ? [arg] : [arg.slice(0, equals), arg.slice(equals + 1)];
  });
  if (pieces.length % 2 !== 0) {
    throw new MatcherArgumentError(`expected "key=value" pairs, got ${args.map((arg) => `"${arg}"`).join(', ')}`);
  }
  const matchers: RequestMatcher[] = [];
  for (let index = 0; index < pieces.length; index += 2) {
    const key = pieces[index]!;
    const template = `${key}=${pieces[index + 1]!}`;
    const pattern = compileMuxTemplate(template, 'query');
    // gorilla/mux matches "key=<first value>", or "" when the key is absent.
    matchers.push(function query(request: RoutingRequest): boolean {
      const first = request.query.get(key);
      return pattern.test(first === null ? '' : `${key}=${first}`);
    });
  }
  return allOf(matchers);
}

/** The v2 matchers by canonical name. */
export const httpMatchersV2: readonly MatcherSpec[] = [
  {
    name: 'Host',
    checkArity: atLeastOne,
    build: hostV2,
    hosts: (args) => args.map((value) => hostIndexKey(value.toLowerCase())),
  },
  {
    name: 'HostHeader',
    checkArity: atLeastOne,
    build: hostV2,
    hosts: (args) => args.map((value) => hostIndexKey(value.toLowerCase())),
  },
  {
    name: 'HostRegexp',
    checkArity: atLeastOne,
    build: (args) => anyOf(args.map((value) => {
      requireAsciiHost(value);
      const pattern = compileMuxTemplate(value, 'host');
      return function hostRegexp(request: RoutingRequest): boolean {
        return pattern.test(request.host);
      };
    })),
  },
  {
    name: 'ClientIP',
    checkArity: atLeastOne,
    build: (args) => clientIpMatcher(args),
  },
  {
    name: 'Path',
    checkArity: atLeastOne,
    build: (args) => pathTemplates(args, 'path'),
  },
  {
    name: 'PathPrefix',
    checkArity: atLeastOne,
    build: (args) => pathTemplates(args, 'pathPrefix'),
  },
  {
    name: 'Method',
    checkArity: atLeastOne,
    build: (args) => {
      const methods = new Set(args.map((value) => value.toUpperCase()));
      return function method(request) {
        return methods.has(request.method);
      };
    },
  },
  {
    name: 'Headers',
    checkArity: atLeastOne,
    build: (args) => allOf([...headerPairs(args)].map(([name, value]) => {
      const key = headerKey(name);
      if (key === undefined) return never;
      return function headers(request: RoutingRequest): boolean {
        const values = request.headers[key];
        return values !== undefined && values.includes(value);
      };
    })),
  },
  {
    name: 'HeadersRegexp',
    checkArity: atLeastOne,
    build: (args) => {
      const pairs = headerPairs(args);
      // Every value is compiled, even one a later pair with the same name replaces.
      const values = args.filter((_, index) => index % 2 === 1);
      const patterns = new Map(values.map((value) => [value, compileRegexpArgument(value)]));
      return allOf([...pairs].map(([name, value]) => {
        const pattern = patterns.get(value)!;
        const key = headerKey(name);
        if (key === undefined) return never;
        return function headersRegexp(request: RoutingRequest): boolean {
          const values = request.headers[key];
          if (values === undefined) return false;
          for (const candidate of values) if (pattern.test(candidate)) return true;
          return false;
        };
      }));
    },
  },
  {
    name: 'Query',
    checkArity: atLeastOne,
    build: queryPairs,
  },
];
