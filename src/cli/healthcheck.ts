import { request } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { listEntryPoints } from '../config/static/static-config.js';
import { loadForCommand } from './static-config.js';

/** What the health check reached: a status, or why no answer came. */
type PingResult = { readonly status: number; readonly url: string } | { readonly error: string };

/**
 * Calls the running instance's `/ping` on its ping entryPoint with `HEAD`, as `traefik healthcheck`: prints
 * `OK: <url>` and exits 0 on 200; prints the error or the status and exits 1 otherwise.
 */
export async function healthcheck(argv: readonly string[]): Promise<number> {
  const loaded = loadForCommand(argv);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`static configuration error: ${error.message}\n`);
    return 1;
  }
  const result = await ping(loaded.config);
  if ('error' in result) {
    process.stdout.write(`Error calling healthcheck: ${result.error}\n`);
    return 1;
  }
  if (result.status !== 200) {
    process.stdout.write(`Bad healthcheck status: ${result.status} ${STATUS_CODES[result.status] ?? ''}\n`);
    return 1;
  }
  process.stdout.write(`OK: ${result.url}\n`);
  return 0;
}

async function ping(config: ReturnType<typeof loadForCommand>['config']): Promise<PingResult> {
  if (config.ping === undefined) return { error: 'please enable `ping` to use health check' };
  const name = config.ping.entryPoint === '' ? 'traefik' : config.ping.entryPoint;
  const entryPoint = listEntryPoints(config).find((candidate) => candidate.name === name);
  if (entryPoint === undefined) return { error: `ping: missing ${name} entry point` };
  // An entryPoint listening on every address is reached on the loopback one, as Go dials ":8080".
  const host = entryPoint.address.host === '' || entryPoint.address.host === '0.0.0.0' ? '127.0.0.1' : entryPoint.address.host === '::' ? '::1' : entryPoint.address.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${entryPoint.address.port}/ping`;
  return new Promise((resolve) => {
    const call = request(url, { method: 'HEAD', timeout: 5000 }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, url });
    });
    call.on('timeout', () => call.destroy(new Error('timeout awaiting response headers')));
    call.on('error', (error) => resolve({ error: `Head "${url}": ${error.message}` }));
    call.end();
  });
}
