/** What one router's requests feed: Traefik's `observability` options of the router, else of its entryPoint. */
export interface ObservabilityFlags {
  readonly accessLogs: boolean;
  readonly metrics: boolean;
  readonly tracing: boolean;
  readonly traceVerbosity: 'minimal' | 'detailed';
}

/** Requests no router took (404, bad requests) are observed as Traefik's default handler: everything on. */
export const defaultObservability: ObservabilityFlags = Object.freeze({ accessLogs: true, metrics: true, tracing: true, traceVerbosity: 'minimal' });

/** Partial options as a router or entryPoint writes them. */
export interface ObservabilityOptions {
  readonly accessLogs?: boolean;
  readonly metrics?: boolean;
  readonly tracing?: boolean;
  readonly traceVerbosity?: 'minimal' | 'detailed';
}

/** Which telemetry also covers routers of Junction's own services (`addInternals` of each section). */
export interface InternalObservability {
  readonly accessLogs: boolean;
  readonly metrics: boolean;
  readonly tracing: boolean;
}

/**
 * Resolves a router's flags as Traefik does: each option unset on the router takes the entryPoint's value,
 * and routers of the internal provider (ping, prometheus, api) are observed only with `addInternals`.
 */
export function routerObservability(
  router: ObservabilityOptions | undefined,
  entryPoint: ObservabilityFlags,
  isInternal: boolean,
  internals: InternalObservability,
): ObservabilityFlags {
  return Object.freeze({
    accessLogs: (router?.accessLogs ?? entryPoint.accessLogs) && (!isInternal || internals.accessLogs),
    metrics: (router?.metrics ?? entryPoint.metrics) && (!isInternal || internals.metrics),
    tracing: (router?.tracing ?? entryPoint.tracing) && (!isInternal || internals.tracing),
    traceVerbosity: router?.traceVerbosity ?? entryPoint.traceVerbosity,
  });
}
