import { nearestName } from '../config/errors.js';
import { httpMatchers } from './http-matchers.js';
import { httpMatchersV2 } from './http-matchers-v2.js';
import { MatcherArgumentError, type MatcherSpec, type RequestMatcher } from './matcher-spec.js';
import { RuleError, columnAt } from './rule-error.js';
import { parseRule, type RuleNode } from './rule-parser.js';
import type { RoutingRequest } from './routing-request.js';

export { hostIndexKey } from './matcher-spec.js';

/** The rule languages of `http.routers.<name>.ruleSyntax`. */
export type RuleSyntax = 'v2' | 'v3';

/** An HTTP router rule compiled to a matcher. */
export interface CompiledRule {
  /** True when the request matches. Pure, fast, allocation-light: runs per request. */
  readonly match: (request: RoutingRequest) => boolean;
  /**
   * Exact hosts (lowercase) of which the request host must be one for the rule to match, or
   * undefined when the rule can match other hosts (no Host constraint, wildcards, HostRegexp,
   * negations...). Used to index routers by host: `Host(a) && X` → [a]; `Host(a) || Host(b)` →
   * [a, b]; `(Host(a) && P) || Host(b)` → [a, b]; `Host(a) || PathPrefix(/x)` → undefined;
   * `!Host(a)` → undefined; v2 `Host(a, b)` → [a, b]. Entries carry no trailing dot, and Host
   * tolerates trailing dots, so look the request host up as `hostIndexKey(request.host)`; the
   * index only narrows the routers to try, `match` still decides.
   */
  readonly hosts: readonly string[] | undefined;
}

interface Registry {
  readonly specs: ReadonlyMap<string, MatcherSpec>;
  readonly names: readonly string[];
  /** Names of the other syntax, with what to use instead. */
  readonly otherSyntax: ReadonlyMap<string, string>;
}

/** Accepts a matcher name as written exactly, lowercase, uppercase or capitalized, as Traefik does. */
function nameVariants(name: string): string[] {
  const lower = name.toLowerCase();
  return [name, lower, name.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)];
}

function buildRegistry(specs: readonly MatcherSpec[], otherSyntax: Record<string, string>): Registry {
  const byName = new Map<string, MatcherSpec>();
  for (const spec of specs) for (const variant of nameVariants(spec.name)) byName.set(variant, spec);
  return { specs: byName, names: specs.map((spec) => spec.name), otherSyntax: new Map(Object.entries(otherSyntax)) };
}

const registries: Readonly<Record<RuleSyntax, Registry>> = {
  v3: buildRegistry(httpMatchers, { Headers: 'Header', HeadersRegexp: 'HeaderRegexp', HostHeader: 'Host' }),
  v2: buildRegistry(httpMatchersV2, { Header: 'Headers', HeaderRegexp: 'HeadersRegexp', PathRegexp: '', QueryRegexp: '' }),
};

function unknownMatcher(rule: string, registry: Registry, syntax: RuleSyntax, name: string, offset: number): RuleError {
  const column = columnAt(rule, offset);
  const reason = `unknown matcher "${name}"`;
  const other = [...registry.otherSyntax].find(([candidate]) => nameVariants(candidate).includes(name));
  if (other !== undefined) {
    const otherSyntax = syntax === 'v3' ? 'v2' : 'v3';
    const hint = other[1] === ''
      ? `"${other[0]}" needs ruleSyntax ${otherSyntax}`
      : `did you mean "${other[1]}"? ("${other[0]}" is ruleSyntax ${otherSyntax})`;
    return new RuleError(reason, column, hint);
  }
  const nearest = nearestName(name, registry.names) ?? transposedName(name, registry.names);
  return new RuleError(reason, column, nearest === undefined ? undefined : `did you mean "${nearest}"?`);
}

/** Returns the name that `input` spells with two neighbouring letters swapped (`Hots` for `Host`). */
function transposedName(input: string, names: readonly string[]): string | undefined {
  const lowered = input.toLowerCase();
  return names.find((name) => {
    const candidate = name.toLowerCase();
    if (candidate.length !== lowered.length) return false;
    const differences: number[] = [];
    for (let index = 0; index < candidate.length; index++) if (candidate[index] !== lowered[index]) differences.push(index);
    return differences.length === 2 && differences[1] === differences[0]! + 1 &&
      candidate[differences[0]!] === lowered[differences[1]!] && candidate[differences[1]!] === lowered[differences[0]!];
  });
}

/** Checks every matcher name, left to right, before anything is compiled (Traefik's parser does). */
function checkNames(node: RuleNode, check: (name: string, offset: number) => RuleError | undefined): void {
  switch (node.kind) {
    case 'matcher': {
      const error = check(node.name, node.offset);
      if (error !== undefined) throw error;
      return;
    }
    case 'not':
      checkNames(node.operand, check);
      return;
    default:
      checkNames(node.left, check);
      checkNames(node.right, check);
  }
}

function compileMatcher(rule: string, spec: MatcherSpec, node: Extract<RuleNode, { kind: 'matcher' }>): RequestMatcher {
  const column = columnAt(rule, node.offset);
  const fail = (reason: string, hint?: string): never => {
    throw new RuleError(`${spec.name}: ${reason}`, column, hint);
  };
  const { args } = node;
  // Traefik checks for missing and empty arguments before counting them.
  if (args.length === 0) fail(spec.checkArity(0) ?? 'expected at least 1 argument, got 0');
  const empty = args.findIndex((arg) => arg === '');
  if (empty >= 0) fail(args.length === 1 ? 'argument is empty' : `argument ${empty + 1} is empty`);
  const arityProblem = spec.checkArity(args.length);
  if (arityProblem !== undefined) fail(arityProblem);
  try {
    return spec.build(args);
  } catch (error) {
    if (error instanceof MatcherArgumentError) fail(error.message, error.hint);
    throw error;
  }
}

function compileNode(rule: string, registry: Registry, node: RuleNode): RequestMatcher {
  switch (node.kind) {
    case 'matcher':
      return compileMatcher(rule, registry.specs.get(node.name)!, node);
    case 'not': {
      const operand = compileNode(rule, registry, node.operand);
      return function not(request) {
        return !operand(request);
      };
    }
    case 'and': {
      const left = compileNode(rule, registry, node.left);
      const right = compileNode(rule, registry, node.right);
      return function and(request) {
        return left(request) && right(request);
      };
    }
    case 'or': {
      const left = compileNode(rule, registry, node.left);
      const right = compileNode(rule, registry, node.right);
      return function or(request) {
        return left(request) || right(request);
      };
    }
  }
}

/** Returns the hosts one of which a request must have for `node` (negated when `negated`) to match. */
function requiredHosts(registry: Registry, node: RuleNode, negated: boolean): readonly string[] | undefined {
  switch (node.kind) {
    case 'matcher':
      return negated ? undefined : registry.specs.get(node.name)!.hosts?.(node.args);
    case 'not':
      return requiredHosts(registry, node.operand, !negated);
    default: {
      const left = requiredHosts(registry, node.left, negated);
      const right = requiredHosts(registry, node.right, negated);
      // By De Morgan, a negated "or" constrains like an "and".
      const isConjunction = (node.kind === 'and') !== negated;
      if (isConjunction) {
        if (left === undefined) return right;
        if (right === undefined) return left;
        return left.filter((host) => right.includes(host));
      }
      if (left === undefined || right === undefined) return undefined;
      return [...new Set([...left, ...right])];
    }
  }
}

/** Compiles an HTTP router rule in the given syntax; throws RuleError, located by column. */
export function compileHttpRule(rule: string, syntax: RuleSyntax): CompiledRule {
  const registry = registries[syntax];
  const checkName = (name: string, offset: number): RuleError | undefined =>
    registry.specs.has(name) ? undefined : unknownMatcher(rule, registry, syntax, name, offset);
  const tree = parseRule(rule, checkName);
  checkNames(tree, checkName);
  const match = compileNode(rule, registry, tree);
  const hosts = requiredHosts(registry, tree, false);
  return { match, hosts: hosts === undefined ? undefined : [...new Set(hosts)] };
}
