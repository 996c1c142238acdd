import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { startJunction } from '../../support/junction.js';
import { startUpstream } from '../../support/upstream.js';

/** Reads a streamed response and resolves with the first chunk, and how long after the request it came. */
function firstChunk(url: string, host: string): Promise<{ chunk: string; afterMs: number; close: () => void }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const call = request(url, { headers: { host }, agent: false }, (response) => {
      response.once('data', (chunk: Buffer) => resolve({ chunk: chunk.toString(), afterMs: performance.now() - started, close: () => call.destroy() }));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('responseForwarding', () => {
  for (const [label, flushInterval] of [['the default flushInterval', ''], ['flushInterval 10s', '\n        responseForwarding: { flushInterval: 10s }']] as const) {
    it(`streams text/event-stream events to the client as they come, with ${label}`, async (t) => {
      const upstream = await startUpstream(t, {
        name: 'events',
        handler(_request, response) {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.write('data: first\n\n');
          // The stream stays open: nothing but an immediate flush gets the first event out.
          const timer = setInterval(() => response.write(': keep-alive\n\n'), 20_000);
          response.on('close', () => clearInterval(timer));
        },
      });
      const junction = await startJunction(t, {
        dynamic: `
http:
  routers:
    app: { rule: "Host(\`sse.test\`)", service: app }
  services:
    app:
      loadBalancer:${flushInterval}
        servers: [{ url: "${upstream.url}" }]
`,
      });

      const { chunk, afterMs, close } = await firstChunk(`${junction.url('web')}/events`, 'sse.test');
      close();

      assert.equal(chunk, 'data: first\n\n');
      assert.ok(afterMs < 5000, `the first event took ${afterMs} ms`);
    });
  }
});
