import { randomUUID } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READ_CHUNK_BYTES = 64 * 1024;

async function openTemporaryFile(): Promise<FileHandle> {
  const path = join(tmpdir(), `junction-buffer-${randomUUID()}`);
  const handle = await open(path, 'w+', 0o600);
  // The open handle keeps the data; nothing is left behind if the process dies.
  await unlink(path).catch(() => undefined);
  return handle;
}

/**
 * A body kept whole to be sent later, possibly several times: the first `memoryBytes` in memory, the rest
 * in a temporary file, as oxy's multibuf does.
 */
export class SpillBuffer {
  readonly #memoryBytes: number;
  readonly #memory: Buffer[] = [];
  #memorySize = 0;
  #size = 0;
  #file: Promise<FileHandle> | undefined;
  #fileSize = 0;
  #writes: Promise<void> = Promise.resolve();
  #pendingWrites = 0;
  #error: Error | undefined;
  #waiting: Array<() => void> = [];
  #isClosed = false;

  constructor(memoryBytes: number) {
    this.#memoryBytes = memoryBytes;
  }

  /** Bytes appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Tells whether everything is in memory (then `contents()` gives it at once). */
  get isInMemory(): boolean {
    return this.#file === undefined;
  }

  /** Appends a chunk; returns false while part of it is still being written to the file (see `onceWritten`). */
  append(chunk: Buffer): boolean {
    this.#size += chunk.length;
    const room = this.#memoryBytes - this.#memorySize;
    if (room > 0) {
      const head = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.#memory.push(head);
      this.#memorySize += head.length;
      chunk = chunk.subarray(head.length);
    }
    if (chunk.length === 0) return true;
    this.#writeToFile(chunk);
    return false;
  }

  #writeToFile(chunk: Buffer): void {
    this.#file ??= openTemporaryFile();
    const file = this.#file;
    const position = this.#fileSize;
    this.#fileSize += chunk.length;
    this.#pendingWrites++;
    this.#writes = this.#writes
      .then(async () => {
        if (this.#error !== undefined) return;
        const handle = await file;
        await handle.write(chunk, 0, chunk.length, position);
      })
      .catch((error: Error) => {
        this.#error ??= error;
      })
      .finally(() => {
        this.#pendingWrites--;
        if (this.#pendingWrites > 0) return;
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const listener of waiting) listener();
      });
  }

  /** Calls `listener` once no file write is under way. */
  onceWritten(listener: () => void): void {
    if (this.#pendingWrites === 0) queueMicrotask(listener);
    else this.#waiting.push(listener);
  }

  /** Waits for the file writes; rejects with the first one that failed. */
  async settled(): Promise<void> {
    await this.#writes;
    if (this.#error !== undefined) throw this.#error;
  }

  /** The whole body, when it is all in memory. */
  contents(): Buffer {
    return Buffer.concat(this.#memory, this.#memorySize);
  }

  /** Reads the body from the start; each call reads it again. */
  async *chunks(): AsyncGenerator<Buffer> {
    for (const chunk of this.#memory) yield chunk;
    if (this.#file === undefined) return;
    await this.settled();
    const handle = await this.#file;
    let position = 0;
    while (position < this.#fileSize && !this.#isClosed) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, this.#fileSize - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw new Error('buffered body file ended early');
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }

  /** Releases the file, if any. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    const file = this.#file;
    if (file === undefined) return;
    void this.#writes.then(() => file).then((handle) => handle.close()).catch(() => undefined);
  }
}
