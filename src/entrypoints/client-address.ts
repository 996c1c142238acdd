import type { Socket } from 'node:net';
import { normalizeIp } from '../net/ip-range.js';

/** A client's address as Junction uses it: after PROXY protocol, IPv4-mapped IPv6 reduced to IPv4. */
export interface ClientAddress {
  readonly ip: string;
  readonly port: number;
}

// The PROXY protocol rewrites who the client is; sockets carry no field of ours, so a weak map holds it.
const rewritten = new WeakMap<Socket, ClientAddress>();

/** Records the client address a PROXY header gave for a socket (and for the TLS socket over it). */
export function setClientAddress(socket: Socket, address: ClientAddress): void {
  rewritten.set(socket, address);
}

/** The client address of a socket: from its PROXY header when trusted, else its peer. */
export function clientAddressOf(socket: Socket): ClientAddress {
  return rewritten.get(socket) ?? { ip: normalizeIp(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
}
