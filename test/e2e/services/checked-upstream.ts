import type { IncomingMessage, ServerResponse } from 'node:http';
import { startUpstream, whoamiText, type Upstream } from '../../support/upstream.js';

/** An echo server whose health endpoint answers 200 or 503 as the test says. */
export async function startCheckedUpstream(t: Parameters<typeof startUpstream>[0], name: string): Promise<Upstream & { healthy: boolean }> {
  const state = { healthy: true };
  const upstream = await startUpstream(t, {
    name,
    handler(request: IncomingMessage, response: ServerResponse) {
      if (request.url === '/health') {
        response.writeHead(state.healthy ? 200 : 503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end(whoamiText(name, request));
    },
  });
  return Object.defineProperty(upstream, 'healthy', {
    get: () => state.healthy,
    set: (value: boolean) => {
      state.healthy = value;
    },
  }) as Upstream & { healthy: boolean };
}
