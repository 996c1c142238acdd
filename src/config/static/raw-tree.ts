import { joinPath, pathSegment, quote } from '../errors.js';
import type { Shape } from './shape.js';

/** A configuration as plain values, before decoding: what a file parses to, or flags and variables build. */
export type RawTree = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function findKey(tree: Record<string, unknown>, key: string): string | undefined {
  const lowered = key.toLowerCase();
  return Object.keys(tree).find((existing) => existing.toLowerCase() === lowered);
}

function isTrueText(value: unknown): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

/**
 * Sets a text value at a path, as paerser builds its node tree from flags and variables: segments match
 * existing keys case-insensitively and keep the first spelling; a bare `true` on a section and values under
 * it merge (`--ping --ping.entryPoint=web`); `append` joins repeated list flags with commas.
 * Returns a problem when the value and keys under the same path conflict.
 */
export function setPath(tree: RawTree, segments: readonly string[], value: string, append: boolean): string | undefined {
  let node = tree;
  for (const segment of segments.slice(0, -1)) {
    const key = findKey(node, segment) ?? segment;
    const existing = node[key];
    if (existing === undefined || isTrueText(existing)) node[key] = {};
    else if (!isPlainObject(existing)) return `value ${quote(existing)} given to ${quote(key)} conflicts with keys set under it`;
    node = node[key] as RawTree;
  }
  const last = segments[segments.length - 1]!;
  const key = findKey(node, last) ?? last;
  const existing = node[key];
  if (isPlainObject(existing)) {
    if (isTrueText(value)) return undefined;
    return `value ${quote(value)} conflicts with keys set under ${quote(key)}`;
  }
  node[key] = append && typeof existing === 'string' ? `${existing},${value}` : value;
  return undefined;
}

function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

interface PrepareOptions {
  /** Empty values come from a file: skip them, as paerser does, and say so. */
  readonly fromFile: boolean;
}

/**
 * Prepares a raw tree for decoding, walking it beside the schema's shape:
 * - a section set to `false` is left out, as Traefik leaves a disabled `allowEmpty` pointer nil;
 * - an empty value in a file is left out, as paerser skips it, with a warning;
 * - a section Junction does not model yet is kept as it is, with a warning.
 */
export function prepareRawTree(shape: Shape, raw: unknown, options: PrepareOptions): { value: unknown; warnings: string[] } {
  const warnings: string[] = [];
  const value = prepare(shape, raw, '', options, warnings);
  return { value, warnings };
}

function prepare(shape: Shape, raw: unknown, path: string, options: PrepareOptions, warnings: string[]): unknown {
  if (shape.kind === 'object' && isPlainObject(raw)) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const field = shape.fields.get(key.toLowerCase());
      const fieldPath = joinPath(path, pathSegment(field?.name ?? key));
      if (value === null || value === undefined) {
        if (options.fromFile) {
          const hint = field !== undefined && (field.shape.kind === 'object' || field.shape.kind === 'opaque') && field.shape.isSection ? '; write {} to enable it with its defaults' : '';
          warnings.push(`${fieldPath}: empty value ignored${hint}`);
          continue;
        }
        result[key] = value;
        continue;
      }
      if (field === undefined) {
        result[key] = value;
        continue;
      }
      const isSection = (field.shape.kind === 'object' || field.shape.kind === 'opaque') && field.shape.isSection;
      if (isSection && isFalse(value)) continue;
      if (field.shape.kind === 'opaque') warnings.push(`${fieldPath}: not supported yet, ignored`);
      result[key] = prepare(field.shape, value, fieldPath, options, warnings);
    }
    return result;
  }
  if (shape.kind === 'map' && isPlainObject(raw)) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const entryPath = joinPath(path, pathSegment(key));
      if ((value === null || value === undefined) && options.fromFile) {
        warnings.push(`${entryPath}: empty value ignored`);
        continue;
      }
      result[key] = prepare(shape.value, value, entryPath, options, warnings);
    }
    return result;
  }
  if (shape.kind === 'list' && Array.isArray(raw)) {
    return raw.map((item, index) => prepare(shape.item, item, joinPath(path, index), options, warnings));
  }
  if (shape.kind === 'list' && isPlainObject(raw)) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) result[key] = prepare(shape.item, value, joinPath(path, /^\d+$/.test(key) ? Number(key) : key), options, warnings);
    return result;
  }
  return raw;
}
