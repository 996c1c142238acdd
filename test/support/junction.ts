import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { until } from './until.js';

/** The built command, as users run it. */
export const junctionBin = fileURLToPath(new URL('../../src/cli/junction.js', import.meta.url));

export interface JunctionProcess {
  readonly dir: string;
  readonly dynamicFile: string;
  readonly process: ChildProcess;
  /** Ports by placeholder name (`{{PORT_web}}` → ports.web). */
  readonly ports: Readonly<Record<string, number>>;
  /** `http://127.0.0.1:<port>` of an entryPoint or other placeholder name. */
  url(name: string): string;
  /** Everything the process wrote, stdout and stderr interleaved. */
  output(): string;
  /** Waits until the output matches `pattern` (searching from `from` characters on). */
  waitForOutput(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<void>;
  /** Rewrites the dynamic file atomically (write then rename), as editors and config tools do. */
  writeDynamic(text: string): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

export interface StartJunctionOptions {
  /** Static configuration YAML; `{{PORT_<name>}}`, `{{DYNAMIC_FILE}}` and `{{DATA_DIR}}` are filled in. */
  readonly static?: string;
  /** Dynamic configuration YAML for the file provider. */
  readonly dynamic?: string;
  /** Name of the dynamic file (its extension picks YAML or TOML). */
  readonly dynamicFileName?: string;
  /** Extra placeholder values. */
  readonly values?: Readonly<Record<string, string | number>>;
  /** Wait for the first configuration to be applied (default true). */
  readonly waitReady?: boolean;
  /** Command-line arguments; placeholders are filled in as in the static configuration. */
  readonly args?: readonly string[];
  /** Pass the static file with `--configFile` (default true); without it the arguments are the whole static configuration. */
  readonly configFile?: boolean;
  /** Output that tells the instance is ready (default: the first configuration applied; with workers: all listening). */
  readonly readyPattern?: RegExp;
  /** Extra environment variables (`OTEL_PROPAGATORS`, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the ready output (default 30 s: a loaded machine starts processes slowly). */
  readonly readyTimeoutMs?: number;
  /** Fills the working directory (`./plugins-local/`, ...) before Junction starts in it. */
  readonly prepare?: (dir: string) => Promise<void>;
}

/** Default static configuration: entryPoint web, ping on traefik, the file provider, no throttle. */
export const defaultStatic = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
ping: {}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

/** Replaces placeholders, picking a free port for each new `{{PORT_<name>}}`. */
export async function renderTemplate(text: string, ports: Record<string, number>, values: Readonly<Record<string, string | number>>): Promise<string> {
  for (const match of text.matchAll(/\{\{PORT_([A-Za-z0-9_-]+)\}\}/g)) {
    const name = match[1]!;
    ports[name] ??= await freePort();
  }
  return text.replace(/\{\{([A-Za-z0-9_.-]+)\}\}/g, (whole, key: string) => {
    if (key.startsWith('PORT_')) return String(ports[key.slice(5)]);
    const value = values[key];
    return value === undefined ? whole : String(value);
  });
}

/** Starts the built `junction` with a static and a dynamic file in a fresh directory; stopped after the test. */
/** Start-up is quick on a quiet machine; the bound only matters when several suites share the cores. */
const defaultReadyTimeoutMs = 30_000;

export async function startJunction(t: TestContext | undefined, options: StartJunctionOptions = {}): Promise<JunctionProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startJunctionOnce(t, options);
    } catch (error) {
      // Another test process can take a port between freePort() and Junction's listen: start again on others.
      if (attempt < 3 && /EADDRINUSE/.test((error as Error).message)) continue;
      throw error;
    }
  }
}

async function startJunctionOnce(t: TestContext | undefined, options: StartJunctionOptions): Promise<JunctionProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-test-'));
  const dynamicFile = join(dir, options.dynamicFileName ?? 'dynamic.yml');
  const ports: Record<string, number> = {};
  const values = { DYNAMIC_FILE: dynamicFile, DATA_DIR: dir, ...options.values };
  let staticText = await renderTemplate(options.static ?? defaultStatic, ports, values);
  if (!/^log:/m.test(staticText)) staticText += '\nlog:\n  level: DEBUG\n';
  const staticFile = join(dir, 'static.yml');
  await writeFile(staticFile, staticText);
  const writeDynamic = async (text: string): Promise<void> => {
    const rendered = await renderTemplate(text, ports, values);
    const temporary = `${dynamicFile}.${process.pid}.tmp`;
    await writeFile(temporary, rendered);
    await rename(temporary, dynamicFile);
  };
  if (options.dynamic !== undefined) await writeDynamic(options.dynamic);
  await options.prepare?.(dir);

  const args = await Promise.all((options.args ?? []).map((arg) => renderTemplate(arg, ports, values)));
  const child = spawn(process.execPath, [junctionBin, ...(options.configFile === false ? [] : [`--configFile=${staticFile}`]), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const handle: JunctionProcess = {
    dir,
    dynamicFile,
    process: child,
    ports,
    url: (name) => `http://127.0.0.1:${ports[name] ?? (() => { throw new Error(`no port named ${name}`); })()}`,
    output: () => output,
    async waitForOutput(pattern, waitOptions = {}) {
      await until(() => pattern.test(output.slice(waitOptions.from ?? 0)) || child.exitCode !== null, {
        timeoutMs: waitOptions.timeoutMs ?? 10_000,
        message: `output matching ${pattern}; output so far:\n${output}`,
      });
      if (!pattern.test(output.slice(waitOptions.from ?? 0))) throw new Error(`junction exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
    },
    writeDynamic,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited,
  };
  t?.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  const isMultiProcess = (options.args ?? []).some((arg) => /^--workers=(?!1$)/.test(arg));
  const readyPattern = options.readyPattern ?? (isMultiProcess ? /workers listening/ : /configuration applied/);
  if (options.waitReady !== false) {
    try {
      await handle.waitForOutput(readyPattern, { timeoutMs: options.readyTimeoutMs ?? defaultReadyTimeoutMs });
    } catch (error) {
      // Without a test context nothing else would stop it.
      if (t === undefined) await handle.stop('SIGKILL');
      throw error;
    }
  }
  return handle;
}
