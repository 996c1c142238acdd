/**
 * A plugin's configuration as Traefik builds it: the options of `http.middlewares.<m>.plugin.<name>` decoded
 * over what the plugin's `createConfig()` returns, with mapstructure's rules as Traefik sets them up: keys
 * match case-insensitively, text is converted to the type of the default it replaces (weak typing, and
 * `"a,b"` to a list), maps merge into maps, lists replace lists, and keys without a default are added.
 */

/** A value that cannot be decoded into the type of its default. */
export class PluginConfigError extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a map';
  return JSON.stringify(value);
}

/** Go's `strconv.ParseBool`, plus the empty string mapstructure reads as false. */
function toBoolean(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
    if (['', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  }
  throw new PluginConfigError(`${path}: expected a boolean, got ${describe(value)}`);
}

function toNumber(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (value === '') return 0;
    const parsed = Number(value.trim());
    if (value.trim() !== '' && !Number.isNaN(parsed)) return parsed;
  }
  throw new PluginConfigError(`${path}: expected a number, got ${describe(value)}`);
}

function toText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  throw new PluginConfigError(`${path}: expected a string, got ${describe(value)}`);
}

function toList(current: readonly unknown[], value: unknown, path: string): unknown[] {
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'string') items = value === '' ? [] : value.split(',');
  else if (isPlainObject(value)) throw new PluginConfigError(`${path}: expected a list, got a map`);
  else items = [value];
  return items.map((item, index) => decodeValue(current[index] ?? current[0], item, `${path}[${index}]`));
}

function decodeValue(current: unknown, value: unknown, path: string): unknown {
  // As mapstructure: a missing value leaves the default alone.
  if (value === null || value === undefined) return current;
  if (current === null || current === undefined) return structuredClone(value);
  if (isPlainObject(current)) {
    if (!isPlainObject(value)) throw new PluginConfigError(`${path}: expected a map, got ${describe(value)}`);
    return decodeInto(current, value, path);
  }
  if (Array.isArray(current)) return toList(current, value, path);
  if (typeof current === 'boolean') return toBoolean(value, path);
  if (typeof current === 'number') return toNumber(value, path);
  if (typeof current === 'string') return toText(value, path);
  return structuredClone(value);
}

/** Finds the key of `target` that `key` names: the same spelling, else the first one equal ignoring case. */
function matchingKey(target: Record<string, unknown>, key: string): string {
  if (Object.hasOwn(target, key)) return key;
  const lowered = key.toLowerCase();
  return Object.keys(target).find((existing) => existing.toLowerCase() === lowered) ?? key;
}

function decodeInto(target: Record<string, unknown>, options: Record<string, unknown>, path: string): Record<string, unknown> {
  for (const [key, value] of Object.entries(options)) {
    const targetKey = matchingKey(target, key);
    target[targetKey] = decodeValue(target[targetKey], value, path === '' ? key : `${path}.${key}`);
  }
  return target;
}

/** Decodes a plugin's options over its defaults; throws PluginConfigError naming the option that does not fit. */
export function mergePluginConfig(defaults: unknown, options: Readonly<Record<string, unknown>>): unknown {
  if (Object.keys(options).length === 0) return defaults;
  if (defaults === null || defaults === undefined) return structuredClone(options);
  if (!isPlainObject(defaults)) throw new PluginConfigError(`createConfig() must return an object, got ${describe(defaults)}`);
  return decodeInto(defaults, options, '');
}
