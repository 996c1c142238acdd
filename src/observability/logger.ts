import { fileRotation, rotatingFileSink, type FileRotation } from './rotating-file-sink.js';

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'PANIC';
export type LogFormat = 'common' | 'json';
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

const severity: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5, PANIC: 6 };
const shortLevel: Record<LogLevel, string> = { TRACE: 'TRC', DEBUG: 'DBG', INFO: 'INF', WARN: 'WRN', ERROR: 'ERR', FATAL: 'FTL', PANIC: 'PNC' };
const jsonLevel: Record<LogLevel, string> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', FATAL: 'fatal', PANIC: 'panic' };

interface Sink {
  write(line: string): void;
  close(): Promise<void>;
}

/** Writes Junction's own log (not the access log) in Traefik's `common` or `json` format. */
export class Logger {
  readonly #sink: Sink;
  readonly #level: LogLevel;
  readonly #threshold: number;
  readonly #format: LogFormat;
  readonly #fields: LogFields;

  constructor(options: { level?: LogLevel; format?: LogFormat; filePath?: string; rotation?: FileRotation; fields?: LogFields; sink?: Sink }) {
    this.#sink = options.sink ?? (options.filePath ? fileSink(options.filePath, options.rotation) : stdoutSink());
    this.#level = options.level ?? 'ERROR';
    this.#threshold = severity[this.#level];
    this.#format = options.format ?? 'common';
    this.#fields = options.fields ?? {};
  }

  /** Returns a logger that adds the given fields to every line (entryPoint, router, service). */
  with(fields: LogFields): Logger {
    return new Logger({ level: this.#level, format: this.#format, fields: { ...this.#fields, ...fields }, sink: this.#sink });
  }

  isEnabled(level: LogLevel): boolean {
    return severity[level] >= this.#threshold;
  }

  trace(message: string, fields?: LogFields): void { this.log('TRACE', message, fields); }
  debug(message: string, fields?: LogFields): void { this.log('DEBUG', message, fields); }
  info(message: string, fields?: LogFields): void { this.log('INFO', message, fields); }
  warn(message: string, fields?: LogFields): void { this.log('WARN', message, fields); }
  error(message: string, fields?: LogFields): void { this.log('ERROR', message, fields); }

  log(level: LogLevel, message: string, fields?: LogFields): void {
    if (severity[level] < this.#threshold) return;
    const all = fields === undefined ? this.#fields : { ...this.#fields, ...fields };
    const time = new Date().toISOString();
    if (this.#format === 'json') {
      this.#sink.write(`${JSON.stringify({ level: jsonLevel[level], ...all, time, message })}\n`);
      return;
    }
    let line = `${time} ${shortLevel[level]} ${message}`;
    for (const [key, value] of Object.entries(all)) {
      if (value === undefined) continue;
      const text = String(value);
      line += ` ${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
    }
    this.#sink.write(`${line}\n`);
  }

  close(): Promise<void> {
    return this.#sink.close();
  }
}

/**
 * Standard output, until it breaks: when the reading end goes away (EPIPE), logging stops rather than
 * turning every later line into another error.
 */
function stdoutSink(): Sink {
  let isBroken = false;
  process.stdout.on('error', () => {
    isBroken = true;
  });
  return {
    write: (line) => {
      if (!isBroken) process.stdout.write(line);
    },
    close: async () => {},
  };
}

/** The log file, rotated as Traefik rotates it (by default at 100 MiB, keeping every rotated file). */
function fileSink(path: string, rotation = fileRotation({ maxSize: 0, maxBackups: 0, maxAge: 0 })): Sink {
  return rotatingFileSink(path, rotation, (error) => void process.stderr.write(`log.filePath: cannot write ${JSON.stringify(path)}: ${error.message}\n`));
}

/** A logger that drops everything, for tests and for `junction check`. */
export const silentLogger = new Logger({ level: 'PANIC', sink: { write: () => {}, close: async () => {} } });
