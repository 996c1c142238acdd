import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FileProvider } from '../../../src/providers/file/file-provider.js';
import type { FileProviderOptions } from '../../../src/providers/file/file-provider.js';
import type { ProviderSnapshot } from '../../../src/providers/provider.js';

/** Creates a temporary directory removed after the test. */
export async function tempDir(t: TestContext): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'junction-file-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** Polls until the condition holds, failing with the description after the timeout. */
export async function until(condition: () => boolean, description: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Replaces a file the way editors and deploy tools do: write a temporary file beside it, then rename. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = join(path, '..', `.${Date.now()}-${Math.random().toString(16).slice(2)}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, path);
}

export interface RunningProvider {
  readonly snapshots: ProviderSnapshot[];
  readonly logs: string[];
  latest(): ProviderSnapshot;
  /** Resolves when a snapshot satisfying the check has been pushed, and returns it. */
  waitFor(check: (snapshot: ProviderSnapshot) => boolean, description: string): Promise<ProviderSnapshot>;
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/** Runs a file provider (watching, short debounce unless told) until the test ends. */
export async function startProvider(
  t: TestContext,
  options: Partial<FileProviderOptions> & Pick<FileProviderOptions, 'filename' | 'directory'>,
): Promise<RunningProvider> {
  const snapshots: ProviderSnapshot[] = [];
  const logs: string[] = [];
  const controller = new AbortController();
  const provider = new FileProvider(
    { watch: true, debounceMs: 20, reloadOnHangup: false, ...options },
    (level, message) => logs.push(`${level}: ${message}`),
  );
  const done = provider.run((snapshot) => snapshots.push(snapshot), controller.signal);
  const stop = async (): Promise<void> => {
    controller.abort();
    await done;
  };
  t.after(stop);
  await until(() => snapshots.length > 0, 'the initial snapshot');
  const latest = (): ProviderSnapshot => snapshots[snapshots.length - 1]!;
  return {
    snapshots,
    logs,
    latest,
    done,
    stop,
    async waitFor(check, description) {
      await until(() => snapshots.length > 0 && check(latest()), description);
      return latest();
    },
  };
}

/** Reads a nested value of a snapshot's configuration by keys. */
export function valueAt(snapshot: ProviderSnapshot, ...keys: Array<string | number>): unknown {
  let value: unknown = snapshot.config;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** Lists the error messages of a snapshot. */
export function messages(snapshot: ProviderSnapshot): string[] {
  return snapshot.errors.map((error) => error.message);
}

/** A small router definition in YAML. */
export function routerYaml(name: string, host: string): string {
  return `http:\n  routers:\n    ${name}:\n      rule: Host(\`${host}\`)\n      service: app\n`;
}
