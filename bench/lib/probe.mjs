// Readiness: a proxy is ready when it answers the benchmark request with the upstream's 200 and 100 bytes.
import http from 'node:http';
import https from 'node:https';
import { sleep, tail } from './processes.mjs';

/** One request on a new connection; resolves to the status, body length and headers. */
export function probe({ protocol, port, host, path = '/' }) {
  const client = protocol === 'https' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      { host: '127.0.0.1', port, path, headers: host ? { host } : {}, agent: false, rejectUnauthorized: false, timeout: 2000 },
      (response) => {
        let length = 0;
        response.on('data', (chunk) => (length += chunk.length));
        response.on('end', () => resolve({ status: response.statusCode, length, headers: response.headers }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}

const isExpected = (answer, expectHeader) => answer.status === 200 && answer.length === 100 && (expectHeader === undefined || answer.headers[expectHeader] !== undefined);

/**
 * Waits until the process answers the request as the upstream would, then checks it does so on
 * `confirmations` more new connections (workers that are up take their share). Throws with the end of the
 * process's log when it exits or does not become ready within `timeoutMs`.
 */
export async function waitReady(handle, request, { timeoutMs = 60_000, confirmations = 20, expectHeader } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (handle.exited !== undefined) {
      throw new Error(`exited (${handle.exited.code ?? handle.exited.signal ?? handle.exited.error?.message}) before it was ready: ${tail(handle.logFile, 1) || 'no output'}`);
    }
    try {
      const answer = await probe(request);
      if (isExpected(answer, expectHeader)) {
        for (let i = 0; i < confirmations; i++) {
          const again = await probe(request);
          if (!isExpected(again, expectHeader)) throw new Error(`answered ${again.status} with ${again.length} bytes after a first good answer`);
        }
        return;
      }
      last = `answered ${answer.status} with ${answer.length} bytes`;
    } catch (error) {
      last = error.message;
    }
    await sleep(100);
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s (${last}); last output: ${tail(handle.logFile, 1) || 'none'}`);
}
