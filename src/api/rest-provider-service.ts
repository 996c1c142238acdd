import type { Handler } from '../http/exchange.js';

/** Bodies above this are refused (413): a dynamic configuration is far smaller. */
const maxBodyBytes = 16 * 1024 * 1024;

const textHeaders = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } as const;

/**
 * `rest@internal`: `PUT /api/providers/rest` with a JSON dynamic configuration hands it to the REST provider
 * and answers it back; another provider name is refused, as in Traefik.
 */
export function restProviderService(submit: (config: Record<string, unknown>) => void): Handler {
  return function restProvider(exchange) {
    const match = /^\/api\/providers\/([^/]+)$/.exec(exchange.path);
    if (match === null) return exchange.reply(404, '404 page not found\n', { ...textHeaders });
    if (exchange.request.method !== 'PUT') return exchange.reply(405, '', {});
    if (decodeURIComponent(match[1]!) !== 'rest') {
      return exchange.reply(400, "Only 'rest' provider can be updated through the REST API\n", { ...textHeaders });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    exchange.request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    exchange.request.once('end', () => {
      if (size > maxBodyBytes) return exchange.reply(413, 'request body too large\n', { ...textHeaders });
      let config: unknown;
      try {
        config = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        return exchange.reply(400, `${(error as Error).message}\n`, { ...textHeaders });
      }
      if (config === null || typeof config !== 'object' || Array.isArray(config)) {
        return exchange.reply(400, 'expected a JSON object holding a dynamic configuration\n', { ...textHeaders });
      }
      submit(config as Record<string, unknown>);
      exchange.reply(200, JSON.stringify(config), { 'content-type': 'application/json; charset=UTF-8' });
    });
    exchange.request.resume();
  };
}
