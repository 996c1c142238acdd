import type { UdpLoadBalancerConfig } from '../../config/dynamic/udp-schema.js';
import { ConfigError, configPath } from '../../config/errors.js';
import { parseUdpServerAddress, type UdpServerAddress } from '../udp-address.js';
import type { UdpHandler } from '../udp-session.js';
import { InterleavedRoundRobin } from './weighted-round-robin.js';

/**
 * `udp.services.<name>.loadBalancer`: each new session goes to the next server in turn. A server whose
 * address cannot be parsed is reported and left out while the others serve, as Traefik does.
 * Differs from Traefik: servers keep their declared order (Traefik shuffles them once per build), so the
 * first session after a reload goes to the first server.
 */
export function udpLoadBalancer(config: UdpLoadBalancerConfig, report: (error: ConfigError) => void): UdpHandler {
  const servers: Array<{ item: UdpServerAddress; weight: number }> = [];
  (config.servers ?? []).forEach((server, index) => {
    try {
      servers.push({ item: parseUdpServerAddress(server.address, configPath('servers', index, 'address')), weight: 1 });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      report(error);
    }
  });
  const picker = new InterleavedRoundRobin(servers);
  return function udpLoadBalancer(session) {
    const server = picker.next();
    if (server === undefined) {
      session.log.error('UDP load balancing failed: no servers in the pool');
      return session.close();
    }
    session.dial(server);
  };
}
