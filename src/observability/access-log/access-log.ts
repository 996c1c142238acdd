import type { AccessLogConfig } from '../../config/static/observability-sections.js';
import type { Logger } from '../logger.js';
import type { Observation } from '../observation.js';
import { collectFields, FieldSelection, type LogFacts } from './access-log-fields.js';
import { commonFormat, genericClfFormat, jsonFormat, type AccessLogFormat } from './access-log-formats.js';
import { FileOutput, stdoutOutput, type AccessLogOutput } from './access-log-output.js';

const formats: Record<AccessLogConfig['format'], AccessLogFormat> = { common: commonFormat, genericCLF: genericClfFormat, json: jsonFormat };

/** Inclusive status ranges, as Traefik's `HTTPCodeRanges`. */
function parseStatusRanges(values: readonly string[]): Array<readonly [number, number]> {
  return values.map((value) => {
    const [from, to] = value.split('-').map((part) => Number(part.trim()));
    return [from!, to ?? from!] as const;
  });
}

/** Keeps or skips a line as Traefik's `filters`: with any filter set, a line is kept when one of them matches. */
function compileFilter(filters: AccessLogConfig['filters']): (facts: LogFacts) => boolean {
  const ranges = parseStatusRanges(filters.statusCodes);
  const { retryAttempts, minDuration } = filters;
  if (ranges.length === 0 && !retryAttempts && minDuration === 0) return () => true;
  return (facts) =>
    ranges.some(([from, to]) => facts.status >= from && facts.status <= to) ||
    (retryAttempts && facts.retryAttempts > 0) ||
    (minDuration > 0 && facts.durationMs > minDuration);
}

/**
 * The access log: one line per exchange, in Traefik's common, genericCLF or JSON format, filtered and with
 * fields kept, dropped or redacted as configured. With `bufferingSize` lines are gathered and written in
 * batches of up to that many.
 */
export class AccessLog {
  readonly #output: AccessLogOutput;
  readonly #format: AccessLogFormat;
  readonly #selection: FieldSelection;
  readonly #isKept: (facts: LogFacts) => boolean;
  readonly #bufferingSize: number;
  #pending = '';
  #pendingLines = 0;
  #flushScheduled = false;

  constructor(config: AccessLogConfig, log: Logger) {
    this.#format = formats[config.format];
    this.#selection = new FieldSelection(config.fields);
    this.#isKept = compileFilter(config.filters);
    this.#bufferingSize = config.bufferingSize;
    this.#output =
      config.filePath === ''
        ? stdoutOutput()
        : new FileOutput(config.filePath, (error) => log.error('cannot write the access log', { filePath: config.filePath, error: error.message }));
  }

  /** The downstream headers must be captured for this log. */
  get keepsHeaders(): boolean {
    return this.#selection.keepsHeaders;
  }

  record(observation: Observation, facts: LogFacts): void {
    if (!this.#isKept(facts)) return;
    const line = this.#format(collectFields(observation, facts, this.#selection), facts);
    if (this.#bufferingSize === 0) return this.#output.write(line);
    this.#pending += line;
    this.#pendingLines++;
    if (this.#pendingLines >= this.#bufferingSize) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    this.#pendingLines = 0;
    this.#output.write(text);
  };

  /** Reopens the file after an outside rotation (SIGUSR1), after writing what is gathered. */
  reopen(): void {
    this.#flush();
    this.#output.reopen();
  }

  close(): Promise<void> {
    this.#flush();
    return this.#output.close();
  }
}
