import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** Where access log lines go: standard output or a file that can be reopened after rotation. */
export interface AccessLogOutput {
  write(line: string): void;
  /** Reopens the file (after `logrotate` moved it away); lines already written reach the old file. */
  reopen(): void;
  close(): Promise<void>;
}

/** Standard output, until its reader goes away. */
export function stdoutOutput(): AccessLogOutput {
  let isBroken = false;
  process.stdout.on('error', () => {
    isBroken = true;
  });
  return {
    write: (line) => {
      if (!isBroken) process.stdout.write(line);
    },
    reopen: () => {},
    close: async () => {},
  };
}

/**
 * A file opened for appending (its folder created), as Traefik opens it. On reopen the new stream takes
 * every later line while the old one finishes writing what it holds, so no line is lost.
 */
export class FileOutput implements AccessLogOutput {
  readonly #path: string;
  readonly #onError: (error: Error) => void;
  #stream: WriteStream;

  constructor(path: string, onError: (error: Error) => void) {
    this.#path = path;
    this.#onError = onError;
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    this.#stream = this.#open();
  }

  #open(): WriteStream {
    const stream = createWriteStream(this.#path, { flags: 'a', mode: 0o664 });
    stream.on('error', this.#onError);
    return stream;
  }

  write(line: string): void {
    this.#stream.write(line);
  }

  reopen(): void {
    const previous = this.#stream;
    this.#stream = this.#open();
    previous.end();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#stream.end(() => resolve()));
  }
}
