// Starting and stopping processes. Every process is started in its own process group and recorded, so
// that stopping it (or the whole harness: normal end, failure, Ctrl-C) also stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set();

let ownGroup;

/** Process groups of the benchmark: its own, and one per process it started and has not stopped. */
export function ownGroups() {
  if (ownGroup === undefined) {
    const text = readFileSync('/proc/self/stat', 'utf8');
    ownGroup = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[2]);
  }
  return new Set([ownGroup, ...[...running].map((child) => child.pid)]);
}

/** Kills every process group still running, at once; used on exit. */
export function killAll(signal = 'SIGKILL') {
  for (const child of running) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
  running.clear();
}

let cleanupInstalled = false;

/** Makes sure nothing started here outlives the harness. `onExit` runs once, synchronously. */
export function installCleanup(onExit) {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    killAll();
    onExit();
  };
  process.on('exit', finish);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping every process started by the benchmark\n`);
      finish();
      process.exit(130);
    });
  }
}

/** The command line with a CPU affinity, when one is given. */
function placed(command, args, cpus) {
  return cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

/**
 * Starts a long-running process in a new process group, with stdout and stderr appended to `logFile`.
 * `taskset` execs the command, so the returned pid is the command's own.
 */
export function startProcess({ command, args, cwd, env, logFile, cpus }) {
  const [file, argv] = placed(command, args, cpus);
  const log = openSync(logFile, 'a');
  const child = spawn(file, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  running.add(child);
  let exited;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.once('error', (error) => {
      exited = { code: null, signal: null, error };
      resolve(exited);
    });
  });
  return {
    pid: child.pid,
    logFile,
    /** undefined while running, else how it ended. */
    get exited() {
      return exited;
    },
    exit,
    /** Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 3000) {
      if (exited === undefined) {
        signalGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      // The leader may be gone while others of its group (workers) linger.
      signalGroup(child.pid, 'SIGKILL');
      running.delete(child);
    },
  };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is empty
  }
}

/** Runs a command to completion; returns its status and output. Never throws for a non-zero exit. */
export function runCommand(command, args, { cpus, timeoutMs, env } = {}) {
  const [file, argv] = placed(command, args, cpus);
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
}

/** Runs a command asynchronously in its own process group (so Ctrl-C cleanup reaches it). */
export function runAsync(command, args, { cpus, env } = {}) {
  const [file, argv] = placed(command, args, cpus);
  const child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => {
    child.once('error', (error) => {
      running.delete(child);
      resolve({ status: null, stdout, stderr, error });
    });
    child.once('close', (status) => {
      running.delete(child);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Whether a program is on the PATH. */
export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Direct child processes of `pid` (Junction's workers), in pid order. */
export function childPids(pid) {
  const pids = new Set();
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of text.split(/\s+/).filter(Boolean)) pids.add(Number(child));
    }
  } catch {
    // the process is gone, or /proc/<pid>/task/*/children is not available: ask pgrep
    const result = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    for (const line of (result.stdout ?? '').split('\n').filter(Boolean)) pids.add(Number(line));
  }
  return [...pids].sort((a, b) => a - b);
}

/** Resident set size of a process in MiB (VmRSS), or undefined when it is gone. */
export function rssMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
