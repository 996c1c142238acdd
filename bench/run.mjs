#!/usr/bin/env node
// Benchmarks Junction side by side with nginx, HAProxy, Caddy, node-http-proxy and @fastify/http-proxy.
// `npm run bench`; see bench/README.md for the scenarios, the settings (BENCH_* variables) and how to
// read the report.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureProgram } from './lib/install.mjs';
import { childPids, freePort, hasCommand, installCleanup, ownGroups, rssMiB, runCommand, sleep, startProcess } from './lib/processes.mjs';
import { BUSY_SHARE, foreignShare, snapshot, stealShare, waitForQuiet } from './lib/quiet.mjs';
import { waitReady } from './lib/probe.mjs';
import { detectNginxStream, proxies, proxyById, upstreamLauncher } from './lib/proxies.mjs';
import { buildReport, buildSoakReport, placementText } from './lib/report.mjs';
import { protocolOf, scenarios } from './lib/scenarios.mjs';
import { readSettings } from './lib/settings.mjs';
import { runWrk } from './lib/wrk.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const log = (message) => process.stderr.write(`${message}\n`);

/**
 * Where processes run (taskset CPU lists; undefined = anywhere). "split": wrk on CPU 0 and the upstream on
 * CPU 1, the proxy under test free on both — the same for every proxy. See bench/README.md for why.
 */
const placements = {
  split: { wrk: '0', upstream: '1', proxy: undefined },
  none: { wrk: undefined, upstream: undefined, proxy: undefined },
};

const UPSTREAM_WORKERS = 1;

async function main() {
  const settings = readSettings();
  const dir = mkdtempSync(join(tmpdir(), 'junction-bench-'));
  installCleanup(() => {
    if (settings.keepTemp) process.stderr.write(`temporary files kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  });

  // --- programs -------------------------------------------------------------------------------------
  const unavailable = new Map(); // proxy id → reason
  for (const program of ['wrk', 'nginx', 'openssl']) {
    const reason = ensureProgram(program, log);
    if (reason !== undefined) throw new Error(`${reason}; the benchmark cannot run without ${program}`);
  }
  for (const program of ['haproxy', 'caddy']) {
    const reason = ensureProgram(program, log);
    if (reason !== undefined) {
      log(`SKIPPING ${program}: ${reason}`);
      for (const proxy of proxies) if (proxy.programs?.includes(program)) unavailable.set(proxy.id, reason);
    }
  }
  const junctionDir = settings.junctionDir ? resolve(settings.junctionDir) : repo;
  let placementName = settings.pin;
  if (placementName !== 'none' && (ensureProgram('taskset', log) !== undefined || cpus().length < 2)) {
    log('taskset is not available or there is one CPU: running without CPU placement');
    placementName = 'none';
  }
  const placement = placements[placementName];
  for (const proxy of proxies) {
    for (const module of proxy.modules ?? []) {
      try {
        import.meta.resolve(module);
      } catch {
        unavailable.set(proxy.id, `the npm package ${module} is not installed (run npm install)`);
      }
    }
    if (proxy.isJunction && !existsSync(join(junctionDir, 'dist/src/cli/junction.js'))) {
      unavailable.set(proxy.id, `${join(junctionDir, 'dist/src/cli/junction.js')} is missing (run npm run build)`);
    }
  }
  for (const [id, reason] of unavailable) log(`SKIPPING ${id}: ${reason}`);

  // --- certificate, upstream --------------------------------------------------------------------------
  const cert = makeCertificate(dir);
  const upstreamDir = join(dir, 'upstream');
  mkdirSync(upstreamDir);
  const upstreamPort = await freePort();
  const upstream = await launch(upstreamLauncher({ dir: upstreamDir, port: upstreamPort, workers: UPSTREAM_WORKERS }), upstreamDir, placement.upstream);
  await waitReady(upstream, { protocol: 'http', port: upstreamPort }, { timeoutMs: 10_000, confirmations: 0 });
  const nginxStream = detectNginxStream(dir);
  if (!nginxStream.available) log(`nginx stream: ${nginxStream.reason}; nginx is skipped in TCP pass-through`);

  const environment = describeEnvironment(settings, placementName, placement, junctionDir);
  const junctionRoot = unavailable.has('junction') ? undefined : snapshotJunction(dir, junctionDir);
  const common = { settings, placement, upstreamPort, cert, nginxStream, dir, unavailable, junctionRoot };

  if (settings.soak !== undefined) {
    const soak = await runSoak(common);
    const text = buildSoakReport({ environment, soak, settings });
    finish(text, settings.output ?? join(repo, 'bench/results/soak.md'));
  } else {
    const measured = await runRounds(common);
    const text = buildReport({ environment, measured, settings, unavailable });
    const defaultOutput = settings.quick ? 'bench/results/quick.md' : 'bench/results/latest.md';
    finish(text, settings.output ?? join(repo, defaultOutput));
  }
  await upstream.stop();
}

function finish(text, output) {
  mkdirSync(join(output, '..'), { recursive: true });
  writeFileSync(output, text);
  process.stdout.write(text);
  log(`\nwritten to ${output}`);
}

/** Writes a launcher's files into `dir` and starts its command there. */
async function launch(launcher, dir, cpus) {
  for (const [name, content] of Object.entries(launcher.files ?? {})) writeFileSync(join(dir, name), content);
  return startProcess({ command: launcher.command, args: launcher.args, cwd: launcher.cwd ?? dir, env: launcher.env, logFile: join(dir, 'output.log'), cpus });
}

/**
 * Copies the built Junction (dist/src, package.json) into the temporary directory, so that a rebuild
 * during the benchmark does not change what is measured; node_modules is linked.
 */
function snapshotJunction(dir, junctionDir) {
  const root = join(dir, 'junction');
  cpSync(join(junctionDir, 'dist/src'), join(root, 'dist/src'), { recursive: true });
  cpSync(join(junctionDir, 'package.json'), join(root, 'package.json'));
  const modules = existsSync(join(junctionDir, 'node_modules')) ? join(junctionDir, 'node_modules') : join(repo, 'node_modules');
  symlinkSync(modules, join(root, 'node_modules'));
  return root;
}

/** A self-signed certificate for bench.test, *.bench.test and 127.0.0.1. */
function makeCertificate(dir) {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const pemFile = join(dir, 'cert-and-key.pem');
  const result = runCommand('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=bench.test',
    '-addext', 'subjectAltName=DNS:bench.test,DNS:*.bench.test,IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile,
  ]);
  if (result.status !== 0) throw new Error(`openssl could not make a certificate: ${result.stderr}`);
  writeFileSync(pemFile, readFileSync(certFile, 'utf8') + readFileSync(keyFile, 'utf8'));
  return { certFile, keyFile, pemFile };
}

const subjectKey = (subject) => `${subject.proxy}:${subject.mode}`;
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/** Runs every round: each scenario, each subject in an order rotated by one every round. */
async function runRounds(common) {
  const { settings } = common;
  const measured = { scenarios: [], cells: new Map(), skipped: new Map(), failures: [] };
  const chosen = scenarios.filter((scenario) => settings.only === undefined || settings.only.includes(scenario.id));
  for (const scenario of chosen) {
    const subjects = scenario.subjects.filter((subject) => settings.proxies === undefined || settings.proxies.includes(subject.proxy));
    measured.scenarios.push({ ...scenario, subjects });
  }
  const perRound = measured.scenarios.reduce((sum, s) => sum + s.subjects.length * s.connections.length, 0);
  log(`${settings.rounds} round(s) of ${perRound} runs, ${settings.duration} s each after ${settings.warmup} s of warm-up`);
  for (let round = 0; round < settings.rounds; round++) {
    for (const scenario of measured.scenarios) {
      for (const subject of rotate(scenario.subjects, round)) {
        await runSubject(common, measured, scenario, subject, round);
      }
    }
  }
  return measured;
}

/** Starts one proxy in one mode, measures it at each of the scenario's connection counts, stops it. */
async function runSubject(common, measured, scenario, subject, round) {
  const { settings, placement, dir, unavailable } = common;
  const proxy = proxyById.get(subject.proxy);
  const key = `${scenario.id}|${subjectKey(subject)}`;
  const name = `${scenario.id} / ${proxy.label}${subject.variant ? ` (${subject.variant})` : ''}`;
  if (unavailable.has(proxy.id)) return void measured.skipped.set(key, unavailable.get(proxy.id));
  const launcherOf = proxy.modes[subject.mode];
  if (launcherOf === undefined) return void measured.skipped.set(key, `no ${subject.mode} mode`);

  const runDir = join(dir, `r${round + 1}-${scenario.id}-${proxy.id}-${subject.mode}`);
  mkdirSync(runDir);
  const port = await freePort();
  const launcher = launcherOf({ ...common, dir: runDir, port });
  if (launcher.unsupported !== undefined) return void measured.skipped.set(key, launcher.unsupported);

  log(`round ${round + 1}: ${name}`);
  await waitForQuiet(ownGroups, { log, maxWaitMs: settings.quietWait * 1000 });
  const request = { protocol: protocolOf(subject.mode), port, ...launcher.request };
  const url = `${request.protocol}://127.0.0.1:${port}${request.path ?? '/'}`;
  const handle = await launch(launcher, runDir, placement.proxy);
  try {
    await waitReady(handle, request, { expectHeader: request.expectHeader });
    const workers = launcher.workers > 1 ? await waitForWorkers(handle.pid, launcher.workers) : [];
    for (const connections of scenario.connections) {
      const wrk = { url, connections, host: request.host, cpus: placement.wrk };
      // A run during which other processes used the CPUs is measured again, after the machine is quiet.
      let attempt = 0;
      let run;
      for (;;) {
        await runWrk({ ...wrk, seconds: settings.warmup });
        const sampler = proxy.isJunction ? sampleMemoryLater(handle.pid, settings.duration * 0.9) : undefined;
        const before = snapshot(ownGroups);
        const figures = await runWrk({ ...wrk, seconds: settings.duration });
        const after = snapshot(ownGroups);
        const foreign = foreignShare(before, after);
        const steal = stealShare(before, after);
        run = { round, ...figures, memory: await sampler, foreign, steal, attempts: attempt + 1 };
        if (handle.exited !== undefined) throw new Error(`exited during the run: ${handle.exited.code ?? handle.exited.signal}`);
        if ((foreign < BUSY_SHARE && steal < BUSY_SHARE) || attempt >= settings.retries) break;
        attempt++;
        log(`  c=${connections}: ${disturbance(run)} during the run (${run.rps.toFixed(0)} req/s); measuring again (${attempt}/${settings.retries})`);
        await sleep(5000); // steal comes in bursts; give one time to pass
        await waitForQuiet(ownGroups, { log, maxWaitMs: settings.quietWait * 1000 });
      }
      const cellKey = `${key}|${connections}`;
      const cell = measured.cells.get(cellKey) ?? { runs: [], workersFound: [] };
      cell.runs.push(run);
      if (launcher.workers > 1) cell.workersFound.push(workers.length);
      measured.cells.set(cellKey, cell);
      const errors = run.non2xx + run.socketErrors;
      log(`  c=${connections}: ${run.rps.toFixed(0)} req/s, p50 ${run.p50?.toFixed(2)} ms, p99 ${run.p99?.toFixed(2)} ms${errors ? `, ${errors} errors` : ''}${run.foreign >= BUSY_SHARE || run.steal >= BUSY_SHARE ? `, ${disturbance(run)}` : ''}${run.memory ? `, RSS ${describeMemory(run.memory)}` : ''}`);
    }
  } catch (error) {
    log(`  FAILED: ${error.message}`);
    measured.failures.push({ key, round, name, message: error.message });
  } finally {
    await handle.stop();
  }
  await sleep(300);
}

function disturbance(run) {
  return `other processes used ${(run.foreign * 100).toFixed(0)} % CPU, steal ${(run.steal * 100).toFixed(0)} %`;
}

/** Waits (up to 15 s) for `count` child processes; returns the pids found (empty when workers are not in effect). */
async function waitForWorkers(pid, count) {
  const deadline = Date.now() + 15_000;
  let found = childPids(pid);
  while (found.length < count && Date.now() < deadline) {
    await sleep(100);
    found = childPids(pid);
  }
  if (found.length < count) log(`  note: ${found.length} worker process(es) found under pid ${pid}, expected ${count}`);
  return found;
}

/** VmRSS of the process and of its children (the workers), `seconds` from now. */
async function sampleMemoryLater(pid, seconds) {
  await sleep(seconds * 1000);
  return sampleMemory(pid);
}

function sampleMemory(pid) {
  return { primary: rssMiB(pid), workers: childPids(pid).map((child) => ({ pid: child, rss: rssMiB(child) })) };
}

function describeMemory(memory) {
  const workers = memory.workers.map((worker) => `${worker.rss?.toFixed(1)}`).join(' / ');
  return workers ? `workers ${workers} MiB, primary ${memory.primary?.toFixed(1)} MiB` : `${memory.primary?.toFixed(1)} MiB`;
}

/** Soak: Junction --workers=2, realistic table, c=200 for BENCH_SOAK; RSS of every worker over time. */
async function runSoak(common) {
  const { settings, placement, dir, unavailable } = common;
  const proxy = proxyById.get('junction');
  if (unavailable.has(proxy.id)) throw new Error(`Junction cannot run: ${unavailable.get(proxy.id)}`);
  const runDir = join(dir, 'soak');
  mkdirSync(runDir);
  const port = await freePort();
  const launcher = proxy.modes.realistic({ ...common, dir: runDir, port });
  const request = { protocol: 'http', port, ...launcher.request };
  const handle = await launch(launcher, runDir, placement.proxy);
  try {
    await waitReady(handle, request);
    const workers = await waitForWorkers(handle.pid, launcher.workers);
    const samples = [{ at: 0, label: 'idle, before load', ...sampleMemory(handle.pid) }];
    log(`soak: Junction --workers=${launcher.workers} (${workers.length} worker processes found), c=200 for ${settings.soak} s`);
    await waitForQuiet(ownGroups, { log, maxWaitMs: settings.quietWait * 1000 });
    const before = snapshot(ownGroups);
    const wrk = runWrk({ url: `http://127.0.0.1:${port}${request.path}`, host: request.host, connections: 200, seconds: settings.soak, cpus: placement.wrk });
    const started = Date.now();
    const every = Math.min(30, Math.max(1, settings.soak / 10));
    const times = [Math.min(5, settings.soak * 0.1)];
    for (let t = every; t < settings.soak - 1; t += every) if (t > times[0]) times.push(t);
    times.push(Math.max(times.at(-1) + 0.5, settings.soak - 1));
    for (const t of times) {
      await sleep(Math.max(0, started + t * 1000 - Date.now()));
      const sample = { at: t, ...sampleMemory(handle.pid) };
      samples.push(sample);
      log(`  ${t.toFixed(0)} s: ${describeMemory(sample)}`);
    }
    samples[1].label = 'start of load';
    samples.at(-1).label = 'end of load';
    const figures = await wrk;
    const after = snapshot(ownGroups);
    return { samples, figures, foreign: foreignShare(before, after), steal: stealShare(before, after), workersExpected: launcher.workers, workersFound: workers.length };
  } finally {
    await handle.stop();
  }
}

function version(command, args, pattern) {
  if (!hasCommand(command)) return 'not installed';
  const result = runCommand(command, args);
  const match = pattern.exec(`${result.stdout}\n${result.stderr}`);
  return match === null ? 'unknown' : match[1];
}

function describeEnvironment(settings, placementName, placement, junctionDir) {
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  const commit = runCommand('git', ['-C', junctionDir, 'rev-parse', '--short', 'HEAD']).stdout.trim() || 'unknown';
  const dirty = runCommand('git', ['-C', junctionDir, 'status', '--porcelain', '--', 'src']).stdout.trim() !== '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${cpuModel}, ${cpus().length} CPUs, Linux ${kernel}`,
    versions: {
      Node: process.version,
      nginx: version('nginx', ['-v'], /nginx\/(\S+)/),
      HAProxy: version('haproxy', ['-v'], /version (\S+)/),
      Caddy: version('caddy', ['version'], /^v?(\S+)/m),
      wrk: version('wrk', ['-v'], /wrk (\S+)/),
      OpenSSL: version('openssl', ['version'], /OpenSSL (\S+)/),
      'node-http-proxy': packageVersion('http-proxy'),
      '@fastify/http-proxy': packageVersion('@fastify/http-proxy'),
      fastify: packageVersion('fastify'),
    },
    junction: `commit ${commit}${dirty ? ' with uncommitted changes in src/' : ''}${junctionDir === repo ? '' : ` (checkout in BENCH_JUNCTION_DIR=${junctionDir})`}; dist/ as built when the benchmark started (copied, so a rebuild meanwhile does not change it)`,
    placementName,
    placement: placementText(placementName, placement),
    upstreamWorkers: UPSTREAM_WORKERS,
  };
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
