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

  /** The value of `name` (or of the file `name_FILE` names), undefined when unset or empty. */
  optional(name: string): string | undefined {
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
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const name of names) {
      const value = this.optional(name);
      if (value === undefined) missing.push(name);
      else values[name] = value;
    }
    if (missing.length > 0) throw this.error(`some credentials information are missing: ${missing.join(',')}`);
    return values as { readonly [K in Names[number]]: string };
  }

  /** A whole number of seconds (lego's unit for every timeout and interval), in milliseconds. */
  secondsAsMs(name: string, defaultMs: number): number {
    const value = this.optional(name);
    if (value === undefined) return defaultMs;
    return this.#wholeNumber(name, value, 'a whole number of seconds') * 1000;
  }

  /** A non-negative integer (a TTL, a port). */
  integer(name: string, defaultValue: number): number {
    const value = this.optional(name);
    if (value === undefined) return defaultValue;
    return this.#wholeNumber(name, value, 'a non-negative integer');
  }

  /** A boolean as Go's strconv.ParseBool reads it. */
  boolean(name: string, defaultValue: boolean): boolean {
    const value = this.optional(name);
    if (value === undefined) return defaultValue;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
    throw this.error(`${name}: expected true or false, got "${value}"`);
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
