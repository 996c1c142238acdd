import { compileGoRegexp, type GoRegexpFlags } from './go-regexp.js';
import type { RoutingRequest } from './routing-request.js';

/** A compiled leaf of a rule: one matcher with its arguments. */
export type RequestMatcher = (request: RoutingRequest) => boolean;

/** How a matcher checks and compiles its arguments. */
export interface MatcherSpec {
  /** The canonical name (`PathPrefix`). */
  readonly name: string;
  /** Describes the accepted argument count, or undefined when `count` is accepted. */
  readonly checkArity: (count: number) => string | undefined;
  /** Compiles the arguments; throws MatcherArgumentError when they are invalid. */
  readonly build: (args: readonly string[]) => RequestMatcher;
  /** Exact hosts one of which the request host must be (see CompiledRule.hosts), when the matcher restricts hosts. */
  readonly hosts?: (args: readonly string[]) => readonly string[] | undefined;
}

/** A matcher argument that cannot be compiled; the rule compiler adds the matcher name and column. */
export class MatcherArgumentError extends Error {
  readonly hint: string | undefined;

  constructor(reason: string, hint?: string) {
    super(reason);
    this.name = 'MatcherArgumentError';
    this.hint = hint;
  }
}

/** Accepts exactly one of the given argument counts, as Traefik's expectNParameters does. */
export function exactly(...counts: number[]): (count: number) => string | undefined {
  const expected = counts.length === 1
    ? `${counts[0]} argument${counts[0] === 1 ? '' : 's'}`
    : `${counts.slice(0, -1).join(', ')} or ${counts[counts.length - 1]} arguments`;
  return (count) => (counts.includes(count) ? undefined : `expected ${expected}, got ${count}`);
}

/** Accepts any positive number of arguments (v2 matchers take several values). */
export function atLeastOne(count: number): string | undefined {
  return count >= 1 ? undefined : `expected at least 1 argument, got ${count}`;
}

/** Tells whether every character is ASCII, as Traefik requires of host matchers. */
export function isAscii(value: string): boolean {
  return /^[\x00-\x7f]*$/.test(value);
}

/** Refuses a host value with non-ASCII characters. */
export function requireAsciiHost(value: string): void {
  if (!isAscii(value)) {
    throw new MatcherArgumentError(`non-ASCII characters are not allowed in "${value}"`, 'use the punycode form (xn--...)');
  }
}

/** Compiles a Go regular expression argument. */
export function compileRegexpArgument(value: string, flags?: GoRegexpFlags): RegExp {
  try {
    return compileGoRegexp(value, flags);
  } catch (error) {
    throw new MatcherArgumentError(`invalid regular expression "${value}": ${(error as Error).message}`);
  }
}

/** Returns a request host as the host index keys it: trailing dots removed. */
export function hostIndexKey(host: string): string {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 0x2e /* . */) end--;
  return end === host.length ? host : host.slice(0, end);
}

// RFC 9110 §5.6.2 token characters; Go keeps other header names as they are, so they never match.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Returns the key under which a header is found in RoutingRequest.headers, or undefined when Go's
 * request would never carry it: names that are not tokens, and Host and Transfer-Encoding, which
 * Go's server moves out of the header map.
 */
export function headerKey(name: string): string | undefined {
  if (!TOKEN.test(name)) return undefined;
  const key = name.toLowerCase();
  return key === 'host' || key === 'transfer-encoding' ? undefined : key;
}

/** A matcher that never matches. */
export function never(): boolean {
  return false;
}

/** A matcher that always matches. */
export function always(): boolean {
  return true;
}
