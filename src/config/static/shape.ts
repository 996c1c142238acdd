import { anything, boolean, list, map, object, type Field, type ObjectOf, type Schema } from '../schema.js';

/**
 * The outline of a schema, kept beside it so that the flag and environment loaders can ask what a path is
 * (a boolean, a section, a list, ...) before any value is decoded: paerser needs the same knowledge to decide
 * whether a bare `--api.insecure` is `true` or takes the next argument.
 */
export type Shape =
  | { readonly kind: 'value' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'list'; readonly item: Shape }
  | { readonly kind: 'map'; readonly value: Shape }
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, NamedShape>; readonly isSection: boolean }
  | { readonly kind: 'opaque'; readonly isSection: boolean };

/** A field of an object shape under its canonical spelling (`entryPoints`, `kubernetesCRD`). */
export interface NamedShape {
  readonly name: string;
  readonly shape: Shape;
}

type FieldSpec = Schema<unknown> | Field<unknown>;

const valueShape: Shape = { kind: 'value' };
const shapes = new WeakMap<Schema<unknown>, Shape>();

function register<S extends Schema<unknown>>(schema: S, shape: Shape): S {
  shapes.set(schema, shape);
  return schema;
}

/** Returns the outline of a schema; schemas built without these helpers are plain values. */
export function shapeOf(schema: Schema<unknown>): Shape {
  return shapes.get(schema) ?? valueShape;
}

function fieldSchema(field: FieldSpec): Schema<unknown> {
  return 'decode' in field ? field : field.schema;
}

interface StructOptions {
  /**
   * The section is a Go pointer tagged `allowEmpty` in Traefik: a bare flag or `true` enables it with its
   * defaults, `false` leaves it off.
   */
  readonly isSection?: boolean;
}

/** Builds an object schema and records its fields. */
export function struct<const F extends Record<string, FieldSpec>>(fields: F, options: StructOptions = {}): Schema<ObjectOf<F>> {
  const isSection = options.isSection ?? false;
  const named = new Map<string, NamedShape>();
  for (const [name, field] of Object.entries(fields)) named.set(name.toLowerCase(), { name, shape: shapeOf(fieldSchema(field)) });
  return register(object(fields, { enabledByTrue: isSection }), { kind: 'object', fields: named, isSection });
}

/** Builds an object schema for a section that a bare flag enables and `false` disables. */
export function section<const F extends Record<string, FieldSpec>>(fields: F): Schema<ObjectOf<F>> {
  return struct(fields, { isSection: true });
}

/** A boolean; a bare flag sets it to true. */
export function bool(): Schema<boolean> {
  return register(boolean(), { kind: 'boolean' });
}

/** A list whose items follow one schema. */
export function listOf<T>(item: Schema<T>): Schema<T[]> {
  return register(list(item), { kind: 'list', item: shapeOf(item) });
}

/** A map of user-chosen names to values of one schema. */
export function mapOf<T>(value: Schema<T>): Schema<Record<string, T>> {
  return register(map(value), { kind: 'map', value: shapeOf(value) });
}

/** A section Junction accepts and keeps as it is, without modelling its content yet. */
export function opaque(options: StructOptions = {}): Schema<unknown> {
  return register(anything(), { kind: 'opaque', isSection: options.isSection ?? true });
}

/** What a flag or variable path designates, as far as the schema tells. */
export type PathKind = 'boolean' | 'section' | 'object' | 'map' | 'list' | 'value' | 'inside-opaque' | 'unknown';

/** Walks lowercase path segments through a shape; map keys and list indexes are any segment. */
export function kindAt(root: Shape, segments: readonly string[]): PathKind {
  let shape = root;
  for (const segment of segments) {
    switch (shape.kind) {
      case 'object': {
        const field = shape.fields.get(segment.toLowerCase());
        if (field === undefined) return 'unknown';
        shape = field.shape;
        break;
      }
      case 'map':
        shape = shape.value;
        break;
      case 'list':
        if (!/^\d+$/.test(segment)) return 'unknown';
        shape = shape.item;
        break;
      case 'opaque':
        return 'inside-opaque';
      default:
        return 'unknown';
    }
  }
  switch (shape.kind) {
    case 'boolean':
      return 'boolean';
    case 'list':
      return 'list';
    case 'map':
      return 'map';
    case 'object':
      return shape.isSection ? 'section' : 'object';
    case 'opaque':
      return shape.isSection ? 'section' : 'inside-opaque';
    default:
      return 'value';
  }
}
