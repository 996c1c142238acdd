import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** A body read whole, or the part read before it passed the limit (the rest still in the stream). */
export type CollectedBody = { readonly isComplete: true; readonly body: Buffer } | { readonly isComplete: false; readonly head: readonly Buffer[] };

/** Reads the request body, stopping (paused) once more than `limit` bytes arrived; a negative limit reads all. */
export function collectBody(request: IncomingMessage, limit: number): Promise<CollectedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (limit < 0 || size <= limit) return;
      cleanup();
      request.pause();
      resolve({ isComplete: false, head: chunks });
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ isComplete: true, body: Buffer.concat(chunks) });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onAborted = (): void => onError(new Error('client closed the connection'));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('aborted', onAborted);
  });
}

/** The body again as one stream: the part already read, then the rest of the request. */
export function resumedBody(head: readonly Buffer[], rest: IncomingMessage): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    yield* head;
    for await (const chunk of rest) yield chunk as Buffer;
  }
  return Readable.from(chunks(), { objectMode: false });
}
