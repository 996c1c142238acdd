import type { Provider, ProviderSnapshot } from '../provider.js';
import { FileSource } from './file-source.js';
import type { FileLog, SourceState } from './file-source.js';
import { DirectoryWatchSet } from './watch-set.js';

/** Configures the file provider as `providers.file` does; `directory` wins when both are set, as in Traefik. */
export interface FileProviderOptions {
  /** One YAML or TOML file. */
  filename?: string;
  /** A directory whose `.yml`, `.yaml` and `.toml` files, in subdirectories too, are merged. */
  directory?: string;
  /** Follows changes; Traefik's default is true. */
  watch: boolean;
  /** ms to wait for more changes before reading; default 100 */
  debounceMs?: number;
  /** Reloads on SIGHUP as Traefik's file provider does; default true. */
  reloadOnHangup?: boolean;
}

/** How long to wait before looking again for a directory that cannot be watched yet. */
const retryMs = 1000;
/** Reads that may be postponed in a row because files kept changing while they were read. */
const maxPostponedReads = 3;

/**
 * Reads dynamic configuration from one file or a directory of YAML and TOML files, and pushes a new snapshot
 * whenever the merged result changes.
 */
export class FileProvider implements Provider {
  readonly name = 'file';
  readonly #options: FileProviderOptions;
  readonly #log: FileLog;

  constructor(options: FileProviderOptions, log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void) {
    this.#options = options;
    this.#log = log ?? (() => {});
    if (isSet(options.directory) && isSet(options.filename)) {
      this.#log('warn', 'file provider: both "filename" and "directory" are set; the directory is read, as in Traefik');
    }
  }

  /** Pushes the initial snapshot, then one per change, until the signal aborts; I/O faults become snapshot errors. */
  async run(push: (snapshot: ProviderSnapshot) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const loop = new ReloadLoop(this.#options, this.#log, push, signal);
    await loop.run();
  }
}

/** Reads once without watching: used by `junction check`. */
export async function readFileProviderSnapshot(options: FileProviderOptions): Promise<ProviderSnapshot> {
  const state = await new FileSource(options, () => {}).read();
  return state.snapshot;
}

/** The watch loop: debounces change notifications, reads, and pushes only what changed. */
class ReloadLoop {
  readonly #source: FileSource;
  readonly #log: FileLog;
  readonly #push: (snapshot: ProviderSnapshot) => void;
  readonly #signal: AbortSignal;
  readonly #debounceMs: number;
  readonly #maxWaitMs: number;
  readonly #watches: DirectoryWatchSet | undefined;
  readonly #reloadOnHangup: boolean;
  #timer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #burstStartedAt: number | undefined;
  #reading: Promise<void> | undefined;
  #isRerunWanted = false;
  #changedWhileReading = false;
  #postponedReads = 0;
  #lastFingerprint: string | undefined;

  constructor(options: FileProviderOptions, log: FileLog, push: (snapshot: ProviderSnapshot) => void, signal: AbortSignal) {
    this.#source = new FileSource(options, log);
    this.#log = log;
    this.#push = push;
    this.#signal = signal;
    this.#debounceMs = Math.max(0, options.debounceMs ?? 100);
    // A file rewritten without pause is still read now and then.
    this.#maxWaitMs = Math.max(this.#debounceMs * 10, 50);
    this.#watches = options.watch ? new DirectoryWatchSet(() => this.#schedule(), log) : undefined;
    this.#reloadOnHangup = options.reloadOnHangup ?? true;
  }

  async run(): Promise<void> {
    const onHangup = (): void => this.#schedule();
    if (this.#reloadOnHangup) process.on('SIGHUP', onHangup);
    const aborted = new Promise<void>((resolve) => this.#signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      this.#reading = this.#reload(true);
      await this.#reading;
      await aborted;
    } finally {
      if (this.#reloadOnHangup) process.off('SIGHUP', onHangup);
      clearTimeout(this.#timer);
      clearTimeout(this.#retryTimer);
      this.#watches?.close();
      await this.#reading;
    }
  }

  /** Notes a change and (re)starts the debounce timer, bounded so a steady stream of changes is still read. */
  #schedule(): void {
    if (this.#signal.aborted) return;
    if (this.#reading !== undefined) this.#changedWhileReading = true;
    const now = Date.now();
    this.#burstStartedAt ??= now;
    const delay = Math.min(this.#debounceMs, this.#burstStartedAt + this.#maxWaitMs - now);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, delay));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#burstStartedAt = undefined;
    if (this.#signal.aborted) return;
    if (this.#reading !== undefined) {
      this.#isRerunWanted = true;
      return;
    }
    this.#reading = this.#reload(false);
  }

  async #reload(isInitial: boolean): Promise<void> {
    this.#changedWhileReading = false;
    try {
      const state = await this.#source.read();
      if (this.#signal.aborted) return;
      await this.#updateWatches(state);
      if (this.#signal.aborted) return;
      this.#publish(state, isInitial);
    } catch (cause) {
      this.#log('error', `file provider: reading failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      this.#reading = undefined;
      if (this.#isRerunWanted && !this.#signal.aborted) {
        this.#isRerunWanted = false;
        this.#reading = this.#reload(false);
      }
    }
  }

  async #updateWatches(state: SourceState): Promise<void> {
    if (this.#watches === undefined) return;
    const { started, missing } = await this.#watches.update(state.watchTargets);
    // Changes made before a watch started went unseen: read once more.
    if (started) this.#schedule();
    if (missing && this.#retryTimer === undefined) {
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.#schedule();
      }, retryMs);
    }
  }

  #publish(state: SourceState, isInitial: boolean): void {
    // Files still being written are read again before anything is pushed, within limits.
    if (!isInitial && this.#changedWhileReading && this.#postponedReads < maxPostponedReads) {
      this.#postponedReads += 1;
      return;
    }
    this.#postponedReads = 0;
    if (!isInitial && state.fingerprint === this.#lastFingerprint) return;
    this.#lastFingerprint = state.fingerprint;
    this.#log('debug', `file provider: configuration read (${state.snapshot.errors.length} errors)`);
    try {
      this.#push(state.snapshot);
    } catch (cause) {
      this.#log('error', `file provider: pushing the configuration failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
