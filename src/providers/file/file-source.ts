import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError, quote } from '../../config/errors.js';
import type { ProviderSnapshot } from '../provider.js';
import { formatOf, parseConfigText } from './config-text.js';
import type { ConfigFormat } from './config-text.js';
import { mergeConfigFiles } from './merge.js';
import type { ConfigFile } from './merge.js';
import type { WatchTarget } from './watch-set.js';

/** Where the file provider reads: one file, or every supported file under a directory. */
export interface FileSourceOptions {
  readonly filename?: string | undefined;
  readonly directory?: string | undefined;
}

export type FileLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** One complete read: the snapshot to push, a fingerprint to tell whether it changed, and what to watch. */
export interface SourceState {
  readonly snapshot: ProviderSnapshot;
  readonly fingerprint: string;
  readonly watchTargets: readonly WatchTarget[];
}

type LoadOutcome =
  | { readonly kind: 'parsed'; readonly file: ConfigFile; readonly warnings: readonly string[] }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'unreadable'; readonly code: string | undefined; readonly reason: string };

/**
 * Reads the configured file or directory and keeps, for each file, its last content that parsed: a file that
 * stops parsing (a half-finished edit) is reported and its previous content stays in the snapshot.
 */
export class FileSource {
  readonly #options: FileSourceOptions;
  readonly #log: FileLog;
  #lastGood = new Map<string, ConfigFile>();
  #warnings = new Set<string>();

  constructor(options: FileSourceOptions, log: FileLog) {
    this.#options = options;
    this.#log = log;
  }

  /** Reads everything again; never rejects for file system faults, which become snapshot errors. */
  async read(): Promise<SourceState> {
    const { directory, filename } = this.#options;
    // Traefik reads the directory when both are set.
    if (directory !== undefined && directory !== '') return this.#readDirectory(directory);
    if (filename !== undefined && filename !== '') return this.#readFilename(filename);
    return this.#finish([], [new ConfigError('providers.file', 'neither "filename" nor "directory" is set')], []);
  }

  async #readFilename(filename: string): Promise<SourceState> {
    const format = formatOf(filename);
    if (format === undefined) {
      const reason = `${filename}: unsupported file extension ${quote(extname(filename))}; expected .yml, .yaml or .toml`;
      return this.#finish([], [new ConfigError('', reason)], []);
    }
    const absolute = resolve(filename);
    const name = basename(absolute);
    // Editors and Kubernetes replace files by renaming (`..data` is the ConfigMap's switch), so the directory is watched.
    const watchTargets: WatchTarget[] = [
      { directory: dirname(absolute), accepts: (event) => event === null || event === name || event.startsWith('..') },
    ];
    const real = await realpath(absolute).catch(() => undefined);
    if (real !== undefined && dirname(real) !== dirname(absolute)) {
      const realName = basename(real);
      watchTargets.push({ directory: dirname(real), accepts: (event) => event === null || event === realName });
    }

    const errors: ConfigError[] = [];
    const outcome = await this.#load(absolute, filename, filename, format);
    const file = this.#settle(filename, outcome, errors, true);
    this.#lastGood = new Map(file === undefined ? [] : [[filename, file]]);
    return this.#finish(file === undefined ? [] : [file], errors, watchTargets);
  }

  async #readDirectory(directory: string): Promise<SourceState> {
    const root = resolve(directory);
    const errors: ConfigError[] = [];
    const listing: Listing = { files: [], directories: [], unreadable: [] };
    await this.#walk(directory, root, '', listing, errors);

    const watchTargets: WatchTarget[] = [];
    // The parent is watched too, so a directory renamed away and replaced is followed.
    if (dirname(root) !== root) {
      const rootName = basename(root);
      watchTargets.push({ directory: dirname(root), accepts: (event) => event === null || event === rootName });
    }
    for (const watched of listing.directories) watchTargets.push({ directory: watched, accepts: isRelevantEntry });

    const outcomes = await Promise.all(
      listing.files.map(async (entry) => ({
        name: entry.name,
        outcome: await this.#load(entry.absolute, entry.name, join(directory, entry.name), entry.format),
      })),
    );
    const kept = new Map<string, ConfigFile>();
    for (const { name, outcome } of outcomes) {
      const file = this.#settle(name, outcome, errors, false);
      if (file !== undefined) kept.set(name, file);
    }
    // Files under a directory that could not be listed keep their last content.
    for (const [name, file] of this.#lastGood) {
      if (kept.has(name)) continue;
      if (listing.unreadable.some((prefix) => prefix === '' || name.startsWith(`${prefix}/`))) kept.set(name, file);
    }
    this.#lastGood = kept;
    const files = [...kept.values()].sort((a, b) => compareRelativePaths(a.name, b.name));
    return this.#finish(files, errors, watchTargets);
  }

  /** Lists supported files depth first in name order, as Traefik reads a directory; hidden entries are skipped. */
  async #walk(directory: string, absolute: string, prefix: string, listing: Listing, errors: ConfigError[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(absolute, { withFileTypes: true });
    } catch (cause) {
      listing.unreadable.push(prefix);
      errors.push(new ConfigError('', `${prefix === '' ? directory : join(directory, prefix)}: ${describeIoError(cause)}`));
      return;
    }
    listing.directories.push(absolute);
    entries.sort((a, b) => compareNames(a.name, b.name));
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const name = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      const entryPath = join(absolute, entry.name);
      if (entry.isDirectory()) {
        await this.#walk(directory, entryPath, name, listing, errors);
        continue;
      }
      // Symbolic links are read as files (Kubernetes mounts ConfigMap keys so); linked directories are not entered.
      const format = formatOf(entry.name);
      if (format !== undefined) listing.files.push({ name, absolute: entryPath, format });
    }
  }

  async #load(absolute: string, name: string, location: string, format: ConfigFormat): Promise<LoadOutcome> {
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (cause) {
      return { kind: 'unreadable', code: errorCode(cause), reason: `${location}: ${describeIoError(cause)}` };
    }
    const parsed = parseConfigText(text, format);
    if (!parsed.ok) {
      const where = parsed.position === undefined ? location : `${location}:${parsed.position.line}:${parsed.position.col}`;
      return { kind: 'invalid', reason: `${where}: ${parsed.reason}` };
    }
    const { content, find, warnings } = parsed.file;
    return { kind: 'parsed', file: { name, location, content, find }, warnings };
  }

  /** Picks the content a file contributes: what was just read, or its last good content when reading failed. */
  #settle(name: string, outcome: LoadOutcome, errors: ConfigError[], isConfiguredFile: boolean): ConfigFile | undefined {
    if (outcome.kind === 'parsed') {
      for (const warning of outcome.warnings) this.#warn(`${outcome.file.location}: ${warning}`);
      return outcome.file;
    }
    // A file listed a moment ago and gone now was deleted: it no longer contributes.
    if (outcome.kind === 'unreadable' && outcome.code === 'ENOENT' && !isConfiguredFile) return undefined;
    errors.push(new ConfigError('', outcome.reason));
    return this.#lastGood.get(name);
  }

  #warn(message: string): void {
    if (this.#warnings.has(message)) return;
    this.#warnings.add(message);
    this.#log('warn', message);
  }

  #finish(files: readonly ConfigFile[], errors: readonly ConfigError[], watchTargets: readonly WatchTarget[]): SourceState {
    const merged = mergeConfigFiles(files, (message) => this.#warn(message));
    const allErrors = [...errors, ...merged.errors];
    const config = structuredClone(merged.config);
    return {
      snapshot: { config, errors: allErrors, locate: merged.locate },
      fingerprint: JSON.stringify([config, allErrors.map((error) => error.message)]),
      watchTargets,
    };
  }
}

interface Listing {
  readonly files: Array<{ readonly name: string; readonly absolute: string; readonly format: ConfigFormat }>;
  readonly directories: string[];
  /** Relative paths of directories that could not be listed (`''` for the directory itself). */
  readonly unreadable: string[];
}

/** Dotfiles and dot-directories are skipped: editors' temporary files and Kubernetes' `..data` copies live there. */
function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/** Tells whether a change to a directory entry may change the configuration (`..data` is Kubernetes' switch). */
function isRelevantEntry(name: string | null): boolean {
  return name === null || !isHidden(name) || name.startsWith('..');
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders relative paths as a depth-first walk in name order visits them. */
function compareRelativePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const order = compareNames(left[index]!, right[index]!);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function errorCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Describes a file system fault in words, without Node's code prefix and repeated path. */
export function describeIoError(cause: unknown): string {
  switch (errorCode(cause)) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}
