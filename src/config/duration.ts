import { ConfigError, quote } from './errors.js';

const unitMilliseconds: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const durationPart = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a duration as Traefik does: a Go duration string (`1m30s`, `100ms`) or a bare number of seconds.
 * Returns milliseconds.
 */
export function parseDuration(value: unknown, path: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ConfigError(path, `invalid duration ${quote(value)}`);
    return value * 1000;
  }
  if (typeof value !== 'string') throw new ConfigError(path, `expected a duration such as "10s", got ${quote(value)}`);
  const text = value.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  let total = 0;
  durationPart.lastIndex = 0;
  let consumed = 0;
  while (consumed < rest.length) {
    durationPart.lastIndex = consumed;
    const part = durationPart.exec(rest);
    if (part === null) break;
    total += Number(part[1]) * unitMilliseconds[part[2]!]!;
    consumed = durationPart.lastIndex;
  }
  if (consumed === 0 || consumed !== rest.length) {
    throw new ConfigError(path, `invalid duration ${quote(value)}; expected a number of seconds or a value such as "10s", "1m30s", "250ms"`);
  }
  return sign * total;
}
