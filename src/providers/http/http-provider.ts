import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';
import { ConfigError } from '../../config/errors.js';
import type { StaticConfig } from '../../config/static/static-config.js';
import type { Logger } from '../../observability/logger.js';
import { compileClientTls } from '../../tls/client-tls.js';
import { parseConfigText } from '../file/config-text.js';
import type { Provider } from '../provider.js';

export type HttpProviderOptions = NonNullable<StaticConfig['providers']['http']>;

/** The client that polls the endpoint: its own TLS settings, when given. Throws ConfigError. */
function pollingAgent(tls: HttpProviderOptions['tls']): Agent {
  return tls === undefined ? new Agent() : new Agent({ connect: compileClientTls(tls) });
}

/**
 * Traefik's HTTP provider: polls `endpoint` every `pollInterval` and takes a 200 answer (JSON or YAML) as its
 * whole dynamic configuration. An unchanged body is not pushed again; a failed poll keeps the last
 * configuration and is logged.
 */
export function httpProvider(options: HttpProviderOptions, log: Logger): Provider {
  return {
    name: 'http',
    async run(push, signal) {
      let agent: Agent;
      try {
        agent = pollingAgent(options.tls);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        push({ config: {}, errors: [error.under('providers.http')] });
        return;
      }
      let lastDigest: string | undefined;
      const poll = async (): Promise<void> => {
        try {
          const body = await fetchConfiguration(options, agent, signal);
          const digest = createHash('sha256').update(body).digest('hex');
          if (digest === lastDigest) return;
          const parsed = parseConfigText(body, 'yaml');
          if (!parsed.ok) throw new Error(`cannot decode configuration data: ${parsed.reason}`);
          lastDigest = digest;
          push({ config: parsed.file.content, errors: [] });
        } catch (error) {
          if (!signal.aborted) log.error('provider error, the last configuration stays', { providerName: 'http', error: (error as Error).message });
        }
      };
      await poll();
      while (!signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollInterval);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        if (!signal.aborted) await poll();
      }
      await agent.close();
    },
  };
}

/** GETs the endpoint with the configured headers (`Host` included) within `pollTimeout`; only a 200 counts. */
async function fetchConfiguration(options: HttpProviderOptions, agent: Agent, stop: AbortSignal): Promise<string> {
  const signals = options.pollTimeout > 0 ? [stop, AbortSignal.timeout(options.pollTimeout)] : [stop];
  const response = await request(options.endpoint, { dispatcher: agent, headers: options.headers, signal: AbortSignal.any(signals) });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`cannot fetch configuration data: received non-ok response code: ${response.statusCode}`);
  }
  const limit = options.maxResponseBodySize;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (limit >= 0 && size > limit) {
      response.body.destroy();
      throw new Error('response body too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
