import { ConfigError, configPath, quote } from '../../config/errors.js';
import { internalEntryPointName, listEntryPoints, type StaticConfig } from '../../config/static/static-config.js';
import type { ProviderSnapshot } from '../provider.js';

/**
 * Priorities of the internal routers, as Traefik's MaxInt, MaxInt - 1 and MaxInt - 2: above anything a user
 * writes. A JavaScript number cannot hold Traefik's int64 values; the API shows them as Traefik does.
 */
const internalPriority = Number.MAX_SAFE_INTEGER;
const apiPriority = Number.MAX_SAFE_INTEGER - 1;
const dashboardPriority = Number.MAX_SAFE_INTEGER - 2;

/**
 * With `api.insecure`, the API (and `/debug` with `api.debug`) on entryPoint `traefik`, and the dashboard for
 * every other path there: `/` redirects to `/dashboard/`, which is stripped before `dashboard@internal`.
 */
function addApiRouters(config: StaticConfig, routers: Record<string, unknown>, middlewares: Record<string, unknown>): void {
  const api = config.api;
  if (api === undefined || !api.insecure) return;
  const onInternalEntryPoint = { entryPoints: [internalEntryPointName], ruleSyntax: 'default' };
  routers.api = { ...onInternalEntryPoint, service: 'api@internal', priority: apiPriority, rule: 'PathPrefix(`/api`)' };
  if (api.dashboard) {
    routers.dashboard = {
      ...onInternalEntryPoint,
      middlewares: ['dashboard_redirect@internal', 'dashboard_stripprefix@internal'],
      service: 'dashboard@internal',
      priority: dashboardPriority,
      rule: 'PathPrefix(`/`)',
    };
    middlewares.dashboard_redirect = { redirectRegex: { regex: '^(http:\\/\\/(\\[[\\w:.]+\\]|[\\w\\._-]+)(:\\d+)?)\\/$', replacement: '${1}/dashboard/', permanent: true } };
    middlewares.dashboard_stripprefix = { stripPrefix: { prefixes: ['/dashboard/', '/dashboard'] } };
  }
  if (api.debug) routers.debug = { ...onInternalEntryPoint, service: 'api@internal', priority: apiPriority, rule: 'PathPrefix(`/debug`)' };
}

/**
 * The HTTP-01 challenge router on each entryPoint a resolver's `httpChallenge` names, as Traefik's internal
 * provider: `acme-http` above every other router, or `acme-http-bypass` at its rule's priority where the
 * entryPoint lets user routers answer challenges (`allowACMEByPass`).
 */
function addAcmeRouters(config: StaticConfig, routers: Record<string, unknown>): void {
  const entryPoints: string[] = [];
  const bypassed: string[] = [];
  for (const resolver of Object.values(config.certificatesResolvers)) {
    const entryPoint = resolver.acme?.httpChallenge?.entryPoint;
    if (entryPoint === undefined || entryPoint === '' || entryPoints.includes(entryPoint) || bypassed.includes(entryPoint)) continue;
    if (config.entryPoints[entryPoint]?.allowACMEByPass === true) bypassed.push(entryPoint);
    else entryPoints.push(entryPoint);
  }
  const rule = 'PathPrefix(`/.well-known/acme-challenge/`)';
  if (entryPoints.length > 0) routers['acme-http'] = { rule, ruleSyntax: 'default', entryPoints, service: 'acme-http@internal', priority: internalPriority };
  if (bypassed.length > 0) routers['acme-http-bypass'] = { rule, entryPoints: bypassed, service: 'acme-http@internal' };
}

/** Normalises a generated name as Traefik's `provider.Normalize`: anything but letters, digits and `-` becomes `-`. */
function normalizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9-]+/g, '-');
}

/**
 * The routers, middlewares and services the static configuration implies, as Traefik's internal provider
 * generates them: the insecure API and dashboard, `ping` and `prometheus` on their entryPoints, and one redirect
 * router per `http.redirections.entryPoint`.
 */
export function internalSnapshot(config: StaticConfig): ProviderSnapshot {
  const routers: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  const errors: ConfigError[] = [];
  addApiRouters(config, routers, middlewares);
  addAcmeRouters(config, routers);
  if (config.ping !== undefined && !config.ping.manualRouting) {
    routers.ping = { entryPoints: [config.ping.entryPoint], service: 'ping@internal', rule: 'PathPrefix(`/ping`)', ruleSyntax: 'default', priority: internalPriority };
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
  const tcpTransport = config.tcpServersTransport;
  const tcp = tcpTransport === undefined ? {} : { tcp: { serversTransports: { default: defaultTcpServersTransport(tcpTransport) } } };
  return { config: { http: { routers, middlewares }, ...tcp }, errors };
}

/** The static `tcpServersTransport` as the `default@internal` TCP serversTransport (durations in Traefik's notation). */
function defaultTcpServersTransport(transport: NonNullable<StaticConfig['tcpServersTransport']>): Record<string, unknown> {
  return {
    dialTimeout: `${transport.dialTimeout}ms`,
    dialKeepAlive: `${transport.dialKeepAlive}ms`,
    ...(transport.terminationDelay !== undefined ? { terminationDelay: `${transport.terminationDelay}ms` } : {}),
    ...(transport.tls !== undefined
      ? { tls: { insecureSkipVerify: transport.tls.insecureSkipVerify, rootCAs: transport.tls.rootCAs, ...(transport.tls.spiffe !== undefined ? { spiffe: transport.tls.spiffe } : {}) } }
      : {}),
  };
}
