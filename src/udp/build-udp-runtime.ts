import type { UdpRouterConfig, UdpServiceConfig } from '../config/dynamic/udp-schema.js';
import { ConfigError, configPath, joinPath, nearestName, quote } from '../config/errors.js';
import { qualify, type MergedConfig, type MergedItem } from '../runtime/merged-config.js';
import type { AttributedError } from '../runtime/runtime-report.js';
import type { EntryPointSettings } from '../runtime/runtime-settings.js';
import { udpLoadBalancer } from './services/load-balancer.js';
import { udpWeighted } from './services/weighted.js';
import type { UdpHandler } from './udp-session.js';

/** What a UDP entryPoint serves new sessions with. */
export interface UdpRoute {
  /** Qualified name of the router in use. */
  readonly routerName: string;
  readonly handler: UdpHandler;
  /** Other routers on the same entryPoint, which Traefik leaves unused. */
  readonly ignoredRouters: readonly string[];
}

/** The compiled `udp` section: one route per UDP entryPoint that has a working router. */
export interface UdpRuntime {
  readonly routes: ReadonlyMap<string, UdpRoute>;
  readonly errors: readonly ConfigError[];
  /** The same faults, each with the provider whose item it is in. */
  readonly attributed: readonly AttributedError[];
}

export const emptyUdpRuntime: UdpRuntime = { routes: new Map(), errors: [], attributed: [] };

type Built = { readonly ok: true; readonly handler: UdpHandler } | { readonly ok: false; readonly reason: string };

/**
 * Compiles the UDP routers and services, as Traefik's UDP router manager does: a router without
 * entryPoints serves on every UDP entryPoint (`asDefault` plays no part); an entryPoint uses a single router,
 * the first in descending order of qualified name whose service builds; each router on each entryPoint gets
 * its own service instance, hence its own round-robin position.
 */
export function buildUdpRuntime(config: MergedConfig, entryPoints: readonly EntryPointSettings[]): UdpRuntime {
  return new UdpRuntimeBuilder(config, entryPoints).build();
}

class UdpRuntimeBuilder {
  readonly #config: MergedConfig;
  readonly #entryPoints: readonly string[];
  readonly #otherEntryPoints: ReadonlySet<string>;
  readonly #errors: ConfigError[] = [];
  readonly #attributed: AttributedError[] = [];
  readonly #reported = new Set<string>();

  constructor(config: MergedConfig, entryPoints: readonly EntryPointSettings[]) {
    this.#config = config;
    this.#entryPoints = entryPoints.filter((entryPoint) => entryPoint.protocol === 'udp').map((entryPoint) => entryPoint.name);
    this.#otherEntryPoints = new Set(entryPoints.filter((entryPoint) => entryPoint.protocol !== 'udp').map((entryPoint) => entryPoint.name));
  }

  build(): UdpRuntime {
    const routersByEntryPoint = new Map<string, string[]>();
    for (const qualifiedName of [...this.#config.udp.routers.keys()].sort()) {
      for (const entryPoint of this.#routerEntryPoints(this.#config.udp.routers.get(qualifiedName)!)) {
        let names = routersByEntryPoint.get(entryPoint);
        if (names === undefined) routersByEntryPoint.set(entryPoint, (names = []));
        names.push(qualifiedName);
      }
    }
    const routes = new Map<string, UdpRoute>();
    for (const [entryPoint, names] of routersByEntryPoint) {
      names.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
      const built: Array<{ name: string; handler: UdpHandler }> = [];
      for (const name of names) {
        const handler = this.#router(this.#config.udp.routers.get(name)!);
        if (handler !== undefined) built.push({ name, handler });
      }
      const [first, ...others] = built;
      if (first === undefined) continue;
      routes.set(entryPoint, { routerName: first.name, handler: first.handler, ignoredRouters: others.map((other) => other.name) });
    }
    return { routes, errors: this.#errors, attributed: this.#attributed };
  }

  /** Records a fault once, with where the provider wrote it. */
  #report(provider: string, error: ConfigError): void {
    if (this.#reported.has(error.message)) return;
    this.#reported.add(error.message);
    const location = this.#config.locate(provider, error.path);
    const located = location === undefined ? error : new ConfigError(error.path, `${error.reason} (${location})`);
    this.#errors.push(located);
    this.#attributed.push({ provider, error: located });
  }

  /** The UDP entryPoints a router serves on; unknown names are reported and skipped, as in Traefik. */
  #routerEntryPoints(item: MergedItem<UdpRouterConfig>): string[] {
    const path = configPath('udp', 'routers', item.name, 'entryPoints');
    const requested = item.config.entryPoints ?? [];
    const candidates = requested.length === 0 ? this.#entryPoints : requested;
    const valid: string[] = [];
    requested.forEach((name, index) => {
      if (this.#entryPoints.includes(name)) return;
      const reason = this.#otherEntryPoints.has(name)
        ? `entryPoint ${quote(name)} is not a UDP entryPoint`
        : `entryPoint ${quote(name)} does not exist${hint(name, this.#entryPoints)}`;
      this.#report(item.provider, new ConfigError(joinPath(path, index), reason));
    });
    for (const name of candidates) if (this.#entryPoints.includes(name) && !valid.includes(name)) valid.push(name);
    if (valid.length === 0) {
      const reason = this.#entryPoints.length === 0 ? 'no valid entryPoint for this router: there is no UDP entryPoint' : 'no valid entryPoint for this router';
      this.#report(item.provider, new ConfigError(path, reason));
    }
    return valid;
  }

  #router(item: MergedItem<UdpRouterConfig>): UdpHandler | undefined {
    const built = this.#service(qualify(item.config.service, item.provider), []);
    if (built.ok) return built.handler;
    this.#report(item.provider, new ConfigError(configPath('udp', 'routers', item.name, 'service'), built.reason));
    return undefined;
  }

  /** Builds a fresh instance of a service (its own round-robin state); faults inside it are reported at its path. */
  #service(qualifiedName: string, visiting: readonly string[]): Built {
    const item = this.#config.udp.services.get(qualifiedName);
    if (item === undefined) {
      if (this.#config.invalid.udpServices.has(qualifiedName)) return { ok: false, reason: `service ${quote(qualifiedName)} is invalid` };
      return { ok: false, reason: `service ${quote(qualifiedName)} does not exist${hint(qualifiedName, this.#config.udp.services.keys())}` };
    }
    if (visiting.includes(qualifiedName)) {
      return { ok: false, reason: `service cycle: ${[...visiting, qualifiedName].map((name) => quote(name)).join(' -> ')}` };
    }
    const path = configPath('udp', 'services', item.name, item.config.kind);
    try {
      return { ok: true, handler: this.#serviceHandler(item, [...visiting, qualifiedName], path) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report(item.provider, error.under(path));
      return { ok: false, reason: `service ${quote(qualifiedName)} is invalid: ${error.reason}` };
    }
  }

  #serviceHandler(item: MergedItem<UdpServiceConfig>, visiting: readonly string[], path: string): UdpHandler {
    const service = item.config;
    switch (service.kind) {
      case 'loadBalancer':
        return udpLoadBalancer(service.config, (error) => this.#report(item.provider, error.under(path)));
      case 'weighted': {
        const children = (service.config.services ?? []).map(({ name, weight }, index) => {
          const built = this.#service(qualify(name, item.provider), visiting);
          if (!built.ok) throw new ConfigError(configPath('services', index, 'name'), built.reason);
          return { handler: built.handler, weight: weight ?? 1 };
        });
        return udpWeighted(children);
      }
    }
  }
}

function hint(name: string, known: Iterable<string>): string {
  const nearest = nearestName(name, known);
  return nearest === undefined ? '' : `; did you mean ${quote(nearest)}?`;
}
