import { parseDuration } from './duration.js';
import { ConfigError, joinPath, nearestName, pathSegment, quote } from './errors.js';

/**
 * A small schema language shared by the static and dynamic configuration.
 *
 * Every source (YAML, TOML, flags, environment, Kubernetes objects) is first turned into plain values and
 * then decoded here, so key matching, type checks, defaults and error paths behave the same everywhere.
 * Field names match case-insensitively, as Traefik's decoder does; map keys (router names, entryPoint names)
 * keep their case. Values that came from flags or environment variables are strings and are coerced.
 */
export interface DecodeContext {
  readonly errors: ConfigError[];
  /** Values are strings from flags or environment variables: coerce them to the expected types. */
  readonly stringly: boolean;
}

export interface Schema<T> {
  readonly describe: string;
  decode(value: unknown, path: string, context: DecodeContext): T | undefined;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

interface FieldOptions<T> {
  readonly required?: boolean;
  readonly default?: T;
}

/** A field of an object schema: its value schema and whether it is required or has a default. */
export interface Field<T> extends FieldOptions<T> {
  readonly schema: Schema<T>;
}

type AnyField = Schema<unknown> | Field<unknown>;
type FieldValue<F> = F extends Field<infer T> ? T : F extends Schema<infer T> ? T : never;
type IsRequired<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false;

type RequiredKeys<F> = { [K in keyof F]: IsRequired<F[K]> extends true ? K : never }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;

export type ObjectOf<F> = { readonly [K in RequiredKeys<F>]: FieldValue<F[K]> } & {
  readonly [K in OptionalKeys<F>]?: FieldValue<F[K]>;
};

function fail(context: DecodeContext, path: string, reason: string): undefined {
  context.errors.push(new ConfigError(path, reason));
  return undefined;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nothing';
  if (typeof value === 'object') return 'a map';
  return quote(value);
}

/** A string. Numbers and booleans written where a string is expected are taken as their text, as YAML users expect. */
export function string(check?: (value: string) => string | undefined): Schema<string> {
  return {
    describe: 'a string',
    decode(value, path, context) {
      if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
      if (typeof value !== 'string') return fail(context, path, `expected a string, got ${describeValue(value)}`);
      const problem = check?.(value);
      return problem === undefined ? value : fail(context, path, problem);
    },
  };
}

interface NumberOptions {
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** A number, optionally an integer within bounds. */
export function number(options: NumberOptions = {}): Schema<number> {
  const kind = options.integer === true ? 'an integer' : 'a number';
  return {
    describe: kind,
    decode(value, path, context) {
      let parsed = value;
      if (typeof value === 'string' && value.trim() !== '') parsed = Number(value.trim());
      if (typeof parsed !== 'number' || Number.isNaN(parsed)) {
        return fail(context, path, `expected ${kind}, got ${describeValue(value)}`);
      }
      if (options.integer === true && !Number.isInteger(parsed)) {
        return fail(context, path, `expected ${kind}, got ${describeValue(value)}`);
      }
      if (options.min !== undefined && parsed < options.min) {
        return fail(context, path, `${quote(value)} is below the minimum ${options.min}`);
      }
      if (options.max !== undefined && parsed > options.max) {
        return fail(context, path, `${quote(value)} is above the maximum ${options.max}`);
      }
      return parsed;
    },
  };
}

/** A boolean; `true`/`false` strings are accepted because flags, environment variables and labels are text. */
export function boolean(): Schema<boolean> {
  return {
    describe: 'a boolean',
    decode(value, path, context) {
      if (typeof value === 'boolean') return value;
      if (value === null) return true;
      if (typeof value === 'string') {
        const lowered = value.trim().toLowerCase();
        if (lowered === 'true' || lowered === '') return true;
        if (lowered === 'false') return false;
      }
      return fail(context, path, `expected true or false, got ${describeValue(value)}`);
    },
  };
}

/** A Go-style duration (`10s`, `1m30s`) or a number of seconds; decoded to milliseconds. */
export function duration(): Schema<number> {
  return {
    describe: 'a duration',
    decode(value, path, context) {
      try {
        return parseDuration(value, path);
      } catch (error) {
        if (error instanceof ConfigError) context.errors.push(error);
        else throw error;
        return undefined;
      }
    },
  };
}

/** One of a fixed set of words, matched case-insensitively and returned in the spelling given here. */
export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  const byLowercase = new Map(values.map((value) => [value.toLowerCase(), value]));
  const expected = values.map((value) => quote(value)).join(', ');
  return {
    describe: `one of ${expected}`,
    decode(value, path, context) {
      if (typeof value !== 'string') return fail(context, path, `expected one of ${expected}, got ${describeValue(value)}`);
      const match = byLowercase.get(value.trim().toLowerCase());
      return match ?? fail(context, path, `unknown value ${quote(value)}; expected one of ${expected}`);
    },
  };
}

/** Any value, kept as it is (plugin settings, opaque sections). */
export function anything(): Schema<unknown> {
  return { describe: 'any value', decode: (value) => value };
}

/**
 * A list. From flags and environment variables a comma-separated string is a list; a map with index keys
 * (`--x.y[0]`, `X_Y_0`) is one too.
 */
export function list<T>(item: Schema<T>): Schema<T[]> {
  return {
    describe: 'a list',
    decode(value, path, context) {
      let items: unknown[];
      if (Array.isArray(value)) items = value;
      else if (value === null) items = [];
      else if (typeof value === 'string' && context.stringly) items = value === '' ? [] : value.split(',').map((part) => part.trim());
      else if (isIndexedMap(value)) items = Object.keys(value).sort((a, b) => Number(a) - Number(b)).map((key) => value[key]);
      else return fail(context, path, `expected ${this.describe}, got ${describeValue(value)}`);
      const decoded: T[] = [];
      let isValid = true;
      items.forEach((raw, index) => {
        const result = item.decode(raw, joinPath(path, index), context);
        if (result === undefined) isValid = false;
        else decoded.push(result);
      });
      return isValid ? decoded : undefined;
    },
  };
}

function isIndexedMap(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^\d+$/.test(key));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface MapOptions {
  /** Drop entries whose value fails to decode, keeping the others (dynamic configuration). */
  readonly dropInvalidEntries?: boolean;
  readonly checkKey?: (key: string) => string | undefined;
}

/** A map of user-chosen names (routers, entryPoints, headers) to values of one schema. */
export function map<T>(value: Schema<T>, options: MapOptions = {}): Schema<Record<string, T>> {
  return {
    describe: 'a map',
    decode(raw, path, context) {
      if (raw === null) return {};
      if (!isPlainObject(raw)) return fail(context, path, `expected a map, got ${describeValue(raw)}`);
      const decoded: Record<string, T> = {};
      let isValid = true;
      for (const [key, entry] of Object.entries(raw)) {
        const entryPath = joinPath(path, pathSegment(key));
        const keyProblem = options.checkKey?.(key);
        if (keyProblem !== undefined) {
          fail(context, entryPath, keyProblem);
          isValid = false;
          continue;
        }
        const result = value.decode(entry, entryPath, context);
        if (result !== undefined) decoded[key] = result;
        else if (options.dropInvalidEntries !== true) isValid = false;
      }
      return isValid ? decoded : undefined;
    },
  };
}

/** Marks an object field as required. */
export function required<T>(schema: Schema<T>): Field<T> & { required: true } {
  return { schema, required: true };
}

/** Gives an object field the default Traefik uses when the section is enabled but the field is not set. */
export function withDefault<T>(schema: Schema<T>, value: T): Field<T> & { default: T } {
  return { schema, default: value };
}

function asField(field: AnyField): Field<unknown> {
  return 'decode' in field ? { schema: field } : field;
}

interface ObjectOptions {
  /** A bare `true` (a flag without value, an empty YAML key) enables the section with its defaults. */
  readonly enabledByTrue?: boolean;
  /** Report unknown or invalid fields but keep the valid ones (sections that only group named items). */
  readonly keepValidFields?: boolean;
  /** Checks across fields, after each field decoded; returns faults relative to the object's path. */
  readonly check?: (value: Record<string, unknown>) => ConfigError[];
}

/** An object with known fields; an unknown field is an error naming it and the nearest known field. */
export function object<const F extends Record<string, AnyField>>(fields: F, options: ObjectOptions = {}): Schema<ObjectOf<F>> {
  const entries = Object.entries(fields).map(([name, field]) => [name, asField(field)] as const);
  const byLowercase = new Map(entries.map(([name, field]) => [name.toLowerCase(), { name, field }]));
  const names = entries.map(([name]) => name);
  return {
    describe: 'a map',
    decode(raw, path, context) {
      if (raw === null || raw === undefined) raw = {};
      if (options.enabledByTrue !== false && (raw === true || (context.stringly && typeof raw === 'string' && raw.toLowerCase() === 'true'))) raw = {};
      if (!isPlainObject(raw)) return fail(context, path, `expected a map, got ${describeValue(raw)}`);
      const decoded: Record<string, unknown> = {};
      const seen = new Set<string>();
      let isValid = true;
      for (const [key, value] of Object.entries(raw)) {
        const known = byLowercase.get(key.toLowerCase());
        const fieldPath = joinPath(path, pathSegment(known?.name ?? key));
        if (known === undefined) {
          const hint = nearestName(key, names);
          isValid = fail(context, fieldPath, `unknown key ${quote(key)}${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`) ?? false;
          continue;
        }
        if (seen.has(known.name)) {
          isValid = fail(context, fieldPath, `key ${quote(key)} is set twice`) ?? false;
          continue;
        }
        seen.add(known.name);
        const result = known.field.schema.decode(value, fieldPath, context);
        if (result === undefined) isValid = false;
        else decoded[known.name] = result;
      }
      for (const [name, field] of entries) {
        if (seen.has(name)) continue;
        if (field.default !== undefined) decoded[name] = structuredClone(field.default);
        else if (field.required === true) isValid = fail(context, joinPath(path, pathSegment(name)), 'is required') ?? false;
      }
      if (!isValid && options.keepValidFields !== true) return undefined;
      const problems = options.check?.(decoded) ?? [];
      for (const problem of problems) context.errors.push(problem.under(path));
      return problems.length === 0 ? (decoded as ObjectOf<F>) : undefined;
    },
  };
}

type OneOf<F extends Record<string, Schema<unknown>>> = { [K in keyof F & string]: { readonly kind: K; readonly config: Infer<F[K]> } }[keyof F & string];

/**
 * Exactly one of several keys (a service is a loadBalancer, or weighted, or ...). Decodes to
 * `{ kind, config }` so code switches on `kind` rather than probing keys. Fields in `beside` may sit next to
 * the one key (a service's `middlewares`); they do not count as a kind and decode into the same value.
 */
export function exactlyOneOf<const F extends Record<string, Schema<unknown>>, const B extends Record<string, AnyField> = Record<never, never>>(
  variants: F,
  what: string,
  beside?: B,
): Schema<OneOf<F> & ObjectOf<B>> {
  const byLowercase = new Map(Object.keys(variants).map((name) => [name.toLowerCase(), name]));
  const names = Object.keys(variants);
  const besideNames = new Set(Object.keys(beside ?? {}).map((name) => name.toLowerCase()));
  const besideSchema = beside === undefined ? undefined : object(beside);
  return {
    describe: `one of ${names.join(', ')}`,
    decode(raw, path, context) {
      if (!isPlainObject(raw)) return fail(context, path, `expected a map, got ${describeValue(raw)}`);
      const present = Object.keys(raw).filter((key) => !besideNames.has(key.toLowerCase()));
      const unknown = present.filter((key) => !byLowercase.has(key.toLowerCase()));
      for (const key of unknown) {
        const hint = nearestName(key, [...names, ...Object.keys(beside ?? {})]);
        fail(context, joinPath(path, pathSegment(key)), `unknown ${what} type ${quote(key)}${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`);
      }
      const known = present.filter((key) => byLowercase.has(key.toLowerCase()));
      if (unknown.length > 0) return undefined;
      if (known.length !== 1) {
        const listed = names.map((name) => quote(name)).join(', ');
        return fail(context, path, known.length === 0 ? `expected one ${what} type (${listed})` : `expected exactly one ${what} type, got ${known.map((key) => quote(key)).join(' and ')}`);
      }
      let besideValue: Record<string, unknown> = {};
      if (besideSchema !== undefined) {
        const besideRaw = Object.fromEntries(Object.entries(raw).filter(([key]) => besideNames.has(key.toLowerCase())));
        const decoded = besideSchema.decode(besideRaw, path, context);
        if (decoded === undefined) return undefined;
        besideValue = decoded;
      }
      const key = known[0]!;
      const kind = byLowercase.get(key.toLowerCase())!;
      const config = variants[kind]!.decode(raw[key], joinPath(path, pathSegment(kind)), context);
      return config === undefined ? undefined : ({ ...besideValue, kind, config } as never);
    },
  };
}

/** Decodes a whole document, returning the value and every fault found. */
export function decode<T>(schema: Schema<T>, value: unknown, options: { path?: string; stringly?: boolean } = {}): { value: T | undefined; errors: ConfigError[] } {
  const context: DecodeContext = { errors: [], stringly: options.stringly ?? false };
  const decoded = schema.decode(value, options.path ?? '', context);
  return { value: decoded, errors: context.errors };
}
