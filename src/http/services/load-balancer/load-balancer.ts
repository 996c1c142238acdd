import type { LoadBalancerConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError, quote } from '../../../config/errors.js';
import { NoHealthyServerError } from '../../errors.js';
import { forward, type ForwardTarget } from '../../proxy/forward.js';
import type { ServiceFactory } from '../service.js';
import { parseServerUrl } from '../../../config/dynamic/server-url.js';
import { unreachableDispatcher } from './unreachable-dispatcher.js';
import { WeightedRoundRobin } from './weighted-round-robin.js';

/** Options this build does not apply yet; refusing them beats pretending. */
const unsupportedOptions = ['sticky', 'healthCheck', 'passiveHealthCheck'] as const;

/** Spreads requests over the servers by smooth weighted round robin and forwards each one. */
export const loadBalancer: ServiceFactory<LoadBalancerConfig> = (config, context) => {
  for (const option of unsupportedOptions) {
    if (config[option] !== undefined) throw new ConfigError(option, 'not supported yet');
  }
  if (config.strategy !== 'wrr') throw new ConfigError('strategy', `strategy ${quote(config.strategy)} is not supported yet; use "wrr"`);

  const targets = (config.servers ?? []).map((server) => {
    const { url, isPortInvalid } = parseServerUrl(server.url)!;
    // `url.origin` is "null" for h2c:, which WHATWG URLs do not know.
    const transport = context.transport(`${url.protocol}//${url.host}`, config.serversTransport);
    const target: ForwardTarget = {
      dispatcher: isPortInvalid ? unreachableDispatcher(server.url) : transport.dispatcher,
      authority: url.host,
      basePath: url.pathname,
      passHostHeader: config.passHostHeader,
      preservePath: server.preservePath === true,
      responseHeaderTimeoutMs: transport.responseHeaderTimeoutMs,
    };
    return { item: target, weight: server.weight ?? 1 };
  });
  const picker = new WeightedRoundRobin(targets);
  const serviceName = context.name;

  return function loadBalancer(exchange) {
    const target = picker.next();
    if (target === undefined) return exchange.fail(new NoHealthyServerError(serviceName));
    forward(exchange, target);
  };
};
