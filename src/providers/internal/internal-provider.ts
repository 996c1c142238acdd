import { ConfigError, configPath, quote } from '../../config/errors.js';
import { listEntryPoints, type StaticConfig } from '../../config/static/static-config.js';
import type { ProviderSnapshot } from '../provider.js';

/** Priority of ping and metrics, as Traefik's internal routers: above anything a user writes. */
const internalPriority = Number.MAX_SAFE_INTEGER;

/** Normalises a generated name as Traefik's `provider.Normalize`: anything but letters, digits and `-` becomes `-`. */
function normalizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9-]+/g, '-');
}

/**
 * The routers, middlewares and services the static configuration implies, as Traefik's internal provider
 * generates them: `ping` and `prometheus` on their entryPoints, and one redirect router per `http.redirections.entryPoint`.
 */
export function internalSnapshot(config: StaticConfig): ProviderSnapshot {
  const routers: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  const errors: ConfigError[] = [];
  if (config.ping !== undefined && !config.ping.manualRouting) {
    routers.ping = { rule: 'PathPrefix(`/ping`)', entryPoints: [config.ping.entryPoint], service: 'ping@internal', priority: internalPriority };
  }
  const prometheus = config.metrics?.prometheus;
  if (prometheus !== undefined && !prometheus.manualRouting) {
    routers.prometheus = { rule: 'PathPrefix(`/metrics`)', entryPoints: [prometheus.entryPoint], service: 'prometheus@internal', priority: internalPriority };
  }
  const entryPoints = listEntryPoints(config);
  for (const { name, config: entryPoint } of entryPoints) {
    const redirection = entryPoint.http.redirections?.entryPoint;
    if (redirection === undefined) continue;
    const path = configPath('entryPoints', name, 'http', 'redirections', 'entryPoint', 'to');
    let port: string;
    if (redirection.to.startsWith(':')) port = redirection.to.slice(1);
    else {
      const target = entryPoints.find((candidate) => candidate.name === redirection.to);
      if (target === undefined) {
        errors.push(new ConfigError(path, `entryPoint ${quote(redirection.to)} does not exist`));
        continue;
      }
      port = String(target.address.port);
    }
    const routerName = normalizeName(`${name}-to-${redirection.to}`);
    const middlewareName = `redirect-${routerName}`;
    const isAcmeBypassed = entryPoint.allowACMEByPass;
    routers[routerName] = {
      rule: isAcmeBypassed ? 'HostRegexp(`^.+$`) && !PathPrefix(`/.well-known/acme-challenge/`)' : 'HostRegexp(`^.+$`)',
      ruleSyntax: 'v3',
      entryPoints: [name],
      middlewares: [middlewareName],
      service: 'noop@internal',
      priority: redirection.priority,
    };
    middlewares[middlewareName] = { redirectScheme: { scheme: redirection.scheme, port, permanent: redirection.permanent } };
  }
  return { config: { http: { routers, middlewares } }, errors };
}
