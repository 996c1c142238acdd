import { ConfigError, configPath, quote } from '../../config/errors.js';
import { parseConfigPath } from './config-path.js';
import type { PathKey } from './config-path.js';
import { isPlainMap } from './config-text.js';
import type { FileMatch } from './config-text.js';

/** One configuration file that parsed, as the merge sees it. */
export interface ConfigFile {
  /** Path relative to the provider's directory (the filename itself for a single file): used in messages. */
  readonly name: string;
  /** Path shown in locations: the directory joined with `name`, or the filename as configured. */
  readonly location: string;
  readonly content: Record<string, unknown>;
  find(keys: readonly PathKey[]): FileMatch | undefined;
}

/** The merged configuration of several files, its conflicts, and where each path was written. */
export interface MergedConfig {
  readonly config: Record<string, unknown>;
  readonly errors: ConfigError[];
  locate(path: string): string | undefined;
}

/** Sections whose entries are merged by name, with their canonical spelling. */
const namedCollections: Readonly<Record<string, readonly string[]>> = {
  http: ['routers', 'middlewares', 'services', 'serversTransports', 'models'],
  tcp: ['routers', 'middlewares', 'services', 'serversTransports'],
  udp: ['routers', 'services'],
  tls: ['options', 'stores'],
};
const sectionNames = Object.keys(namedCollections);

interface Definition {
  readonly file: ConfigFile;
  readonly value: unknown;
}

interface Certificate {
  readonly file: ConfigFile;
  /** Index in the file's own `tls.certificates`. */
  readonly index: number;
  readonly value: unknown;
}

/**
 * Merges files in order. Routers, middlewares, services, serversTransports, TLS options and stores merge by name;
 * TLS certificates are concatenated. Section keys match ignoring case (`HTTP`, `Routers`) and come out in their
 * canonical spelling; names keep their case. Keys the merge does not know are passed on from the first file that
 * has them, for the decoder to report.
 *
 * Differs from Traefik: Traefik keeps the first definition of a name found in two files and logs a warning; here
 * the name is reported as an error and left out, so which file wins never depends on file names.
 */
export function mergeConfigFiles(files: readonly ConfigFile[], warn: (message: string) => void = () => {}): MergedConfig {
  const config: Record<string, unknown> = {};
  const errors: ConfigError[] = [];
  const definitions = new Map<string, Map<string, Definition[]>>();
  const certificates: Certificate[] = [];
  const seenCertificates = new Map<string, ConfigFile>();

  for (const file of files) {
    for (const [topKey, topValue] of Object.entries(file.content)) {
      const section = canonicalName(sectionNames, topKey);
      if (section === undefined) {
        if (!Object.hasOwn(config, topKey)) setOwn(config, topKey, topValue);
        continue;
      }
      const sectionOut = ensureMap(config, section);
      if (topValue === null || topValue === undefined) continue;
      if (!isPlainMap(topValue)) {
        errors.push(shapeError(file, [topKey], section, 'a map', topValue));
        continue;
      }
      for (const [key, value] of Object.entries(topValue)) {
        const collection = canonicalName(namedCollections[section]!, key);
        if (collection !== undefined) {
          ensureMap(sectionOut, collection);
          if (value === null || value === undefined) continue;
          if (!isPlainMap(value)) {
            errors.push(shapeError(file, [topKey, key], configPath(section, collection), 'a map of names', value));
            continue;
          }
          const byName = getOrCreate(definitions, `${section}.${collection}`, () => new Map<string, Definition[]>());
          for (const [name, definition] of Object.entries(value)) {
            getOrCreate(byName, name, () => []).push({ file, value: definition });
          }
        } else if (section === 'tls' && key.toLowerCase() === 'certificates') {
          if (!Object.hasOwn(sectionOut, 'certificates')) sectionOut['certificates'] = [];
          if (value === null || value === undefined) continue;
          if (!Array.isArray(value)) {
            errors.push(shapeError(file, [topKey, key], 'tls.certificates', 'a list', value));
            continue;
          }
          value.forEach((certificate: unknown, index) => {
            const identity = certificateIdentity(certificate);
            const first = identity === undefined ? undefined : seenCertificates.get(identity);
            if (first !== undefined) {
              // Traefik skips a certificate already configured, keeping the first.
              warn(`tls.certificates: certificate ${identity} in "${file.name}" is already configured in "${first.name}", skipping`);
              return;
            }
            if (identity !== undefined) seenCertificates.set(identity, file);
            certificates.push({ file, index, value: certificate });
          });
        } else if (!Object.hasOwn(sectionOut, key)) {
          setOwn(sectionOut, key, value);
        }
      }
    }
  }

  const origins = new Map<string, Map<string, ConfigFile>>();
  for (const [sectionAndCollection, byName] of definitions) {
    const [section, collection] = sectionAndCollection.split('.') as [string, string];
    const out = ensureMap(ensureMap(config, section), collection);
    const originByName = getOrCreate(origins, sectionAndCollection, () => new Map<string, ConfigFile>());
    for (const [name, defined] of byName) {
      if (defined.length > 1) {
        errors.push(new ConfigError(configPath(section, collection, name), duplicateReason(defined)));
        continue;
      }
      setOwn(out, name, defined[0]!.value);
      originByName.set(name, defined[0]!.file);
    }
  }
  if (certificates.length > 0) ensureMap(config, 'tls')['certificates'] = certificates.map((entry) => entry.value);

  return { config, errors, locate: (path) => locate(files, origins, certificates, path) };
}

function duplicateReason(defined: readonly Definition[]): string {
  const names = [...new Set(defined.map((definition) => definition.file.name))].map((name) => JSON.stringify(name));
  if (names.length === 1) return `defined twice in ${names[0]}`;
  if (names.length === 2) return `defined in both ${names[0]} and ${names[1]}`;
  return `defined in ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function shapeError(file: ConfigFile, keys: readonly PathKey[], path: string, expected: string, value: unknown): ConfigError {
  const where = formatMatch(file, file.find(keys));
  const got = Array.isArray(value) ? 'a list' : isPlainMap(value) ? 'a map' : quote(value);
  return new ConfigError(path, `expected ${expected}, got ${got}${where === undefined ? '' : ` (${where})`}`);
}

/** Identifies a certificate by its files, as Traefik compares them; undefined when they are not both strings. */
function certificateIdentity(certificate: unknown): string | undefined {
  if (!isPlainMap(certificate)) return undefined;
  const certFile = valueIgnoringCase(certificate, 'certFile');
  const keyFile = valueIgnoringCase(certificate, 'keyFile');
  if (typeof certFile !== 'string' || typeof keyFile !== 'string') return undefined;
  return JSON.stringify({ certFile, keyFile });
}

function valueIgnoringCase(map: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(map, key)) return map[key];
  const lowered = key.toLowerCase();
  const found = Object.keys(map).find((candidate) => candidate.toLowerCase() === lowered);
  return found === undefined ? undefined : map[found];
}

/**
 * Finds the file and position of a configuration path. A path below a known name that the file does not spell out
 * (a missing field) is located at the deepest part that exists, down to the name itself.
 */
function locate(
  files: readonly ConfigFile[],
  origins: Map<string, Map<string, ConfigFile>>,
  certificates: readonly Certificate[],
  path: string,
): string | undefined {
  const keys = parseConfigPath(path);
  if (keys === undefined) return undefined;
  const [first, second, third] = keys;
  const section = typeof first === 'string' ? canonicalName(sectionNames, first) : undefined;
  if (section !== undefined && typeof first === 'string' && typeof second === 'string' && keys.length >= 3) {
    const collection = canonicalName(namedCollections[section]!, second);
    if (collection !== undefined) {
      if (typeof third !== 'string') return undefined;
      const byName = origins.get(`${section}.${collection}`);
      const name = byName?.has(third) === false && third.endsWith('@file') ? third.slice(0, -'@file'.length) : third;
      const file = byName?.get(name);
      if (file === undefined) return undefined;
      const match = file.find([first, second, name, ...keys.slice(3)]);
      return match !== undefined && match.depth >= 3 ? formatMatch(file, match) : undefined;
    }
    if (section === 'tls' && second.toLowerCase() === 'certificates') {
      const certificate = typeof third === 'number' ? certificates[third] : undefined;
      if (certificate === undefined) return undefined;
      const match = certificate.file.find([first, second, certificate.index, ...keys.slice(3)]);
      return match !== undefined && match.depth >= 3 ? formatMatch(certificate.file, match) : undefined;
    }
  }
  for (const file of files) {
    const match = file.find(keys);
    if (match !== undefined && match.depth === keys.length) return formatMatch(file, match);
  }
  return undefined;
}

function formatMatch(file: ConfigFile, match: FileMatch | undefined): string | undefined {
  return match === undefined ? undefined : `${file.location}:${match.position.line}:${match.position.col}`;
}

function canonicalName(names: readonly string[], key: string): string | undefined {
  const lowered = key.toLowerCase();
  return names.find((name) => name.toLowerCase() === lowered);
}

function ensureMap(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = parent[key];
  if (Object.hasOwn(parent, key) && isPlainMap(existing)) return existing;
  const created: Record<string, unknown> = {};
  setOwn(parent, key, created);
  return created;
}

/** Sets an own property even for keys such as `__proto__`, which users may write as names. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
