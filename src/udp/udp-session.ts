import type { Buffer } from 'node:buffer';
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns';
import { normalizeIp } from '../net/ip-range.js';
import type { Logger } from '../observability/logger.js';
import type { UdpServerAddress } from './udp-address.js';

/** The entryPoint side of sessions: its listening socket and its table of sessions. */
export interface UdpDownstream {
  /** Sends a datagram to a client from the entryPoint's address. */
  send(message: Buffer, port: number, address: string): void;
  /** Forgets a session that ended, so the client's next datagram opens a new one. */
  release(session: UdpSession): void;
  readonly log: Logger;
}

/** Datagrams kept while a session's upstream socket connects; beyond this a burst is dropped, as UDP may. */
const maxPendingDatagrams = 1024;

/**
 * One client address talking through an entryPoint, as Traefik's UDP "session": its datagrams go to one
 * server over a connected socket, the server's replies come back from the entryPoint's address, and the
 * session ends after `timeoutMs` without traffic either way, or when the server's socket fails (an ICMP
 * "port unreachable" surfaces as ECONNREFUSED), so the next datagram opens a session to the next server.
 */
export class UdpSession {
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The entryPoint's key for this session (address and port of the client). */
  readonly key: string;
  readonly #downstream: UdpDownstream;
  readonly #timeoutMs: number;
  #upstream: Socket | undefined;
  /** Datagrams received before the upstream socket is connected; undefined once they are flushed. */
  #pending: Buffer[] | undefined = [];
  #lastActivity = Date.now();
  #timer: NodeJS.Timeout;
  #isClosed = false;

  constructor(key: string, clientAddress: string, clientPort: number, downstream: UdpDownstream, timeoutMs: number) {
    this.key = key;
    this.clientAddress = clientAddress;
    this.clientPort = clientPort;
    this.#downstream = downstream;
    this.#timeoutMs = timeoutMs;
    this.#timer = setTimeout(this.#checkIdle, timeoutMs);
    this.#timer.unref();
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  get log(): Logger {
    return this.#downstream.log;
  }

  /** Forwards a datagram from the client (queued until the server's socket is connected). */
  receive(message: Buffer): void {
    if (this.#isClosed) return;
    this.#lastActivity = Date.now();
    const pending = this.#pending;
    if (pending === undefined) {
      this.#upstream!.send(message);
      return;
    }
    if (pending.length < maxPendingDatagrams) pending.push(message);
  }

  /** Connects the session to a server; names are resolved now, as Go's dialer does for each session. */
  dial(server: UdpServerAddress): void {
    if (this.#isClosed || this.#upstream !== undefined) return;
    this.log.debug('handling UDP session', { clientAddress: this.#describeClient(), serverAddress: server.address });
    if (server.family !== 0) {
      this.#connect(server.host, server.family, server.port, server.address);
      return;
    }
    lookup(server.host, (error, address, family) => {
      if (this.#isClosed) return;
      if (error !== null) return this.close(`cannot resolve ${server.address}: ${error.message}`);
      this.#connect(address, family === 6 ? 6 : 4, server.port, server.address);
    });
  }

  #connect(host: string, family: 4 | 6, port: number, address: string): void {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    this.#upstream = socket;
    socket.on('message', (message: Buffer) => this.#reply(message));
    // A failed connect and a failed send or receive all arrive here; each ends the session.
    socket.on('error', (error: Error) => this.close(`error from server ${address}: ${error.message}`));
    socket.once('connect', () => {
      if (this.#isClosed) return;
      const pending = this.#pending ?? [];
      this.#pending = undefined;
      for (const message of pending) socket.send(message);
    });
    socket.connect(port, host);
  }

  #reply(message: Buffer): void {
    if (this.#isClosed) return;
    this.#lastActivity = Date.now();
    this.#downstream.send(message, this.clientPort, this.clientAddress);
  }

  /** The client as Go prints a UDP address: `127.0.0.1:5353` (IPv4-mapped shown as IPv4), `[::1]:5353`. */
  #describeClient(): string {
    const address = normalizeIp(this.clientAddress);
    return address.includes(':') ? `[${address}]:${this.clientPort}` : `${address}:${this.clientPort}`;
  }

  /** Re-arms the idle timer lazily: traffic only stamps `#lastActivity`, the timer checks it when due. */
  readonly #checkIdle = (): void => {
    if (this.#isClosed) return;
    const idleMs = Date.now() - this.#lastActivity;
    if (idleMs >= this.#timeoutMs) {
      this.close();
      return;
    }
    this.#timer = setTimeout(this.#checkIdle, this.#timeoutMs - idleMs);
    this.#timer.unref();
  };

  /** Ends the session: closes the server's socket and forgets the client. Safe to call more than once. */
  close(reason?: string): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearTimeout(this.#timer);
    this.#pending = undefined;
    if (reason !== undefined) this.log.debug('UDP session closed', { clientAddress: this.#describeClient(), reason });
    const upstream = this.#upstream;
    this.#upstream = undefined;
    if (upstream !== undefined) {
      try {
        upstream.close();
      } catch {
        // Already closed by a failed connect; nothing left to release.
      }
    }
    this.#downstream.release(this);
  }
}

/** Serves one new session: picks where it goes, then dials it (or closes it). Built once per configuration. */
export type UdpHandler = (session: UdpSession) => void;
