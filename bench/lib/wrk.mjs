// Runs wrk and reads its report.
import { wrkDuration } from './settings.mjs';
import { runAsync } from './processes.mjs';

const unitsToMs = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  return match === null ? undefined : Number(match[1]) * unitsToMs[match[2]];
}

/** Reads requests/s, p50, p99 and the error counts from wrk's output (with --latency). */
export function parseWrk(output) {
  const number = (pattern) => {
    const match = pattern.exec(output);
    return match === null ? undefined : Number(match[1]);
  };
  const percentile = (p) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output);
    return match === null ? undefined : toMs(match[1]);
  };
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: number(/^Requests\/sec:\s+([\d.]+)/m),
    requests: number(/^\s+(\d+) requests in/m),
    p50: percentile(50),
    p99: percentile(99),
    non2xx: number(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0,
    socketErrors: sockets === null ? 0 : sockets.slice(1).reduce((sum, n) => sum + Number(n), 0),
  };
}

/**
 * One wrk run: `wrk -t1 -c<connections> -d<seconds> --latency [-H Host:...] url`.
 * Resolves to the parsed figures, or throws with wrk's output when it failed.
 */
export async function runWrk({ url, connections, seconds, host, cpus }) {
  const args = ['-t1', `-c${connections}`, `-d${wrkDuration(seconds)}`, '--latency', '--timeout', '5s'];
  if (host !== undefined) args.push('-H', `Host: ${host}`);
  args.push(url);
  const result = await runAsync('wrk', args, { cpus });
  const figures = parseWrk(result.stdout);
  if (result.status !== 0 || figures.rps === undefined) {
    throw new Error(`wrk ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
  }
  return figures;
}
