import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, quote } from '../errors.js';
import { decode } from '../schema.js';
import { applyImplicitConfiguration, validateStaticConfig } from './effective.js';
import { envToRawTree, findConfigVariables, type EnvPrefix } from './env-loader.js';
import { displayPath, findConfigFile, readConfigFile, resolveConfigFile } from './file-loader.js';
import { flagsToRawTree, isConfigFileFlag, parseFlagArguments, type FlagArgument } from './flag-loader.js';
import { prepareRawTree, type RawTree } from './raw-tree.js';
import { shapeOf } from './shape.js';
import { builtinStaticConfigInput, staticConfigSchema, topLevelKeys, workersSchema, type StaticConfig } from './static-config.js';

/** Where the static configuration came from; exactly one source is read, as in Traefik. */
export type StaticConfigSource =
  | { kind: 'file'; path: string }
  | { kind: 'flags' }
  | { kind: 'environment'; prefix: EnvPrefix }
  | { kind: 'builtin' };

/** The static configuration and what was found while reading it. */
export interface LoadedStaticConfig {
  /** The configuration to run with; when `errors` is not empty it only holds the defaults. */
  config: StaticConfig;
  source: StaticConfigSource;
  warnings: string[];
  errors: ConfigError[];
}

export interface LoadStaticConfigOptions {
  /** Arguments after the command (and sub-command) name. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Defaults to `$HOME`. */
  readonly homeDir?: string;
  /** System directories searched first; `/etc/traefik` and `/etc/junction` unless given (tests). */
  readonly systemDirs?: readonly string[];
}

const rootShape = shapeOf(staticConfigSchema);

/**
 * Loads the static configuration from exactly one source, in Traefik's order: the file named by
 * `--configFile` or found in the usual places; else the flags, when there are any; else the environment
 * variables (`JUNCTION_` before `TRAEFIK_`); else Junction's built-in configuration.
 */
export function loadStaticConfig(options: LoadStaticConfigOptions): LoadedStaticConfig {
  const { flags, errors: flagErrors } = parseFlagArguments(options.argv, rootShape);
  const settingFlags = flags.filter((flag) => !isConfigFileFlag(flag) && !isWorkersFlag(flag));
  const workersFlag = flags.findLast(isWorkersFlag);
  const given = flags.findLast(isConfigFileFlag)?.value.trim() ?? '';
  const junctionVariables = findConfigVariables(options.env, 'JUNCTION_', topLevelKeys);
  const traefikVariables = findConfigVariables(options.env, 'TRAEFIK_', topLevelKeys);
  const variableNames = [...junctionVariables, ...traefikVariables].map(([name]) => name);

  const path = given !== '' ? resolveConfigFile(given, options.cwd) : findConfigFile(options);
  if (path !== undefined) {
    const source: StaticConfigSource = { kind: 'file', path };
    if (given !== '' && !isFile(path)) {
      return failed(source, [...flagErrors, new ConfigError('--configFile', `configuration file ${quote(given)} not found`)], []);
    }
    const shownAs = displayPath(path, options.cwd);
    const warnings: string[] = [];
    if (settingFlags.length > 0) warnings.push(`configuration file ${quote(shownAs)} is used; flags ignored: ${settingFlags.map((flag) => flag.text).join(' ')}`);
    if (variableNames.length > 0) warnings.push(`configuration file ${quote(shownAs)} is used; environment variables ignored: ${variableNames.join(', ')}`);
    const file = readConfigFile(path, shownAs);
    if (file.tree === undefined) return failed(source, [...flagErrors, ...file.errors], warnings);
    return withWorkersFlag(finish(source, file.tree, { fromFile: true, errors: flagErrors, warnings, locate: file.locate, cwd: options.cwd }), workersFlag);
  }

  if (settingFlags.length > 0 || flagErrors.length > 0) {
    const warnings: string[] = [];
    if (variableNames.length > 0) warnings.push(`flags are used; environment variables ignored: ${variableNames.join(', ')}`);
    const { tree, errors } = flagsToRawTree(flags, rootShape);
    return finish({ kind: 'flags' }, tree, { fromFile: false, errors: [...flagErrors, ...errors], warnings });
  }

  if (junctionVariables.length > 0 || traefikVariables.length > 0) {
    const prefix: EnvPrefix = junctionVariables.length > 0 ? 'JUNCTION_' : 'TRAEFIK_';
    const warnings: string[] = [];
    if (junctionVariables.length > 0 && traefikVariables.length > 0) {
      warnings.push(`environment variables with prefix JUNCTION_ are used; TRAEFIK_ variables ignored: ${traefikVariables.map(([name]) => name).join(', ')}`);
    }
    const { tree, errors, ignored } = envToRawTree(prefix === 'JUNCTION_' ? junctionVariables : traefikVariables, prefix);
    for (const name of ignored) warnings.push(`${name}: ignored; choose a configuration file with --configFile`);
    return withWorkersFlag(finish({ kind: 'environment', prefix }, tree, { fromFile: false, errors, warnings }), workersFlag);
  }

  return withWorkersFlag(finish({ kind: 'builtin' }, structuredClone(builtinStaticConfigInput) as RawTree, { fromFile: false, errors: [], warnings: [] }), workersFlag);
}

function isWorkersFlag(flag: FlagArgument): boolean {
  return flag.name.toLowerCase() === 'workers';
}

/** Applies `--workers`, which is honoured whatever the configuration's source, as `--configFile` is. */
function withWorkersFlag(loaded: LoadedStaticConfig, flag: FlagArgument | undefined): LoadedStaticConfig {
  if (flag === undefined || loaded.errors.length > 0) return loaded;
  const { value, errors } = decode(workersSchema, flag.value, { path: '--workers', stringly: true });
  if (value === undefined) return { ...loaded, errors };
  return { ...loaded, config: { ...loaded.config, workers: value } };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface FinishOptions {
  readonly fromFile: boolean;
  /** Faults already found while reading the source. */
  readonly errors: readonly ConfigError[];
  readonly warnings: readonly string[];
  /** Where relative paths in the configuration start from. */
  readonly cwd?: string | undefined;
  /** Returns where a configuration path is written (`file:line:col`), when the source keeps positions. */
  readonly locate?: (path: string) => string | undefined;
}

/** Decodes a raw tree, adds the implicit entryPoints and checks what spans several keys. */
function finish(source: StaticConfigSource, tree: RawTree, options: FinishOptions): LoadedStaticConfig {
  const dynamicKeys = takeDynamicSections(tree);
  // A file may hold both (Traefik's own examples name the static file in providers.file); flags may not.
  const misplaced = source.kind === 'file' ? [] : dynamicKeys.map((key) => new ConfigError(key, 'dynamic configuration is not read from the static configuration; give it with providers.file'));
  const prepared = prepareRawTree(rootShape, tree, { fromFile: options.fromFile });
  const warnings = [...options.warnings, ...prepared.warnings];
  // Flags, variables and files are all decoded as text, as paerser does: a list may be written "a,b".
  const decoded = decode(staticConfigSchema, prepared.value, { stringly: true });
  const errors = [...options.errors, ...[...misplaced, ...decoded.errors].map((error) => located(error, options.locate))];
  if (decoded.value === undefined || errors.length > 0) return failed(source, errors, warnings);
  const config = applyImplicitConfiguration(decoded.value);
  if (source.kind === 'file' && dynamicKeys.length > 0 && !isReadByFileProvider(source.path, config, options.cwd)) {
    warnings.push(`${dynamicKeys.join(', ')}: dynamic configuration in the static configuration file is ignored unless providers.file reads this file too`);
  }
  const validation = validateStaticConfig(config);
  warnings.push(...validation.warnings);
  if (validation.errors.length > 0) return failed(source, validation.errors.map((error) => located(error, options.locate)), warnings);
  return { config, source, warnings, errors: [] };
}

const dynamicSections = new Set(['http', 'tcp', 'udp', 'tls']);

/**
 * Takes dynamic configuration (`http`, `tcp`, `udp`, `tls`) out of the static tree and returns its keys. In a
 * file Traefik skips them silently, which lets one file be both configurations when the file provider reads it.
 */
function takeDynamicSections(tree: RawTree): string[] {
  const keys = Object.keys(tree).filter((key) => dynamicSections.has(key.toLowerCase()));
  for (const key of keys) delete tree[key];
  return keys;
}

/** True when providers.file reads the static configuration file itself, by name or through its directory. */
function isReadByFileProvider(path: string, config: StaticConfig, cwd: string | undefined): boolean {
  const file = config.providers.file;
  if (file === undefined) return false;
  const base = cwd ?? process.cwd();
  if (file.filename !== undefined) return resolve(base, file.filename) === path;
  return file.directory !== undefined && dirname(path) === resolve(base, file.directory);
}

function located(error: ConfigError, locate: ((path: string) => string | undefined) | undefined): ConfigError {
  const where = locate?.(error.path);
  return where === undefined ? error : new ConfigError(error.path, `${error.reason} (${where})`);
}

let defaults: StaticConfig | undefined;

/** Returns the configuration every key at its default, with Traefik's implicit entryPoint `http` on :80. */
export function defaultStaticConfig(): StaticConfig {
  if (defaults === undefined) {
    const { value } = decode(staticConfigSchema, {});
    if (value === undefined) throw new Error('the static configuration schema has no complete defaults');
    defaults = applyImplicitConfiguration(value);
  }
  return structuredClone(defaults);
}

function failed(source: StaticConfigSource, errors: ConfigError[], warnings: string[]): LoadedStaticConfig {
  return { config: defaultStaticConfig(), source, warnings, errors };
}
