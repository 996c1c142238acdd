import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, quote } from '../errors.js';
import type { RawTree } from './raw-tree.js';

/** Where the configuration file is looked for. */
export interface ConfigFileSearch {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir?: string;
  /** The system directories searched first; `/etc/traefik` then `/etc/junction` unless given (tests). */
  readonly systemDirs?: readonly string[];
}

const fileNames = ['traefik', 'junction'] as const;

/** Extensions in the order Traefik's finder tries them. */
const extensions = ['toml', 'yaml', 'yml'] as const;

/**
 * Lists the candidate files in search order, as Traefik's file loader: `/etc/traefik/`, `$XDG_CONFIG_HOME/`,
 * `$HOME/.config/`, then the working directory; in each, `traefik.{toml,yaml,yml}` then `junction.{toml,yaml,yml}`.
 * `/etc/junction/` comes right after `/etc/traefik/`. A directory whose variable is unset is skipped.
 */
export function configFileCandidates(search: ConfigFileSearch): string[] {
  const home = search.homeDir ?? search.env.HOME;
  const xdg = search.env.XDG_CONFIG_HOME;
  const directories = [
    ...(search.systemDirs ?? ['/etc/traefik', '/etc/junction']),
    ...(xdg !== undefined && xdg !== '' ? [xdg] : []),
    ...(home !== undefined && home !== '' ? [join(home, '.config')] : []),
    search.cwd,
  ];
  return directories.flatMap((directory) => fileNames.flatMap((name) => extensions.map((extension) => resolve(search.cwd, directory, `${name}.${extension}`))));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Returns the first configuration file found in the search order, as an absolute path. */
export function findConfigFile(search: ConfigFileSearch): string | undefined {
  return configFileCandidates(search).find(isFile);
}

/** Resolves the file named by `--configFile`, relative to the working directory. */
export function resolveConfigFile(given: string, cwd: string): string {
  return isAbsolute(given) ? given : resolve(cwd, given);
}

/** Names a file in messages: relative to the working directory when inside it, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown;
}

/** A parsed configuration file. */
export interface ConfigFile {
  readonly tree: RawTree | undefined;
  readonly errors: ConfigError[];
  /** Returns `file:line:col` for a configuration path, or its nearest ancestor, when the format keeps positions (YAML). */
  readonly locate: (path: string) => string | undefined;
}

/**
 * Reads and parses a configuration file: YAML (`.yml`, `.yaml`, and `.json` read as YAML, as Traefik's
 * file decoder does) or TOML. Syntax errors are located as `file:line:col`; `shownAs` names the file in them.
 */
export function readConfigFile(path: string, shownAs: string = path): ConfigFile {
  const extension = extname(path).toLowerCase();
  if (!['.yml', '.yaml', '.json', '.toml'].includes(extension)) {
    return failed(new ConfigError(shownAs, `unsupported file extension ${quote(extension)}; expected .yml, .yaml or .toml`));
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failed(new ConfigError(shownAs, code === 'ENOENT' ? 'configuration file not found' : `cannot read the configuration file (${code ?? String(error)})`));
  }
  const parsed = extension === '.toml' ? parseTomlText(text, shownAs) : parseYamlText(text, shownAs);
  if (parsed.errors.length > 0) return failed(...parsed.errors);
  const value = parsed.value;
  if (value === null || value === undefined || (isPlainObject(value) && Object.keys(value).length === 0)) {
    // Traefik refuses an empty configuration file rather than starting with nothing.
    return failed(new ConfigError(shownAs, 'no configuration found in the file'));
  }
  if (!isPlainObject(value)) return failed(new ConfigError(shownAs, 'expected a map of configuration keys at the top level'));
  return { tree: value, errors: [], locate: parsed.locate };
}

const nowhere = (): undefined => undefined;

function failed(...errors: ConfigError[]): ConfigFile {
  return { tree: undefined, errors, locate: nowhere };
}

function isPlainObject(value: unknown): value is RawTree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

interface Parsed {
  readonly value: unknown;
  readonly errors: ConfigError[];
  readonly locate: (path: string) => string | undefined;
}

function parseYamlText(text: string, shownAs: string): Parsed {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *defaults`) are on, as Go's yaml.v3 reads them for Traefik.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return new ConfigError(`${shownAs}:${line}:${col}`, lowerFirst(error.message.split('\n')[0]!));
    });
    return { value: undefined, errors, locate: nowhere };
  }
  const locate = (path: string): string | undefined => {
    const offset = findOffset(document, splitConfigPath(path));
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return `${shownAs}:${line}:${col}`;
  };
  return { value: document.toJS(), errors: [], locate };
}

/** Finds where the node at a path starts, or its nearest ancestor; keys match case-insensitively, as decoding does. */
function findOffset(document: Document, segments: ReadonlyArray<string | number>): number | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const segment of segments) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value).toLowerCase() === String(segment).toLowerCase());
      if (pair === undefined) break;
      next = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    const range = (next as Node | undefined)?.range;
    if (range === undefined || range === null) break;
    offset = range[0];
    node = next;
  }
  return offset;
}

/** Splits a configuration path (`entryPoints["a.b"].trustedIPs[1]`) into keys and indexes. */
export function splitConfigPath(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const pattern = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|([^.[\]]+)/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(JSON.parse(match[2]) as string);
    else segments.push(match[3]!);
  }
  return segments;
}

function parseTomlText(text: string, shownAs: string): Parsed {
  try {
    return { value: parseToml(text), errors: [], locate: nowhere };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.replace(/^Invalid TOML document: /, '').split('\n')[0]!;
    return { value: undefined, errors: [new ConfigError(`${shownAs}:${error.line}:${error.column}`, lowerFirst(reason))], locate: nowhere };
  }
}
