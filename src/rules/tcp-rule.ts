import { Buffer } from 'node:buffer';
import { nearestName } from '../config/errors.js';
import { compileIpCheck } from './client-ip.js';
import { MatcherArgumentError, atLeastOne, compileRegexpArgument, exactly, isAscii } from './matcher-spec.js';
import { RuleError, columnAt } from './rule-error.js';
import { parseRule, type RuleNode } from './rule-parser.js';
import type { RuleSyntax } from './http-rule.js';

/** What a TCP rule may look at: known before any byte is forwarded, from the ClientHello when there is one. */
export interface TcpRoutingRequest {
  /** SNI, lowercased, trailing dot removed; empty without TLS or without SNI. */
  readonly serverName: string;
  /** Client address after PROXY protocol, IPv4-mapped IPv6 reduced to IPv4. */
  readonly clientIp: string;
  /** ALPN protocols the client offered. */
  readonly alpnProtocols: readonly string[];
}

export type TcpMatcher = (request: TcpRoutingRequest) => boolean;

/** A compiled TCP router rule. */
export interface CompiledTcpRule {
  readonly match: TcpMatcher;
  /** Every HostSNI value of the rule (lowercase), as Traefik's ParseHostSNI lists them. */
  readonly hostSnis: readonly string[];
}

interface TcpMatcherSpec {
  readonly name: string;
  readonly arity: Readonly<Record<RuleSyntax, (count: number) => string | undefined>>;
  readonly build: (args: readonly string[]) => TcpMatcher;
}

// Traefik's HostSNI accepts word characters, dots, dashes and colons, with an optional leading `*.`.
const HOST_SNI = /^(\*\.)?[\w.\-:]+$/;

/** Lowercases and trims the trailing dots of a server name, as Traefik's CanonicalDomain. */
export function canonicalServerName(name: string): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2e) end--;
  return (end === name.length ? name : name.slice(0, end)).trim().toLowerCase();
}

/** Tells whether a server name matches a host pattern: exact, or `*.suffix` for exactly one more label. */
export function serverNameMatches(serverName: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return serverName === pattern;
  const dot = serverName.indexOf('.');
  return dot > 0 && serverName.slice(dot) === pattern.slice(1);
}

function hostSni(args: readonly string[]): TcpMatcher {
  const patterns: string[] = [];
  for (const arg of args) {
    if (arg === '*') return function anyServerName() {
      return true;
    };
    if (!isAscii(arg)) throw new MatcherArgumentError(`invalid value for HostSNI matcher, ${JSON.stringify(arg)} is not a valid hostname`);
    const pattern = canonicalServerName(arg);
    if (!HOST_SNI.test(pattern)) throw new MatcherArgumentError(`invalid value for HostSNI matcher, ${JSON.stringify(arg)} is not a valid hostname`);
    patterns.push(pattern);
  }
  return function hostSni(request) {
    for (const pattern of patterns) if (serverNameMatches(request.serverName, pattern)) return true;
    return false;
  };
}

function hostSniRegexp(args: readonly string[]): TcpMatcher {
  const expressions = args.map((arg) => {
    if (!isAscii(arg)) throw new MatcherArgumentError(`invalid value for HostSNIRegexp matcher, ${JSON.stringify(arg)} is not a valid hostname`);
    return compileRegexpArgument(arg);
  });
  return function hostSniRegexp(request) {
    for (const expression of expressions) if (expression.test(request.serverName)) return true;
    return false;
  };
}

function clientIp(args: readonly string[]): TcpMatcher {
  const check = compileIpCheck(args);
  if (typeof check === 'number') throw new MatcherArgumentError(`invalid IP address or CIDR range "${args[check]}"`);
  return function clientIp(request) {
    return check(request.clientIp);
  };
}

function alpn(args: readonly string[]): TcpMatcher {
  for (const arg of args) {
    // The TLS-ALPN-01 challenge protocol belongs to the ACME resolver.
    if (arg === 'acme-tls/1') throw new MatcherArgumentError(`invalid protocol value for ALPN matcher, ${JSON.stringify(arg)} is not allowed`);
  }
  return function alpn(request) {
    for (const offered of request.alpnProtocols) if (args.includes(offered)) return true;
    return false;
  };
}

const one = { v3: exactly(1), v2: atLeastOne };
const specs: readonly TcpMatcherSpec[] = [
  { name: 'HostSNI', arity: one, build: hostSni },
  { name: 'HostSNIRegexp', arity: one, build: hostSniRegexp },
  { name: 'ClientIP', arity: one, build: clientIp },
  { name: 'ALPN', arity: one, build: alpn },
];
const specsByName = new Map<string, TcpMatcherSpec>();
for (const spec of specs) {
  const lower = spec.name.toLowerCase();
  for (const variant of [spec.name, lower, spec.name.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)]) specsByName.set(variant, spec);
}

function unknownMatcher(rule: string, name: string, offset: number): RuleError {
  const hint = nearestName(name, specs.map((spec) => spec.name));
  return new RuleError(`unknown matcher "${name}"`, columnAt(rule, offset), hint === undefined ? undefined : `did you mean "${hint}"?`);
}

function compileNode(rule: string, syntax: RuleSyntax, node: RuleNode, hostSnis: string[]): TcpMatcher {
  switch (node.kind) {
    case 'matcher': {
      const spec = specsByName.get(node.name);
      if (spec === undefined) throw unknownMatcher(rule, node.name, node.offset);
      const column = columnAt(rule, node.offset);
      const fail = (reason: string): never => {
        throw new RuleError(`${spec.name}: ${reason}`, column);
      };
      if (node.args.length === 0) fail('expected at least 1 argument, got 0');
      if (node.args.some((arg) => arg === '')) fail(node.args.length === 1 ? 'argument is empty' : 'an argument is empty');
      const arity = spec.arity[syntax](node.args.length);
      if (arity !== undefined) fail(arity);
      if (spec.name === 'HostSNI') hostSnis.push(...node.args.map((arg) => (arg === '*' ? arg : canonicalServerName(arg))));
      try {
        return spec.build(node.args);
      } catch (error) {
        if (error instanceof MatcherArgumentError) fail(error.message);
        throw error;
      }
      return fail('unreachable');
    }
    case 'not': {
      const operand = compileNode(rule, syntax, node.operand, hostSnis);
      return function not(request) {
        return !operand(request);
      };
    }
    case 'and': {
      const left = compileNode(rule, syntax, node.left, hostSnis);
      const right = compileNode(rule, syntax, node.right, hostSnis);
      return function and(request) {
        return left(request) && right(request);
      };
    }
    case 'or': {
      const left = compileNode(rule, syntax, node.left, hostSnis);
      const right = compileNode(rule, syntax, node.right, hostSnis);
      return function or(request) {
        return left(request) || right(request);
      };
    }
  }
}

/** Compiles a TCP router rule (HostSNI, HostSNIRegexp, ClientIP, ALPN); throws RuleError, located by column. */
export function compileTcpRule(rule: string, syntax: RuleSyntax = 'v3'): CompiledTcpRule {
  const tree = parseRule(rule, (name, offset) => (specsByName.has(name) ? undefined : unknownMatcher(rule, name, offset)));
  const hostSnis: string[] = [];
  const match = compileNode(rule, syntax, tree, hostSnis);
  return { match, hostSnis };
}

/** Default priority of a TCP router: the rule's length, and -1 for the catch-all ``HostSNI(`*`)``, as in Traefik. */
export function defaultTcpPriority(rule: string): number {
  return rule === "HostSNI(`*`)" ? -1 : Buffer.byteLength(rule);
}
