import { commonLogTime, rfc3339Seconds } from './go-time.js';
import type { LogFacts, LogFields } from './access-log-fields.js';

/** Turns the kept fields of one exchange into one line, newline included. */
export type AccessLogFormat = (fields: LogFields, facts: LogFacts) => string;

/** A field as Traefik's CLF formatter prints it: "-" when absent or empty, optionally quoted with `"` escaped. */
function field(fields: LogFields, name: string, fallback: string, isQuoted: boolean): string {
  const value = fields.get(name);
  if (value === undefined) return fallback;
  if (typeof value === 'number') return String(value);
  if (value === '') return fallback;
  return isQuoted ? `"${value.replaceAll('"', '\\"')}"` : value;
}

/** The timestamp from StartUTC, else StartLocal, else "-" (both dropped). */
function timestamp(fields: LogFields, facts: LogFacts): string {
  if (fields.has('StartUTC')) return commonLogTime(facts.startedAtMs, false);
  if (fields.has('StartLocal')) return commonLogTime(facts.startedAtMs, true);
  return '-';
}

/** The part both CLF variants share: client, user, time, request line, status, size, referer, user agent. */
function clfHead(fields: LogFields, facts: LogFacts): string {
  return (
    `${field(fields, 'ClientHost', '-', false)} - ${field(fields, 'ClientUsername', '-', false)} [${timestamp(fields, facts)}] ` +
    `"${field(fields, 'RequestMethod', '-', false)} ${field(fields, 'RequestPath', '-', false)} ${field(fields, 'RequestProtocol', '-', false)}" ` +
    `${field(fields, 'DownstreamStatus', '-', true)} ${field(fields, 'DownstreamContentSize', '-', true)} ` +
    `${field(fields, 'request_Referer', '"-"', true)} ${field(fields, 'request_User-Agent', '"-"', true)}`
  );
}

/** Traefik's common format: CLF plus request count, router, server URL and duration in milliseconds. */
export const commonFormat: AccessLogFormat = (fields, facts) => {
  const duration = fields.get('Duration');
  const elapsedMs = typeof duration === 'number' ? Math.trunc(duration / 1_000_000) : 0;
  return (
    `${clfHead(fields, facts)} ${field(fields, 'RequestCount', '-', true)} ` +
    `${field(fields, 'RouterName', '"-"', true)} ${field(fields, 'ServiceURL', '"-"', true)} ${elapsedMs}ms\n`
  );
};

/** The generic CLF format: the common format without Traefik's additions. */
export const genericClfFormat: AccessLogFormat = (fields, facts) => `${clfHead(fields, facts)}\n`;

/** The JSON format of logrus: every kept field plus `level`, `msg` and `time`, keys sorted as Go marshals a map. */
export const jsonFormat: AccessLogFormat = (fields, facts) => {
  const entries: Array<[string, string | number]> = [...fields];
  entries.push(['level', 'info'], ['msg', ''], ['time', rfc3339Seconds(facts.startedAtMs + facts.durationMs, true)]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let line = '{';
  for (let i = 0; i < entries.length; i++) {
    const [name, value] = entries[i]!;
    line += `${i === 0 ? '' : ','}${goJsonString(name)}:${typeof value === 'number' ? jsonNumber(value) : goJsonString(value)}`;
  }
  return `${line}}\n`;
};

/** Numbers as Go's encoding/json writes them (integers plainly; non-finite values cannot occur). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : '0';
}

const htmlUnsafe = /[<>&\u2028\u2029]/g;

/** A JSON string as Go's encoder writes it by default: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
function goJsonString(value: string): string {
  return JSON.stringify(value).replace(htmlUnsafe, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
