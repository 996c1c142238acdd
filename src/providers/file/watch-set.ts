import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FileLog } from './file-source.js';

/** A directory to watch, and which entry names in it matter. */
export interface WatchTarget {
  readonly directory: string;
  accepts(name: string | null): boolean;
}

interface Watched {
  readonly watcher: FSWatcher;
  /** Identity of the directory when the watch started: a directory replaced under the same path needs a new watch. */
  readonly identity: string;
  accepts: (name: string | null) => boolean;
}

/** What an update did: whether a watch started (so changes just before it may have been missed) or could not. */
export interface WatchUpdate {
  readonly started: boolean;
  readonly missing: boolean;
}

/**
 * Keeps one non-recursive watch per directory. Node 20's recursive watch on Linux loses files replaced by rename,
 * so the provider lists the directories it walked and this set follows them.
 */
export class DirectoryWatchSet {
  readonly #onChange: () => void;
  readonly #log: FileLog;
  readonly #watched = new Map<string, Watched>();
  #isClosed = false;

  constructor(onChange: () => void, log: FileLog) {
    this.#onChange = onChange;
    this.#log = log;
  }

  /** Watches exactly the given directories, restarting watches on directories that were replaced. */
  async update(targets: readonly WatchTarget[]): Promise<WatchUpdate> {
    const wanted = new Map<string, Array<WatchTarget['accepts']>>();
    for (const target of targets) {
      const list = wanted.get(target.directory) ?? [];
      list.push((name) => target.accepts(name));
      wanted.set(target.directory, list);
    }
    for (const [directory, watched] of this.#watched) {
      if (!wanted.has(directory)) this.#stop(directory, watched);
    }

    let started = false;
    let missing = false;
    const identities = await Promise.all(
      [...wanted.keys()].map(async (directory) => [directory, await directoryIdentity(directory)] as const),
    );
    if (this.#isClosed) return { started, missing };
    for (const [directory, identity] of identities) {
      const tests = wanted.get(directory)!;
      const accepts = (name: string | null): boolean => tests.some((test) => test(name));
      const current = this.#watched.get(directory);
      if (identity === undefined) {
        if (current !== undefined) this.#stop(directory, current);
        missing = true;
        continue;
      }
      if (current !== undefined && current.identity === identity) {
        current.accepts = accepts;
        continue;
      }
      if (current !== undefined) this.#stop(directory, current);
      if (this.#start(directory, identity, accepts)) started = true;
      else missing = true;
    }
    return { started, missing };
  }

  /** Stops every watch; later updates do nothing. */
  close(): void {
    this.#isClosed = true;
    for (const [directory, watched] of this.#watched) this.#stop(directory, watched);
  }

  #start(directory: string, identity: string, accepts: (name: string | null) => boolean): boolean {
    let watcher: FSWatcher;
    try {
      watcher = watch(directory, { persistent: true }, (_event, filename) => {
        const entry = this.#watched.get(directory);
        if (entry === undefined || entry.watcher !== watcher) return;
        const name = filename === null ? null : String(filename);
        if (entry.accepts(name)) this.#onChange();
      });
    } catch (cause) {
      this.#log('debug', `file provider: cannot watch ${directory}: ${cause instanceof Error ? cause.message : String(cause)}`);
      return false;
    }
    watcher.on('error', (cause) => {
      this.#log('debug', `file provider: watch on ${directory} ended: ${cause.message}`);
      const entry = this.#watched.get(directory);
      if (entry?.watcher === watcher) this.#stop(directory, entry);
      // A read reconciles the watches again and reports the directory if it is gone.
      if (!this.#isClosed) this.#onChange();
    });
    this.#watched.set(directory, { watcher, identity, accepts });
    return true;
  }

  #stop(directory: string, watched: Watched): void {
    this.#watched.delete(directory);
    watched.watcher.close();
  }
}

async function directoryIdentity(directory: string): Promise<string | undefined> {
  try {
    const stats = await stat(directory);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}
