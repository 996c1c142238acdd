import { readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { LineCounter, parseDocument } from 'yaml';
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

/**
 * Reads and parses a configuration file: YAML (`.yml`, `.yaml`, and `.json` read as YAML, as Traefik's
 * file decoder does) or TOML. Syntax errors are located as `file:line:col`.
 */
export function readConfigFile(path: string): { tree: RawTree | undefined; errors: ConfigError[] } {
  const extension = extname(path).toLowerCase();
  if (!['.yml', '.yaml', '.json', '.toml'].includes(extension)) {
    return failed(new ConfigError(path, `unsupported file extension ${quote(extension)}; expected .yml, .yaml or .toml`));
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failed(new ConfigError(path, code === 'ENOENT' ? 'configuration file not found' : `cannot read the configuration file (${code ?? String(error)})`));
  }
  const parsed = extension === '.toml' ? parseTomlText(text, path) : parseYamlText(text, path);
  if (parsed.errors.length > 0) return failed(...parsed.errors);
  const value = parsed.value;
  if (value === null || value === undefined || (isPlainObject(value) && Object.keys(value).length === 0)) {
    // Traefik refuses an empty configuration file rather than starting with nothing.
    return failed(new ConfigError(path, 'no configuration found in the file'));
  }
  if (!isPlainObject(value)) return failed(new ConfigError(path, 'expected a map of configuration keys at the top level'));
  return { tree: value, errors: [] };
}

function failed(...errors: ConfigError[]): { tree: undefined; errors: ConfigError[] } {
  return { tree: undefined, errors };
}

function isPlainObject(value: unknown): value is RawTree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function parseYamlText(text: string, path: string): { value: unknown; errors: ConfigError[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return new ConfigError(`${path}:${line}:${col}`, lowerFirst(error.message.split('\n')[0]!));
    });
    return { value: undefined, errors };
  }
  return { value: document.toJS(), errors: [] };
}

function parseTomlText(text: string, path: string): { value: unknown; errors: ConfigError[] } {
  try {
    return { value: parseToml(text), errors: [] };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.replace(/^Invalid TOML document: /, '').split('\n')[0]!;
    return { value: undefined, errors: [new ConfigError(`${path}:${error.line}:${error.column}`, lowerFirst(reason))] };
  }
}
