import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Fixtures stay in the source tree; tests run from dist/test/rules/ as well as from test/rules/.
const candidates = ['../fixtures/', '../../../../test/rules/fixtures/'].map((relative) => new URL(relative, import.meta.url));

/** Reads a JSON fixture of test/rules/fixtures/. */
export function readFixture<T>(name: string): T {
  for (const directory of candidates) {
    const path = fileURLToPath(new URL(name, directory));
    if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as T;
  }
  throw new Error(`fixture ${name} not found`);
}
