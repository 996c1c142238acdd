import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../../observability/logger.js';
import type { PluginSettings } from '../../../runtime/runtime-settings.js';
import type { Exchange, Handler } from '../../exchange.js';

/** What a plugin's `create` receives besides its configuration. */
export interface PluginContext {
  /** Qualified name of the middleware: `my-plugin@file`. */
  readonly name: string;
  /** Junction's log, tagged with the middleware and plugin names. */
  readonly log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

/** The plugin's handler factory: gets the next handler, returns its own (which may return a promise). */
export type PluginMiddleware = (next: Handler) => (exchange: Exchange) => unknown;

/** A loaded local plugin module: Traefik's `CreateConfig` and `New`, in JavaScript. */
export interface PluginModule {
  readonly createConfig: () => unknown;
  readonly create: (config: unknown, context: PluginContext) => PluginMiddleware;
}

/** The plugins one build can use. */
export interface PluginCatalog {
  /** Names declared in `experimental.localPlugins`. */
  readonly declared: readonly string[];
  /** Names declared in `experimental.plugins` (the catalog), never available. */
  readonly catalog: readonly string[];
  /** Loaded modules by name; undefined in a build that only validates (`junction check`, the primary). */
  readonly modules: ReadonlyMap<string, PluginModule> | undefined;
  /** Why every plugin is disabled: loading failed, as Traefik disables them all then. */
  readonly failure: string | undefined;
}

/** The catalog of a build that validates without loading: names are checked, nothing runs. */
export function declaredPlugins(settings: PluginSettings): PluginCatalog {
  return { declared: Object.keys(settings.local), catalog: settings.catalog, modules: undefined, failure: undefined };
}

/** Folder holding local plugins, relative to the working directory, as Traefik's `./plugins-local/`. */
export const localPluginsFolder = 'plugins-local';

/** Tells what is wrong with a module name, as Traefik's checks, plus names that would leave the plugins folder. */
function checkModuleName(name: string, moduleName: string): string | undefined {
  if (moduleName === '') return `${name}: plugin name is missing`;
  if (moduleName.startsWith('/') || moduleName.endsWith('/')) return `${name}: plugin name should not start or end with a /`;
  if (isAbsolute(moduleName) || moduleName.includes('\\') || moduleName.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    return `${name}: invalid module name ${JSON.stringify(moduleName)}`;
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The file `package.json` names in `exports` (a string, or `import`/`default` under `.`) or `main`. */
function packageEntry(directory: string): string | undefined {
  const manifest = join(directory, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: unknown };
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object') {
      const conditions = value as Record<string, unknown>;
      return pick(conditions['.']) ?? pick(conditions.import) ?? pick(conditions.default);
    }
    return undefined;
  };
  return pick(parsed.exports) ?? (typeof parsed.main === 'string' ? parsed.main : undefined);
}

/**
 * Finds a local plugin's entry file: in `plugins-local/src/<moduleName>/` (Traefik's layout) or else
 * `plugins-local/<moduleName>/`; the file `package.json` names, else `index.mjs`, else `index.js`.
 */
export function resolvePluginEntry(workingDirectory: string, moduleName: string): { entry: string } | { error: string } {
  const layouts = [join(workingDirectory, localPluginsFolder, 'src', moduleName), join(workingDirectory, localPluginsFolder, moduleName)];
  const directory = layouts.find(isDirectory);
  if (directory === undefined) {
    return { error: `no folder ${layouts.map((layout) => JSON.stringify(relative(workingDirectory, layout))).join(' or ')}` };
  }
  let named: string | undefined;
  try {
    named = packageEntry(directory);
  } catch (error) {
    return { error: `cannot read ${JSON.stringify(relative(workingDirectory, join(directory, 'package.json')))}: ${(error as Error).message}` };
  }
  const candidates = named !== undefined ? [join(directory, named)] : [join(directory, 'index.mjs'), join(directory, 'index.js')];
  const entry = candidates.find((candidate) => existsSync(candidate) && !isDirectory(candidate));
  if (entry === undefined) return { error: `no file ${candidates.map((candidate) => JSON.stringify(relative(workingDirectory, candidate))).join(' or ')}` };
  return { entry };
}

/** Takes `createConfig` and `create` from a module namespace, or from its default export (CommonJS). */
function pluginModule(namespace: Record<string, unknown>): PluginModule | undefined {
  for (const candidate of [namespace, namespace.default]) {
    if (candidate === null || typeof candidate !== 'object') continue;
    const { createConfig, create } = candidate as Record<string, unknown>;
    if (typeof createConfig === 'function' && typeof create === 'function') {
      return { createConfig: createConfig as PluginModule['createConfig'], create: create as PluginModule['create'] };
    }
  }
  return undefined;
}

/** Checks the declarations as Traefik does before loading anything. */
function checkDeclarations(settings: PluginSettings): string[] {
  const problems: string[] = [];
  const seenModules = new Set<string>();
  for (const [name, { moduleName }] of Object.entries(settings.local)) {
    if (settings.catalog.includes(name)) problems.push(`the plugin's name ${JSON.stringify(name)} must be unique`);
    const problem = checkModuleName(name, moduleName);
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    if (seenModules.has(moduleName)) problems.push(`only one version of a plugin is allowed, there is a duplicate of ${moduleName}`);
    seenModules.add(moduleName);
  }
  return problems;
}

/**
 * Loads every local plugin once, at start. Any failure disables every plugin (their middlewares then fail
 * their routers), as Traefik does; the failure is returned in the catalog for the caller to log or abort.
 */
export async function loadLocalPlugins(settings: PluginSettings, workingDirectory: string): Promise<PluginCatalog> {
  const declared = Object.keys(settings.local);
  const disabled = (problems: readonly string[]): PluginCatalog => ({ declared, catalog: settings.catalog, modules: new Map(), failure: problems.join('; ') });
  const problems = checkDeclarations(settings);
  if (problems.length > 0) return disabled(problems);

  const modules = new Map<string, PluginModule>();
  for (const [name, { moduleName }] of Object.entries(settings.local)) {
    const resolved = resolvePluginEntry(workingDirectory, moduleName);
    if ('error' in resolved) {
      problems.push(`${name}: cannot find plugin ${JSON.stringify(moduleName)}: ${resolved.error}`);
      continue;
    }
    const shownAs = JSON.stringify(relative(workingDirectory, resolved.entry));
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(pathToFileURL(resolved.entry).href)) as Record<string, unknown>;
    } catch (error) {
      problems.push(`${name}: cannot load ${shownAs}: ${(error as Error).message}`);
      continue;
    }
    const loaded = pluginModule(namespace);
    if (loaded === undefined) {
      problems.push(`${name}: ${shownAs} must export the functions createConfig() and create(config, context)`);
      continue;
    }
    modules.set(name, loaded);
  }
  if (problems.length > 0) return disabled(problems);
  return { declared, catalog: settings.catalog, modules, failure: undefined };
}

/** Loads the local plugins declared in `settings`; a failure is kept in the catalog (plugins disabled), never thrown. */
export async function loadPluginCatalog(settings: PluginSettings, workingDirectory: string): Promise<PluginCatalog> {
  const names = Object.keys(settings.local);
  if (names.length === 0) return { declared: [], catalog: settings.catalog, modules: new Map(), failure: undefined };
  return loadLocalPlugins(settings, workingDirectory).catch(
    (error: unknown): PluginCatalog => ({ declared: names, catalog: settings.catalog, modules: new Map(), failure: (error as Error).message }),
  );
}
