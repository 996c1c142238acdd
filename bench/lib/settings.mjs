// Settings read from the environment; every knob of the harness is here.

/** Parses "10s", "500ms", "5m" or a bare number of seconds into seconds. */
export function parseSeconds(text, name) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(String(text));
  if (match === null) throw new Error(`${name}: expected a duration such as 10s, 500ms or 5m, got "${text}"`);
  const value = Number(match[1]);
  return match[2] === 'ms' ? value / 1000 : match[2] === 'm' ? value * 60 : value;
}

/** Formats seconds the way wrk takes them ("10s", "1.5s" is not accepted by wrk, so whole seconds). */
export function wrkDuration(seconds) {
  return `${Math.max(1, Math.round(seconds))}s`;
}

export function readSettings(env = process.env) {
  const quick = env.BENCH_QUICK === '1';
  const settings = {
    quick,
    /** Measured time of each wrk run. */
    duration: parseSeconds(env.BENCH_DURATION ?? (quick ? '2s' : '10s'), 'BENCH_DURATION'),
    /** wrk run at the same concurrency before each measured run; its numbers are thrown away. */
    warmup: parseSeconds(env.BENCH_WARMUP ?? (quick ? '1s' : '3s'), 'BENCH_WARMUP'),
    /** Every round runs every proxy once per scenario; the report takes the median over rounds. */
    rounds: Number(env.BENCH_ROUNDS ?? (quick ? 1 : 3)),
    /** How many times a run is measured again when other processes used the CPUs meanwhile. */
    retries: Number(env.BENCH_RETRIES ?? 3),
    /** Longest wait for the machine to be quiet (other processes < 5 % CPU) before a proxy is started. */
    quietWait: parseSeconds(env.BENCH_QUIET_WAIT ?? '180s', 'BENCH_QUIET_WAIT'),
    /** CPU placement: "split" (the default, see README) or "none". */
    pin: env.BENCH_PIN ?? 'split',
    /** Only these scenarios (comma list of ids), for a partial run. */
    only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((id) => id.trim()) : undefined,
    /** Only these proxies (comma list of ids), for a partial run. */
    proxies: env.BENCH_PROXIES ? env.BENCH_PROXIES.split(',').map((id) => id.trim()) : undefined,
    /** Soak mode: Junction --workers=2 at c=200 for this long, RSS of each worker at start and end. */
    soak: env.BENCH_SOAK ? parseSeconds(env.BENCH_SOAK, 'BENCH_SOAK') : undefined,
    /** The Junction to measure: a directory with dist/src (built) and package.json; the repository by default. */
    junctionDir: env.BENCH_JUNCTION_DIR,
    /** Where the Markdown report goes. */
    output: env.BENCH_OUTPUT,
    /** Keep the temporary directory (configs, logs) for inspection. */
    keepTemp: env.BENCH_KEEP_TEMP === '1',
  };
  if (!Number.isInteger(settings.rounds) || settings.rounds < 1) throw new Error(`BENCH_ROUNDS: expected a whole number of rounds, got "${env.BENCH_ROUNDS}"`);
  if (!['split', 'none'].includes(settings.pin)) throw new Error(`BENCH_PIN: expected "split" or "none", got "${settings.pin}"`);
  return settings;
}
