import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { freePort } from '../support/ports.js';
import { until } from '../support/until.js';

/** A `junction` started with command-line flags only, as a container runs it. */
export interface JunctionCommand {
  /** Ports by entry point name, as the flags were rewritten to. */
  readonly ports: Readonly<Record<string, number>>;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * Rewrites `--entryPoints.<name>.address=:<port>[/tcp]` to a free port on the loopback address (the manifests'
 * ports may be taken on this machine), keeping the protocol suffix.
 */
export async function onFreePorts(args: readonly string[]): Promise<{ args: string[]; ports: Record<string, number> }> {
  const ports: Record<string, number> = {};
  const rewritten: string[] = [];
  for (const arg of args) {
    const match = /^--entry[pP]oints\.([^.=]+)\.address=:(\d+)(\/(?:tcp|udp))?$/.exec(arg);
    if (match === null) {
      rewritten.push(arg);
      continue;
    }
    const port = await freePort();
    ports[match[1]!] = port;
    rewritten.push(`--entryPoints.${match[1]!}.address=127.0.0.1:${port}${match[3] ?? ''}`);
  }
  return { args: rewritten, ports };
}

export interface StartCommandOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly ports: Readonly<Record<string, number>>;
  /** Runs the process as this user (the test runner must be root to switch). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** Starts the `junction` script `bin` with `args` and waits for its first configuration; killed after the test. */
export async function startJunctionCommand(t: TestContext, bin: string, args: readonly string[], options: StartCommandOptions): Promise<JunctionCommand> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd, env: { ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], ...options.user });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const command: JunctionCommand = {
    ports: options.ports,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      await until(() => pattern.test(output) || child.exitCode !== null, { timeoutMs, message: `output matching ${pattern}; output so far:\n${output}` });
      if (!pattern.test(output)) throw new Error(`junction exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
    },
  };
  await command.waitForOutput(/configuration applied/);
  return command;
}
