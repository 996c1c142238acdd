import { memoryUsage } from 'node:process';

/**
 * Renders `/debug/vars` in the layout of Go's expvar (one `"name": value` per line). Differs from Traefik:
 * Node.js has no Go runtime statistics, so `memstats` holds `process.memoryUsage()`.
 */
export function debugVars(): string {
  const vars: Array<[string, unknown]> = [
    ['cmdline', process.argv],
    ['memstats', memoryUsage()],
    ['uptimeSeconds', process.uptime()],
  ];
  return `{\n${vars.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(',\n')}\n}\n`;
}
