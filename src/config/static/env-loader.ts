import { ConfigError } from '../errors.js';
import { setPath, type RawTree } from './raw-tree.js';

/** Prefixes of the environment variables that configure Junction. */
export type EnvPrefix = 'TRAEFIK_' | 'JUNCTION_';

/**
 * Finds the variables that configure Junction, as paerser's `FindPrefixedEnvVars` does: the name starts with
 * the prefix followed by a top-level key in capitals (`TRAEFIK_ENTRYPOINTS`, `TRAEFIK_API`, ...), so unrelated
 * variables such as `TRAEFIK_VERSION` are not taken for configuration. `CONFIGFILE` is recognised too, as
 * Traefik's command configuration holds it.
 */
export function findConfigVariables(
  env: Readonly<Record<string, string | undefined>>,
  prefix: EnvPrefix,
  topLevelKeys: readonly string[],
): Array<readonly [string, string]> {
  const starts = [...topLevelKeys, 'configFile'].map((key) => prefix + key.toUpperCase());
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && starts.some((start) => entry[0].startsWith(start)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Builds the raw configuration tree from variables, as paerser does: the name is lowercased and each `_`
 * separates two path segments, so map keys (entryPoint names) are lowercase and cannot contain `_`.
 */
export function envToRawTree(variables: ReadonlyArray<readonly [string, string]>, prefix: EnvPrefix): { tree: RawTree; errors: ConfigError[]; ignored: string[] } {
  const tree: RawTree = {};
  const errors: ConfigError[] = [];
  const ignored: string[] = [];
  // Sorted by path, as paerser sorts its keys before building the tree.
  const keyed = variables.map(([name, value]) => ({ name, value, key: name.slice(prefix.length).toLowerCase().replaceAll('_', '.') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { name, value, key } of keyed) {
    const segments = key.split('.');
    if (segments.some((segment) => segment === '')) {
      errors.push(new ConfigError(name, 'empty path segment; "_" separates the keys'));
      continue;
    }
    if (segments.length === 1 && segments[0] === 'configfile') {
      ignored.push(name);
      continue;
    }
    const problem = setPath(tree, segments, value, false);
    if (problem !== undefined) errors.push(new ConfigError(name, problem));
  }
  return { tree, errors, ignored };
}
