import type { LoadBalancerConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError, configPath } from '../../../config/errors.js';
import { parseServerUrl } from '../../../config/dynamic/server-url.js';
import { NoHealthyServerError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { forward, type ForwardTarget } from '../../proxy/forward.js';
import { RendezvousHash } from '../highest-random-weight/rendezvous-hash.js';
import { PassiveHealth } from '../health-check/passive-health.js';
import type { HealthCheckPlan } from '../health-check/health-monitor.js';
import type { ServerHealthTable } from '../health-check/server-health.js';
import type { ServiceBuildContext, ServiceFactory } from '../service.js';
import { StickyCookie } from '../sticky/sticky-cookie.js';
import { healthCheckPlan } from './health-check-plan.js';
import { LeastTime } from './least-time.js';
import { PowerOfTwoChoices } from './power-of-two-choices.js';
import { unreachableDispatcher } from './unreachable-dispatcher.js';
import { WeightedRoundRobin } from './weighted-round-robin.js';

interface Server {
  readonly name: string;
  readonly weight: number;
  readonly target: ForwardTarget;
}

/** Picks a server index among those `isAvailable` accepts, or undefined when none is. */
type Pick = (exchange: Exchange, isAvailable: (index: number) => boolean) => number | undefined;

/**
 * Spreads requests over the servers (smooth weighted round robin, power of two choices, or highest random
 * weight), skips servers that fail their health check, pins clients with a sticky cookie, and forwards.
 */
export const loadBalancer: ServiceFactory<LoadBalancerConfig> = (config, context) => {
  if (config.strategy === 'hrw' && config.sticky !== undefined) context.log.warn('sticky is ignored with strategy "hrw", which pins clients by their IP');

  const servers: Server[] = (config.servers ?? []).map((server, index) => {
    const { url, isPortInvalid } = parseServerUrl(server.url)!;
    if (url.protocol === 'h2c:') throw new ConfigError(configPath('servers', index, 'url'), 'h2c servers are not supported yet');
    const transport = context.transport(url.origin, config.serversTransport);
    const target: ForwardTarget = {
      dispatcher: isPortInvalid ? unreachableDispatcher(server.url) : transport.dispatcher,
      authority: url.host,
      basePath: url.pathname,
      passHostHeader: config.passHostHeader,
      preservePath: server.preservePath === true,
      responseHeaderTimeoutMs: transport.responseHeaderTimeoutMs,
    };
    return { name: server.url, weight: server.weight ?? 1, target };
  });

  const health = config.healthCheck === undefined ? undefined : serverHealth(config, servers, context);
  const pick = picker(config.strategy, servers, context);
  const sticky = config.sticky?.cookie === undefined || config.strategy === 'hrw' ? undefined : new StickyCookie(config.sticky.cookie, context.name, servers.map((server) => server.name));
  const targets = servers.map((server) => server.target);
  const serviceName = context.name;
  // A server with weight 0 never takes a request, as in Traefik where it is not even added.
  const isWeighted = servers.map((server) => server.weight > 0);
  const passive = config.passiveHealthCheck === undefined ? undefined : passiveHealth(config.passiveHealthCheck, servers, context);
  const isAvailable = (index: number): boolean => isWeighted[index] === true && (health?.isUp(index) ?? true) && (passive?.isUp(index) ?? true);

  /** Forwards to server `index`; with a passive health check, its answer's status is recorded. */
  function send(exchange: Exchange, index: number): void {
    if (passive !== undefined) exchange.onResponseHeaders((status) => passive.record(index, status));
    forward(exchange, targets[index]!);
  }

  function loadBalancer(exchange: Exchange): void {
    if (sticky !== undefined) {
      const pin = sticky.pinned(exchange);
      if (pin !== undefined && isAvailable(pin.index)) {
        if (pin.isLegacy) sticky.pin(exchange, pin.index);
        return send(exchange, pin.index);
      }
    }
    const index = health !== undefined && !health.hasUpServer ? undefined : pick(exchange, isAvailable);
    if (index === undefined) return exchange.fail(new NoHealthyServerError(serviceName));
    sticky?.pin(exchange, index);
    send(exchange, index);
  }

  return {
    handler: loadBalancer,
    availability: health === undefined ? undefined : { isAvailable: () => health.hasUpServer && servers.some((_server, index) => isAvailable(index)) },
  };
};

function passiveHealth(config: NonNullable<LoadBalancerConfig['passiveHealthCheck']>, servers: readonly Server[], context: ServiceBuildContext): PassiveHealth {
  return context.state('passive', () => new PassiveHealth(servers.map((server) => server.name), config.failureWindow > 0 ? config.failureWindow : 10_000, config.maxFailedAttempts, context.log));
}

function serverHealth(config: LoadBalancerConfig, servers: readonly Server[], context: ServiceBuildContext): ServerHealthTable {
  const plan: HealthCheckPlan = healthCheckPlan(config.healthCheck!, config.serversTransport, servers.map((server) => server.name), context);
  return context.serverHealth(servers.map((server) => server.name), plan);
}

/** Calls `done` once the exchange is over: its response closed, or its upgraded connection. */
function whenDone(exchange: Exchange, done: () => void): void {
  if (exchange.upgrade !== undefined) exchange.upgrade.socket.once('close', done);
  else exchange.response.once('close', done);
}

function picker(strategy: LoadBalancerConfig['strategy'], servers: readonly Server[], context: ServiceBuildContext): Pick {
  switch (strategy) {
    case 'p2c': {
      const p2c = context.state('p2c', () => new PowerOfTwoChoices(servers.length));
      return (exchange, isAvailable) => {
        const index = p2c.next(isAvailable);
        if (index === undefined) return undefined;
        p2c.started(index);
        whenDone(exchange, () => p2c.finished(index));
        return index;
      };
    }
    case 'leasttime': {
      const leastTime = context.state('leasttime', () => new LeastTime(servers.map((server) => server.weight)));
      return (exchange, isAvailable) => {
        const index = leastTime.next(isAvailable);
        if (index === undefined) return undefined;
        leastTime.started(index);
        const startedAt = performance.now();
        whenDone(exchange, () => leastTime.finished(index));
        exchange.onResponseHeaders(() => {
          // Only an answer from the server counts; not one Junction makes for a failure.
          if (exchange.error === undefined) leastTime.recordFirstByte(index, performance.now() - startedAt);
        });
        return index;
      };
    }
    case 'hrw': {
      const hash = new RendezvousHash(servers.map((server) => ({ name: server.name, weight: server.weight })));
      return (exchange, isAvailable) => hash.next(exchange.clientIp, isAvailable);
    }
    default: {
      const wrr = context.state('wrr', () => new WeightedRoundRobin(servers.map((server, index) => ({ item: index, weight: server.weight }))));
      return (_exchange, isAvailable) => wrr.next(isAvailable);
    }
  }
}
