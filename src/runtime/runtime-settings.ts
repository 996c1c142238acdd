import type { RuleSyntax } from '../rules/http-rule.js';

/** What the runtime builder takes from the static configuration, per entryPoint. */
export interface EntryPointSettings {
  readonly name: string;
  readonly protocol: 'tcp' | 'udp';
  readonly asDefault: boolean;
  /** Qualified middleware names prepended to every router on this entryPoint. */
  readonly middlewares: readonly string[];
}

/** The static settings the runtime builder needs; everything else about listeners lives in the entrypoints. */
export interface RuntimeSettings {
  readonly entryPoints: readonly EntryPointSettings[];
  readonly defaultRuleSyntax: RuleSyntax;
  /** Providers in order of precedence for routers of equal priority, as Traefik's `providers.precedence`. */
  readonly providerPrecedence: readonly string[];
  readonly ping: { readonly terminatingStatusCode: number } | undefined;
  /** Processes serving traffic (`--workers`); instance-wide limits are divided by it. */
  readonly workers: number;
  /** True once shutdown began: `ping@internal` answers `terminatingStatusCode`. */
  readonly isTerminating: () => boolean;
}

