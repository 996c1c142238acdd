import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStaticConfig, type LoadedStaticConfig, type LoadStaticConfigOptions } from '../../../src/config/static/load.js';

/** The fixtures live beside the sources; tests run from dist/. */
export const fixturesDir = fileURLToPath(new URL('../../../../test/config/static/fixtures/', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'junction-static-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

/** Returns a new empty directory, removed when the tests end, so no configuration file is found by accident. */
export function emptyDir(): string {
  return mkdtempSync(join(root, 'case-'));
}

/** Loads with no system directories and an empty home and working directory unless told otherwise. */
export function load(argv: readonly string[], env: Record<string, string> = {}, options: Partial<LoadStaticConfigOptions> = {}): LoadedStaticConfig {
  const cwd = options.cwd ?? emptyDir();
  return loadStaticConfig({ argv, env, cwd, homeDir: options.homeDir ?? cwd, systemDirs: options.systemDirs ?? [] });
}

/** Loads and returns the error messages. */
export function errorsOf(argv: readonly string[], env: Record<string, string> = {}, options: Partial<LoadStaticConfigOptions> = {}): string[] {
  return load(argv, env, options).errors.map((error) => error.message);
}
