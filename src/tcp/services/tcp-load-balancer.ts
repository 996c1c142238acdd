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

/** Sends each connection to the next server in turn, as Traefik's TCP load balancer; with no server, closes it. */
export function tcpLoadBalancer(servers: readonly TcpServerTarget[]): TcpHandler {
  let next = 0;
  return function tcpLoadBalancer(connection) {
    if (servers.length === 0) {
      connection.log.debug('no TCP server to serve the connection');
      connection.socket.destroy();
      return;
    }
    const server = servers[next]!;
    next = (next + 1) % servers.length;
    proxyTcp(connection, server.host, server.port, server.settings);
  };
}

/**
 * Shares connections among services by weight with a smooth weighted round robin (each pick goes to the
 * service furthest behind its share), as Traefik's TCP weighted service.
 */
export function tcpWeighted(services: ReadonlyArray<{ readonly handler: TcpHandler; readonly weight: number }>): TcpHandler {
  const active = services.filter((service) => service.weight > 0);
  const current = active.map(() => 0);
  const total = active.reduce((sum, service) => sum + service.weight, 0);
  return function tcpWeighted(connection) {
    if (active.length === 0) {
      connection.socket.destroy();
      return;
    }
    let best = 0;
    for (let index = 0; index < active.length; index++) {
      current[index]! += active[index]!.weight;
      if (current[index]! > current[best]!) best = index;
    }
    current[best]! -= total;
    active[best]!.handler(connection);
  };
}
