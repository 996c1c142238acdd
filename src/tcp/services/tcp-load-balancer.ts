import type { TcpHandler } from '../tcp-connection.js';
import { proxyTcp, type TcpDialSettings } from '../tcp-proxy.js';

/** One server of a TCP load balancer. */
export interface TcpServerTarget {
  readonly host: string;
  readonly port: number;
  readonly settings: TcpDialSettings;
}

/** Splits `host:port` (IPv6 hosts in brackets), already validated by the schema. */
export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '127.0.0.1' : host, port: Number(address.slice(colon + 1)) };
}

/**
 * Sends each connection to the next server in turn, as Traefik's TCP load balancer, skipping servers whose
 * health check failed (`isUp`); with no server to send to, closes it.
 */
export function tcpLoadBalancer(servers: readonly TcpServerTarget[], isUp: (index: number) => boolean = () => true): TcpHandler {
  let next = 0;
  return function tcpLoadBalancer(connection) {
    for (let tried = 0; tried < servers.length; tried++) {
      const index = next;
      next = (next + 1) % servers.length;
      if (!isUp(index)) continue;
      const server = servers[index]!;
      proxyTcp(connection, server.host, server.port, server.settings);
      return;
    }
    connection.log.debug('no TCP server to serve the connection');
    connection.socket.destroy();
  };
}

/** A child of a weighted TCP service: its handler, its weight, and whether it has a server up (when followed). */
export interface WeightedTcpChild {
  readonly handler: TcpHandler;
  readonly weight: number;
  readonly isAvailable: () => boolean;
}

/**
 * Shares connections among services by weight with a smooth weighted round robin (each pick goes to the
 * available service furthest behind its share), as Traefik's TCP weighted service.
 */
export function tcpWeighted(services: readonly WeightedTcpChild[]): TcpHandler {
  const active = services.filter((service) => service.weight > 0);
  const current = active.map(() => 0);
  return function tcpWeighted(connection) {
    let best = -1;
    let total = 0;
    for (let index = 0; index < active.length; index++) {
      if (!active[index]!.isAvailable()) continue;
      total += active[index]!.weight;
      current[index]! += active[index]!.weight;
      if (best === -1 || current[index]! > current[best]!) best = index;
    }
    if (best === -1) {
      connection.socket.destroy();
      return;
    }
    current[best]! -= total;
    active[best]!.handler(connection);
  };
}
