import type { ServerHealthCheckConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError } from '../../../config/errors.js';
import { parseServerUrl } from '../../../config/dynamic/server-url.js';
import type { HealthCheckPlan, HealthCheckTarget } from '../health-check/health-monitor.js';
import { originOf } from '../health-check/http-health-check.js';
import type { ServiceBuildContext } from '../service.js';

/**
 * Turns `healthCheck` into what the checker does for each server: the URL (the server URL with `path`
 * resolved against it, then `scheme` and `port` applied, as Traefik's newRequest does) and its pool.
 */
export function healthCheckPlan(config: ServerHealthCheckConfig, serversTransport: string | undefined, servers: readonly string[], context: ServiceBuildContext): HealthCheckPlan {
  if (config.scheme === 'h2c' && config.mode === 'http') throw new ConfigError('healthCheck.scheme', 'scheme "h2c" is not supported yet');
  const intervalMs = config.interval > 0 ? config.interval : 30_000;
  const unhealthyIntervalMs = config.unhealthyInterval === undefined ? intervalMs : config.unhealthyInterval > 0 ? config.unhealthyInterval : 30_000;
  const timeoutMs = config.timeout > 0 ? config.timeout : 5_000;
  const targets: HealthCheckTarget[] = [];
  for (const server of new Set(servers)) {
    const { url: serverUrl, isPortInvalid } = parseServerUrl(server)!;
    if (isPortInvalid) continue;
    const url = new URL(config.path ?? '', serverUrl);
    if (config.scheme !== undefined && config.mode === 'http') url.protocol = `${config.scheme}:`;
    if (config.port !== undefined && config.port !== 0) url.port = String(config.port);
    targets.push({ server, url, dispatcher: context.transport(originOf(url), serversTransport).dispatcher });
  }
  return {
    mode: config.mode,
    // Traefik dials gRPC checks without credentials: only plaintext (h2c) servers can pass them.
    isGrpcPlaintext: config.scheme === undefined || config.scheme === 'http' || config.scheme === 'h2c',
    spec: {
      method: config.method,
      status: config.status ?? 0,
      hostname: config.hostname === '' ? undefined : config.hostname,
      headers: config.headers ?? {},
      followRedirects: config.followRedirects,
      timeoutMs,
    },
    intervalMs,
    unhealthyIntervalMs,
    targets,
  };
}
