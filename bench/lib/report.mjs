// The Markdown report: results table, ratios, targets, memory, what was skipped.
import { proxies, proxyById } from './proxies.mjs';

export function placementText(name, placement) {
  if (name === 'none') return 'no pinning: wrk, the upstream and the proxy are placed by the kernel on both CPUs (BENCH_PIN=none).';
  return `wrk pinned to CPU ${placement.wrk}, the upstream nginx pinned to CPU ${placement.upstream}, the proxy under test (all its processes/threads) free on both CPUs — the same placement for every proxy (BENCH_PIN=split).`;
}

import { BUSY_SHARE as BUSY } from './quiet.mjs';

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const fmtRps = (v) => (v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const fmtMs = (v) => (v === undefined ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const fmtRatio = (v) => (v === undefined ? '—' : `${v.toFixed(2)}×`);
const fmtMiB = (v) => (v === undefined ? '?' : `${v.toFixed(1)} MiB`);

/** Median figures of one cell (scenario, subject, connections), or undefined when it never ran. */
function summarize(cell) {
  if (cell === undefined || cell.runs.length === 0) return undefined;
  const rps = cell.runs.map((run) => run.rps);
  const m = median(rps);
  return {
    rps: m,
    p50: median(cell.runs.map((run) => run.p50)),
    p99: median(cell.runs.map((run) => run.p99)),
    spread: m ? (Math.max(...rps) - Math.min(...rps)) / m : 0,
    rounds: cell.runs.length,
    errors: cell.runs.reduce((sum, run) => sum + run.non2xx + run.socketErrors, 0),
    workersFound: cell.workersFound,
    foreign: Math.max(...cell.runs.map((run) => run.foreign ?? 0)),
    steal: Math.max(...cell.runs.map((run) => run.steal ?? 0)),
    memory: cell.runs.map((run) => run.memory).filter(Boolean),
  };
}

export function buildReport({ environment, measured, settings, unavailable }) {
  const get = (scenarioId, proxy, mode, connections) => summarize(measured.cells.get(`${scenarioId}|${proxy}:${mode}|${connections}`));
  /** The nginx and Caddy figures a row is compared with: same scenario, else plain HTTP at the same c. */
  const reference = (scenarioId, proxy, mode, connections) => {
    const scenario = ['http', 'https', 'tcp'].includes(scenarioId) ? scenarioId : 'http';
    const refMode = scenario === 'http' ? 'http' : mode;
    return get(scenario, proxy, refMode, connections);
  };
  const lines = [];
  const out = (line = '') => lines.push(line);

  out(`# Junction benchmark`);
  out();
  out(`- Date: ${environment.date}${settings.quick ? ' — QUICK SMOKE RUN (BENCH_QUICK=1), not for comparison' : ''}`);
  out(`- Machine: ${environment.machine}`);
  out(`- Versions: ${Object.entries(environment.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out(`- Junction: ${environment.junction}`);
  out(`- Method: ${settings.rounds} round(s); every round runs every proxy once per scenario, in an order rotated by one each round; each run is \`wrk -t1 -c<c> -d${Math.round(settings.duration)}s --latency\` after a ${Math.round(settings.warmup)} s warm-up at the same c, on a freshly started proxy; figures are medians over rounds, spread = (max − min) / median of req/s. A run during which processes outside the benchmark used ≥ ${BUSY * 100} % of the CPUs, or the hypervisor stole ≥ ${BUSY * 100} % of the CPU time, is measured again after the machine is quiet (up to ${settings.retries} times).`);
  out(`- Upstream: one nginx (worker_processes ${environment.upstreamWorkers}) on 127.0.0.1 answering 200 with a 100-byte body; keep-alive, access log off.`);
  out(`- CPU placement: ${environment.placement}`);
  out(`- Processes: ${proxies.map((p) => `${p.label}: ${p.processes}`).join('; ')}.`);
  out();

  const warnings = [];
  for (const scenario of measured.scenarios) {
    for (const subject of scenario.subjects) {
      for (const c of scenario.connections) {
        const found = get(scenario.id, subject.proxy, subject.mode, c)?.workersFound ?? [];
        if (found.some((n) => n < 2)) warnings.push(`${scenario.title} / ${proxyById.get(subject.proxy).label} c=${c}: --workers=2 was passed but ${Math.min(...found)} worker process(es) were found; it ran as a single process.`);
      }
    }
  }
  const busyRuns = [...measured.cells.values()].flatMap((cell) => cell.runs).filter((run) => (run.foreign ?? 0) >= BUSY || (run.steal ?? 0) >= BUSY).length;
  if (busyRuns > 0) {
    out(`> **Warning:** in ${busyRuns} run(s) processes outside the benchmark used ≥ ${BUSY * 100} % of the CPUs, or the hypervisor stole ≥ ${BUSY * 100} % of the CPU time, even after ${settings.retries} new attempts (see notes); those figures are less reliable.`);
    out();
  }
  if (warnings.length > 0) {
    out('> **Warning:** Junction\'s `--workers=2` was not in effect in some runs (no worker processes found):');
    for (const warning of [...new Set(warnings)]) out(`> - ${warning}`);
    out();
  }

  out('## Results');
  out();
  out('| Scenario | Proxy | Processes | c | req/s | p50 ms | p99 ms | × nginx | × Caddy | spread | notes |');
  out('|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const scenario of measured.scenarios) {
    for (const subject of scenario.subjects) {
      const proxy = proxyById.get(subject.proxy);
      const label = `${proxy.label}${subject.variant ? `, ${subject.variant}` : ''}`;
      const skipped = measured.skipped.get(`${scenario.id}|${subject.proxy}:${subject.mode}`);
      for (const c of scenario.connections) {
        const row = get(scenario.id, subject.proxy, subject.mode, c);
        if (row === undefined) {
          const failed = measured.failures.filter((f) => f.key === `${scenario.id}|${subject.proxy}:${subject.mode}`);
          const why = skipped ?? (failed.length > 0 ? `failed: ${failed[0].message.split('\n')[0].slice(0, 160)}` : 'not run');
          out(`| ${scenario.title} | ${label} | ${proxy.processes} | ${c} | n/a (${why}) | | | | | | |`);
          continue;
        }
        const nginx = reference(scenario.id, 'nginx', subject.mode, c);
        const caddy = reference(scenario.id, 'caddy', subject.mode, c);
        const notes = [];
        if (row.rounds < settings.rounds) notes.push(`${row.rounds}/${settings.rounds} rounds`);
        if (row.errors > 0) notes.push(`${row.errors} non-2xx/socket errors`);
        if (row.workersFound.some((n) => n < 2)) notes.push('ran as 1 process');
        if (row.foreign >= BUSY) notes.push(`busy machine: other processes used up to ${(row.foreign * 100).toFixed(0)} % CPU`);
        if (row.steal >= BUSY) notes.push(`steal time up to ${(row.steal * 100).toFixed(0)} %`);
        const baseline = baselineOf(scenario.id, subject);
        if (baseline !== undefined) {
          const base = get(baseline.scenario, baseline.proxy, baseline.mode, c);
          if (base?.rps) notes.push(`${fmtRatio(row.rps / base.rps)} of ${baseline.label}`);
        }
        const processes = row.workersFound.some((n) => n < 2) ? `${proxy.processes} (not in effect)` : proxy.processes;
        out(`| ${scenario.title} | ${label} | ${processes} | ${c} | ${fmtRps(row.rps)} | ${fmtMs(row.p50)} | ${fmtMs(row.p99)} | ${nginx?.rps ? fmtRatio(row.rps / nginx.rps) : '—'} | ${caddy?.rps ? fmtRatio(row.rps / caddy.rps) : '—'} | ${(row.spread * 100).toFixed(1)} % | ${notes.join('; ')} |`);
      }
    }
  }
  out();
  out('× nginx and × Caddy compare req/s with nginx and Caddy in the same scenario of this run; Junction-only scenarios (4–6) are compared with nginx and Caddy in scenario 1 at the same c.');
  out();

  out('## Targets (from the issue)');
  out();
  out('Headline Junction figure: scenario 5 (100 routers, forwarded headers, `--workers=2`).');
  out();
  out('| Target | Measured | Result |');
  out('|---|---|---|');
  for (const c of measured.scenarios.find((s) => s.id === 'realistic')?.connections ?? []) {
    const junction = get('realistic', 'junction', 'realistic', c);
    const caddy = get('http', 'caddy', 'http', c);
    const nginx = get('http', 'nginx', 'http', c);
    const nodeHttpProxy = get('http', 'node-http-proxy', 'http', c);
    target(out, `req/s ≥ 1.5× Caddy (c=${c})`, ratioCheck(junction, caddy, 1.5));
    target(out, `req/s ≥ 0.5× nginx (c=${c})`, ratioCheck(junction, nginx, 0.5));
    target(out, `p99 ≤ Caddy p99 (c=${c})`, junction?.p99 !== undefined && caddy?.p99 !== undefined ? { text: `${fmtMs(junction.p99)} ms vs ${fmtMs(caddy.p99)} ms`, met: junction.p99 <= caddy.p99 } : undefined);
    target(out, `req/s ≥ 3× node-http-proxy (c=${c})`, ratioCheck(junction, nodeHttpProxy, 3));
  }
  for (const c of measured.scenarios.find((s) => s.id === 'routes')?.connections ?? []) {
    const one = get('routes', 'junction', 'routes-1', c);
    const many = get('routes', 'junction', 'routes-10k', c);
    target(out, `10 000 Host routers cost ≤ 10 % of req/s vs 1 router (c=${c})`, one?.rps && many?.rps ? { text: `${(((one.rps - many.rps) / one.rps) * 100).toFixed(1)} % (${fmtRps(many.rps)} vs ${fmtRps(one.rps)} req/s)`, met: (one.rps - many.rps) / one.rps <= 0.1 } : undefined);
  }
  for (const c of measured.scenarios.find((s) => s.id === 'tcp')?.connections ?? []) {
    target(out, `TCP pass-through ≥ 0.9× HAProxy tcp (c=${c})`, ratioCheck(get('tcp', 'junction', 'tcp', c), get('tcp', 'haproxy', 'tcp', c), 0.9), measured.skipped.get('tcp|junction:tcp'));
  }
  for (const c of measured.scenarios.find((s) => s.id === 'https')?.connections ?? []) {
    target(out, `HTTPS ≥ 1.2× Caddy (c=${c})`, ratioCheck(get('https', 'junction', 'https', c), get('https', 'caddy', 'https', c), 1.2), measured.skipped.get('https|junction:https'));
  }
  out();

  out('## Memory');
  out();
  const memoryLine = (title, row, expectsWorkers) => {
    if (row === undefined || row.memory.length === 0) return out(`- ${title}: not measured`);
    const counts = row.memory.map((m) => m.workers.length);
    if (Math.max(...counts) === 0) {
      const what = expectsWorkers ? 'no worker processes found: `--workers=2` was not in effect' : 'single process';
      return out(`- ${title}: ${fmtMiB(median(row.memory.map((m) => m.primary)))} (${what})`);
    }
    const workerCount = Math.max(...counts);
    const perWorker = [];
    for (let i = 0; i < workerCount; i++) perWorker.push(median(row.memory.map((m) => m.workers[i]?.rss)));
    out(`- ${title}: one worker ${fmtMiB(median(row.memory.flatMap((m) => m.workers.map((w) => w.rss))))} (each worker: ${perWorker.map(fmtMiB).join(', ')}); primary process ${fmtMiB(median(row.memory.map((m) => m.primary)))}`);
  };
  out('VmRSS from /proc/<pid>/status at 90 % of each measured run, median over rounds; workers are the child processes of the `junction` process.');
  out();
  memoryLine('Junction `--workers=2`, scenario 1, c=200', get('http', 'junction', 'http', 200), true);
  memoryLine('Junction 1 process, scenario 1, c=200', get('http', 'junction-1w', 'http', 200), false);
  memoryLine('Junction `--workers=2`, 10 000 routers, c=50', get('routes', 'junction', 'routes-10k', 50), true);
  out();
  out('A long run (`BENCH_SOAK=300s npm run bench`) reports start and end RSS of each worker in bench/results/soak.md.');
  out();

  const skipped = [...unavailable].map(([id, reason]) => `- ${proxyById.get(id).label}: ${reason}`);
  for (const [key, reason] of measured.skipped) {
    const [scenarioId, subject] = key.split('|');
    const [proxyId] = subject.split(':');
    if (unavailable.has(proxyId)) continue;
    skipped.push(`- ${measured.scenarios.find((s) => s.id === scenarioId)?.title} / ${proxyById.get(proxyId).label}: ${reason}`);
  }
  for (const failure of measured.failures) skipped.push(`- round ${failure.round + 1}, ${failure.name}: failed — ${failure.message.split('\n')[0].slice(0, 300)}`);
  if (skipped.length > 0) {
    out('## Skipped or failed');
    out();
    for (const line of skipped) out(line);
    out();
  }
  return `${lines.join('\n')}\n`;
}

/** The row a Junction-only figure is compared with, in its notes. */
function baselineOf(scenarioId, subject) {
  if (subject.mode === 'routes-10k') return { scenario: 'routes', proxy: 'junction', mode: 'routes-1', label: '1 router' };
  if (subject.mode === 'realistic' || subject.mode === 'middlewares') return { scenario: 'http', proxy: 'junction', mode: 'http', label: 'Junction 1 router (scenario 1)' };
  if (subject.proxy === 'junction-1w' && scenarioId === 'http') return { scenario: 'http', proxy: 'junction', mode: 'http', label: 'Junction --workers=2' };
  return undefined;
}

function ratioCheck(subject, reference, factor) {
  if (!subject?.rps || !reference?.rps) return undefined;
  const ratio = subject.rps / reference.rps;
  return { text: `${fmtRatio(ratio)} (${fmtRps(subject.rps)} vs ${fmtRps(reference.rps)} req/s)`, met: ratio >= factor };
}

function target(out, title, check, skipReason) {
  if (check === undefined) out(`| ${title} | n/a${skipReason ? ` (Junction: ${skipReason})` : ''} | not measured |`);
  else out(`| ${title} | ${check.text} | ${check.met ? '**met**' : '**missed**'} |`);
}

export function buildSoakReport({ environment, soak, settings }) {
  const lines = [];
  const out = (line = '') => lines.push(line);
  out('# Junction soak');
  out();
  out(`- Date: ${environment.date}`);
  out(`- Machine: ${environment.machine}; Node ${environment.versions.Node}`);
  out(`- Junction: ${environment.junction}; \`--workers=${soak.workersExpected}\` (${soak.workersFound} worker processes found); scenario 5 configuration (100 routers)`);
  out(`- Load: \`wrk -t1 -c200 -d${Math.round(settings.soak)}s\`: ${fmtRps(soak.figures.rps)} req/s, p50 ${fmtMs(soak.figures.p50)} ms, p99 ${fmtMs(soak.figures.p99)} ms, ${soak.figures.non2xx + soak.figures.socketErrors} errors`);
  out(`- CPU placement: ${environment.placement}`);
  out(`- Other processes used ${(soak.foreign * 100).toFixed(0)} % of the CPUs during the soak, steal time ${(soak.steal * 100).toFixed(0)} %${soak.foreign >= BUSY || soak.steal >= BUSY ? ' — **busy machine, throughput figures not reliable**' : ''}`);
  out();
  const pids = [...new Set(soak.samples.flatMap((s) => s.workers.map((w) => w.pid)))];
  out(`| time | when | primary | ${pids.map((pid, i) => `worker ${i + 1} (pid ${pid})`).join(' | ')} |`);
  out(`|--:|---|--:|${pids.map(() => '--:|').join('')}`);
  for (const sample of soak.samples) {
    const cells = pids.map((pid) => fmtMiB(sample.workers.find((w) => w.pid === pid)?.rss));
    out(`| ${sample.at.toFixed(0)} s | ${sample.label ?? ''} | ${fmtMiB(sample.primary)} | ${cells.join(' | ')} |`);
  }
  out();
  const start = soak.samples.find((s) => s.label === 'start of load');
  const end = soak.samples.at(-1);
  for (const [i, pid] of pids.entries()) {
    const a = start?.workers.find((w) => w.pid === pid)?.rss;
    const b = end.workers.find((w) => w.pid === pid)?.rss;
    out(`- worker ${i + 1}: start ${fmtMiB(a)}, end ${fmtMiB(b)}${a && b ? ` (${b >= a ? '+' : ''}${(b - a).toFixed(1)} MiB)` : ''}`);
  }
  if (pids.length === 0) out(`- no worker processes found; the junction process: start ${fmtMiB(start?.primary)}, end ${fmtMiB(end.primary)}`);
  return `${lines.join('\n')}\n`;
}
