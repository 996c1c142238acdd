import type { ServerHealthCheckConfig } from '../../../config/dynamic/http-schema.js';
import { parseServerUrl } from '../../../config/dynamic/server-url.js';
import { healthCheckTimings, type HealthCheckPlan, type HealthCheckTarget } from '../health-check/health-monitor.js';
import { checkGrpcHealth } from '../health-check/grpc-health-check.js';
import { checkHttpHealth, originOf, type HttpHealthCheckSpec } from '../health-check/http-health-check.js';
import type { ServiceBuildContext } from '../service.js';

/**
 * Turns `healthCheck` into what the checker does for each server: the URL (the server URL with `path`
 * resolved against it, then `scheme` and `port` applied, as Traefik's newRequest does) and its pool.
 */
export function healthCheckPlan(config: ServerHealthCheckConfig, serversTransport: string | undefined, servers: readonly string[], context: ServiceBuildContext): HealthCheckPlan {
  const { intervalMs, unhealthyIntervalMs, timeoutMs } = healthCheckTimings(config);
  const spec: HttpHealthCheckSpec = {
    method: config.method,
    status: config.status ?? 0,
    hostname: config.hostname === '' ? undefined : config.hostname,
    headers: config.headers ?? {},
    followRedirects: config.followRedirects,
    timeoutMs,
  };
  // Traefik dials gRPC checks without credentials: only plaintext (h2c) servers can pass them.
  const isGrpcPlaintext = config.scheme === undefined || config.scheme === 'http' || config.scheme === 'h2c';
  const targets: HealthCheckTarget[] = [];
  for (const server of new Set(servers)) {
    const { url: serverUrl, isPortInvalid } = parseServerUrl(server)!;
    if (isPortInvalid) continue;
    let url = new URL(config.path ?? '', serverUrl);
    if (config.scheme !== undefined && config.mode === 'http') url = withScheme(url, config.scheme);
    if (config.port !== undefined && config.port !== 0) url.port = String(config.port);
    const dispatcher = context.transport(originOf(url), serversTransport).dispatcher;
    const probe =
      config.mode === 'http'
        ? (signal: AbortSignal) => withContext('checking HTTP health', checkHttpHealth(url, dispatcher, spec, signal))
        : isGrpcPlaintext
          ? (signal: AbortSignal) => withContext('checking gRPC health', checkGrpcHealth(url.hostname.replace(/^\[|\]$/g, ''), url.port || defaultPort(url), timeoutMs, signal))
          : () => Promise.reject(new Error('checking gRPC health: grpc: no transport security set'));
    targets.push({ server, probe });
  }
  return { intervalMs, unhealthyIntervalMs, targets, targetField: 'targetURL' };
}

/**
 * The check URL with the configured scheme (`h2c` checks over HTTP/2 in clear, as the server's own h2c
 * transport). WHATWG URLs cannot switch between `http` and `h2c` in place, so the URL is made again.
 */
function withScheme(url: URL, scheme: string): URL {
  return new URL(`${scheme}://${url.host}${url.pathname}${url.search}`);
}

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80';
}

/** Prefixes a failed check's reason with what was being checked, as Traefik's log lines read. */
async function withContext(what: string, check: Promise<void>): Promise<void> {
  try {
    await check;
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
}
