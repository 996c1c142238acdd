import type { UdpHandler } from '../udp-session.js';
import { InterleavedRoundRobin } from './weighted-round-robin.js';

/**
 * `udp.services.<name>.weighted`: each new session goes to one of the services by interleaved weighted round
 * robin (weight 1 when not given), then to that service's own choice of server.
 * Differs from Traefik: services keep their declared order (Traefik shuffles them once per build).
 */
export function udpWeighted(services: ReadonlyArray<{ readonly handler: UdpHandler; readonly weight: number }>): UdpHandler {
  const picker = new InterleavedRoundRobin(services.map(({ handler, weight }) => ({ item: handler, weight })));
  return function udpWeighted(session) {
    const next = picker.next();
    if (next === undefined) {
      session.log.error('UDP load balancing failed: no service with a positive weight');
      return session.close();
    }
    next(session);
  };
}
