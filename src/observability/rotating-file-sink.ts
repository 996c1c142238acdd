import { createReadStream, createWriteStream, readdirSync, renameSync, statSync, unlink, type WriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** When Junction's own log file (`log.filePath`) is rotated, as Traefik's lumberjack writer does it. */
export interface FileRotation {
  /** Size that starts a new file; lumberjack's 100 MiB when `log.maxSize` is 0. */
  readonly maxBytes: number;
  /** Rotated files kept; 0 keeps all. */
  readonly maxBackups: number;
  /** Rotated files older than this many days are removed; 0 keeps them. */
  readonly maxAgeDays: number;
}

/** `log.maxSize` (MiB), `maxBackups` and `maxAge` (days) as a rotation. */
export function fileRotation(options: { readonly maxSize: number; readonly maxBackups: number; readonly maxAge: number }): FileRotation {
  return { maxBytes: (options.maxSize > 0 ? options.maxSize : 100) * 1024 * 1024, maxBackups: options.maxBackups, maxAgeDays: options.maxAge };
}

export interface RotatingFileSink {
  write(line: string): void;
  close(): Promise<void>;
}

/**
 * Appends lines to a file; a line that would take it past `maxBytes` first moves it aside as
 * `<name>-<UTC time><ext>` (gzip-compressed once written, as Traefik always compresses), then the oldest
 * rotated files beyond `maxBackups` or `maxAgeDays` are removed.
 */
export function rotatingFileSink(path: string, rotation: FileRotation, onError: (error: Error) => void): RotatingFileSink {
  let size = sizeOf(path);
  let stream = open(path, onError);
  const rotate = (): void => {
    const rotated = rotatedName(path, new Date());
    try {
      renameSync(path, rotated);
    } catch (error) {
      onError(error as Error);
      return;
    }
    // Lines still buffered reach the renamed file: the old stream keeps writing to the same inode.
    const old = stream;
    old.end(() => void compress(rotated).then(() => prune(path, rotation), onError));
    stream = open(path, onError);
    size = 0;
  };
  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > rotation.maxBytes) rotate();
      size += bytes;
      stream.write(line);
    },
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
}

function open(path: string, onError: (error: Error) => void): WriteStream {
  const stream = createWriteStream(path, { flags: 'a' });
  stream.on('error', onError);
  return stream;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** `traefik.log` rotated at 2026-11-22 10:04:05.123 UTC is `traefik-2026-11-22T10-04-05.123.log`. */
function rotatedName(path: string, at: Date): string {
  const extension = extname(path);
  const stem = basename(path, extension);
  const stamp = at.toISOString().slice(0, 23).replaceAll(':', '-');
  return join(dirname(path), `${stem}-${stamp}${extension}`);
}

async function compress(path: string): Promise<void> {
  await pipeline(createReadStream(path), createGzip(), createWriteStream(`${path}.gz`));
  await new Promise<void>((resolve, reject) => unlink(path, (error) => (error === null ? resolve() : reject(error))));
}

/** Removes rotated files beyond `maxBackups` (oldest first) and older than `maxAgeDays`. */
function prune(path: string, rotation: FileRotation): void {
  if (rotation.maxBackups <= 0 && rotation.maxAgeDays <= 0) return;
  const extension = extname(path);
  const stem = basename(path, extension);
  const pattern = new RegExp(`^${escapeRegExp(stem)}-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3})${escapeRegExp(extension)}(\\.gz)?$`);
  // One rotation may briefly exist both plain and compressed: they count once.
  const byStamp = new Map<string, string[]>();
  for (const name of readdirSync(dirname(path))) {
    const stamp = pattern.exec(name)?.[1];
    if (stamp !== undefined) byStamp.set(stamp, [...(byStamp.get(stamp) ?? []), name]);
  }
  const stamps = [...byStamp.keys()].sort().reverse();
  const oldestKept = rotation.maxAgeDays > 0 ? Date.now() - rotation.maxAgeDays * 24 * 60 * 60 * 1000 : -Infinity;
  stamps.forEach((stamp, index) => {
    if ((rotation.maxBackups > 0 && index >= rotation.maxBackups) || stampTime(stamp) < oldestKept) {
      for (const name of byStamp.get(stamp)!) unlink(join(dirname(path), name), () => undefined);
    }
  });
}

/** `2026-11-22T10-04-05.123` as a time. */
function stampTime(stamp: string): number {
  return Date.parse(`${stamp.slice(0, 13)}:${stamp.slice(14, 16)}:${stamp.slice(17)}Z`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
