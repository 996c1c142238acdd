import type { Readable } from 'node:stream';

/** The body was longer than allowed. */
export const tooLarge = Symbol('too large');

/**
 * Reads a body to its end, or stops at the first byte past `limit` (none when negative) and resolves with
 * `tooLarge`, as Traefik's `readBodyBytes` reads `limit + 1` bytes at most. A stream that is stopped is
 * paused, not destroyed: the client's connection must stay up for the answer.
 */
export function readBody(body: Buffer | Readable, limit: number): Promise<Buffer | typeof tooLarge> {
  if (Buffer.isBuffer(body)) return Promise.resolve(limit >= 0 && body.length > limit ? tooLarge : body);
  if (body.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const stop = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      length += bytes.length;
      if (limit < 0 || length <= limit) return;
      stop();
      body.pause();
      resolve(tooLarge);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, length));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    const onClose = (): void => onError(new Error('the body ended before it was complete'));
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}
