import { readFileSync } from 'node:fs';
import { DnsProviderConfigError } from './dns-provider.js';

/**
 * Reads one provider's environment the way lego does: `NAME`, else the contents of the file named by `NAME_FILE`
 * (trailing line breaks dropped), an empty value counting as unset. Unlike lego, a value that does not parse is
 * refused with the variable's name instead of silently replaced by the default.
 */
export class ProviderEnv {
  readonly #provider: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(provider: string, env: NodeJS.ProcessEnv) {
    this.#provider = provider;
    this.#env = env;
  }

  /**
   * The value of `name` (or of the file `name_FILE` names), undefined when unset or empty; then the same for each
   * of the `fallbacks` (older names lego still reads), in order.
   */
  optional(name: string, fallbacks: readonly string[] = []): string | undefined {
    return this.#located(name, fallbacks)?.value;
  }

  /** Like `optional`, with the name of the variable the value came from, for messages. */
  #located(name: string, fallbacks: readonly string[]): { readonly name: string; readonly value: string } | undefined {
    for (const candidate of [name, ...fallbacks]) {
      const value = this.#one(candidate);
      if (value !== undefined) return { name: candidate, value };
    }
    return undefined;
  }

  #one(name: string): string | undefined {
    const direct = this.#env[name];
    if (direct !== undefined && direct !== '') return direct;
    const file = this.#env[`${name}_FILE`];
    if (file === undefined || file === '') return undefined;
    let contents: string;
    try {
      contents = readFileSync(file, 'utf8');
    } catch (error) {
      throw this.error(`${name}_FILE: cannot read "${file}": ${(error as Error).message}`);
    }
    const value = contents.replace(/[\r\n]+$/, '');
    return value === '' ? undefined : value;
  }

  /** The values of every name, or one error listing all the missing ones (lego's wording). */
  required<const Names extends readonly string[]>(...names: Names): { readonly [K in Names[number]]: string } {
    return this.requiredWithFallbacks(names.map((name) => [name] as const)) as { readonly [K in Names[number]]: string };
  }

  /** Like `required`, each entry a main name followed by the older names lego still reads; keyed by the main name. */
  requiredWithFallbacks(groups: readonly (readonly [string, ...string[]])[]): Readonly<Record<string, string>> {
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const [name, ...fallbacks] of groups) {
      const value = this.optional(name, fallbacks);
      if (value === undefined) missing.push(name);
      else values[name] = value;
    }
    if (missing.length > 0) throw this.error(`some credentials information are missing: ${missing.join(',')}`);
    return values;
  }

  /** A whole number of seconds (lego's unit for every timeout and interval), in milliseconds. */
  secondsAsMs(name: string, defaultMs: number, fallbacks: readonly string[] = []): number {
    const found = this.#located(name, fallbacks);
    if (found === undefined) return defaultMs;
    return this.#wholeNumber(found.name, found.value, 'a whole number of seconds') * 1000;
  }

  /** A non-negative integer (a TTL, a port). */
  integer(name: string, defaultValue: number, fallbacks: readonly string[] = []): number {
    const found = this.#located(name, fallbacks);
    if (found === undefined) return defaultValue;
    return this.#wholeNumber(found.name, found.value, 'a non-negative integer');
  }

  /** An error about this provider's configuration. */
  error(reason: string): DnsProviderConfigError {
    return new DnsProviderConfigError(this.#provider, reason);
  }

  #wholeNumber(name: string, value: string, expected: string): number {
    if (!/^\+?\d+$/.test(value.trim())) throw this.error(`${name}: expected ${expected}, got "${value}"`);
    return Number.parseInt(value.trim(), 10);
  }
}
