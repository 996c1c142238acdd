import { extname } from 'node:path';
import type { PathKey, SourcePosition } from './config-path.js';
import { topLevelKeys } from '../../config/static/static-config.js';
import { parseTomlText } from './toml-file.js';
import { parseYamlText } from './yaml-file.js';

/** Where a path was found in one file: how many of its keys exist there, and where the deepest one was written. */
export interface FileMatch {
  readonly depth: number;
  readonly position: SourcePosition;
}

/** One file's text, parsed. */
export interface ParsedText {
  readonly value: unknown;
  readonly kind: 'empty' | 'map' | 'list' | 'scalar';
  readonly rootPosition: SourcePosition;
  /** Walks the file along keys (matching case-insensitively when no exact key exists). */
  find(keys: readonly PathKey[]): FileMatch | undefined;
}

export type TextParse =
  | { readonly ok: true; readonly parsed: ParsedText; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly position?: SourcePosition };

/** One configuration file read without fault: its top level is a map. */
export interface ConfigContent {
  readonly content: Record<string, unknown>;
  find(keys: readonly PathKey[]): FileMatch | undefined;
  readonly warnings: readonly string[];
}

export type ContentParse =
  | { readonly ok: true; readonly file: ConfigContent }
  | { readonly ok: false; readonly reason: string; readonly position?: SourcePosition };

export type ConfigFormat = 'yaml' | 'toml';

/** Extensions the file provider reads, matched ignoring case as Traefik does. */
export const supportedExtensions: readonly string[] = ['.yml', '.yaml', '.toml'];

/** Returns the format a file name's extension announces, if the provider reads it. */
export function formatOf(filename: string): ConfigFormat | undefined {
  const extension = extname(filename).toLowerCase();
  if (extension === '.yml' || extension === '.yaml') return 'yaml';
  if (extension === '.toml') return 'toml';
  return undefined;
}

/**
 * Parses one file's text into its top-level map. An empty file is an empty configuration.
 * Traefik renders every file as a Go template first; Junction does not, so `{{ }}` is parsed as written.
 */
export function parseConfigText(text: string, format: ConfigFormat): ContentParse {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const hasTemplate = source.includes('{{');
  const result = format === 'yaml' ? parseYamlText(source) : parseTomlText(source);
  if (!result.ok) {
    const reason = hasTemplate ? `${result.reason} (Go templates are not rendered)` : result.reason;
    return result.position === undefined ? { ok: false, reason } : { ok: false, reason, position: result.position };
  }
  const { parsed } = result;
  const warnings = [...(result.warnings ?? [])];
  if (hasTemplate) warnings.push('contains "{{": Go templates are not rendered, the text is read as written');
  if (parsed.kind === 'empty' || parsed.value === null || parsed.value === undefined) {
    return { ok: true, file: { content: {}, find: () => undefined, warnings } };
  }
  if (parsed.kind !== 'map' || !isPlainMap(parsed.value)) {
    return {
      ok: false,
      reason: `expected a map at the top level, got ${parsed.kind === 'list' ? 'a list' : 'a scalar'}`,
      position: parsed.rootPosition,
    };
  }
  return { ok: true, file: { content: withoutStaticSections(parsed.value), find: (keys) => parsed.find(keys), warnings } };
}

const staticSections = new Set(topLevelKeys.map((key) => key.toLowerCase()));

/**
 * Leaves out the static configuration's sections (`entryPoints`, `providers`, `log`...): a file may hold both
 * configurations when the file provider reads the static file itself, as Traefik allows by skipping them.
 */
function withoutStaticSections(content: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(content);
  if (!keys.some((key) => staticSections.has(key.toLowerCase()))) return content;
  return Object.fromEntries(keys.filter((key) => !staticSections.has(key.toLowerCase())).map((key) => [key, content[key]]));
}

/** Tells whether a parsed value is a map (not a list, not null). */
export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
