import type { Buffer } from 'node:buffer';
import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../observability/logger.js';
import type { UdpRoute } from '../udp/build-udp-runtime.js';
import { UdpSession, type UdpDownstream } from '../udp/udp-session.js';

export interface UdpEntryPointOptions {
  readonly name: string;
  /** Host to bind ('' for every interface, IPv4 and IPv6) and port (0 picks a free one). */
  readonly host: string;
  readonly port: number;
  /** `udp.timeout`: a session without traffic either way for this long is forgotten. */
  readonly timeoutMs: number;
  readonly requestAcceptGraceTimeoutMs: number;
  readonly graceTimeOutMs: number;
}

/** How often shutdown looks whether the sessions have ended, as Traefik's listener does. */
const drainPollMs = 500;

/**
 * A UDP entryPoint (`:port/udp`): one socket, and a session per client address and port. The first
 * datagram of a client opens a session served by the route current at that moment; later datagrams of
 * the client follow the session, across reloads, until it ends (idle timeout or server failure).
 */
export class UdpEntryPoint implements UdpDownstream {
  readonly name: string;
  readonly log: Logger;
  readonly #options: UdpEntryPointOptions;
  readonly #sessions = new Map<string, UdpSession>();
  #socket: Socket | undefined;
  #route: UdpRoute | undefined;
  #isAccepting = true;

  constructor(options: UdpEntryPointOptions, log: Logger) {
    this.name = options.name;
    this.#options = options;
    this.log = log.with({ entryPointName: options.name });
  }

  /** Binds the socket; rejects when the address cannot be bound. */
  async listen(): Promise<void> {
    const { host, port } = this.#options;
    for (const [type, address] of await bindCandidates(host)) {
      const socket = createSocket({ type });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind({ port, ...(address !== undefined ? { address } : {}), exclusive: true }, () => {
            socket.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        socket.close();
        // Without IPv6 on the machine, every interface means every IPv4 interface.
        if (host === '' && type === 'udp6' && (error as NodeJS.ErrnoException).code === 'EAFNOSUPPORT') continue;
        throw error;
      }
      socket.on('message', this.#onMessage);
      socket.on('error', (error) => this.log.error('UDP entryPoint socket error', { error: error.message }));
      this.#socket = socket;
      return;
    }
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return this.#socket?.address().port ?? this.#options.port;
  }

  /** Serves new sessions with `route` from now on; sessions already open keep their server. */
  switch(route: UdpRoute | undefined): void {
    this.#route = route;
    if (route !== undefined && route.ignoredRouters.length > 0) {
      this.log.warn('more than one UDP router on this entryPoint; only one is used', { routerName: route.routerName, ignoredRouters: route.ignoredRouters.join(', ') });
    }
  }

  send(message: Buffer, port: number, address: string): void {
    this.#socket?.send(message, port, address);
  }

  release(session: UdpSession): void {
    if (this.#sessions.get(session.key) === session) this.#sessions.delete(session.key);
  }

  readonly #onMessage = (message: Buffer, remote: RemoteInfo): void => {
    const key = `${remote.address} ${remote.port}`;
    let session = this.#sessions.get(key);
    if (session === undefined) {
      const route = this.#route;
      // Without a router (or once shutting down) no session opens and the datagram is dropped, as in Traefik.
      if (route === undefined || !this.#isAccepting) return;
      session = new UdpSession(key, remote.address, remote.port, this, this.#options.timeoutMs);
      this.#sessions.set(key, session);
      route.handler(session);
      if (session.isClosed) return;
    }
    session.receive(message);
  };

  /**
   * Stops as Traefik's UDP entryPoint does: keeps serving for requestAcceptGraceTimeout, then refuses new
   * sessions, waits up to graceTimeOut for the open ones to end, and closes whatever is left.
   */
  async shutdown(): Promise<void> {
    const { requestAcceptGraceTimeoutMs, graceTimeOutMs } = this.#options;
    if (requestAcceptGraceTimeoutMs > 0) await delay(requestAcceptGraceTimeoutMs);
    this.#isAccepting = false;
    const deadline = Date.now() + graceTimeOutMs;
    while (this.#sessions.size > 0 && Date.now() < deadline) await delay(Math.min(drainPollMs, Math.max(1, deadline - Date.now())));
    for (const session of [...this.#sessions.values()]) session.close();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** Socket types and addresses to try, in order: every interface is IPv6 with IPv4 mapped, else IPv4. */
async function bindCandidates(host: string): Promise<Array<readonly [SocketType, string | undefined]>> {
  if (host === '') return [['udp6', undefined], ['udp4', undefined]];
  const family = isIP(host) || (await lookup(host)).family;
  return [[family === 6 ? 'udp6' : 'udp4', host]];
}
