import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { AcmeChallengeSource } from '../acme/challenge-board.js';
import { compileIpMatcher, normalizeIp } from '../net/ip-range.js';
import type { Logger } from '../observability/logger.js';
import { canonicalServerName, type TcpRoutingRequest } from '../rules/tcp-rule.js';
import type { Runtime } from '../runtime/build-runtime.js';
import type { TcpConnection, TcpHandler } from '../tcp/tcp-connection.js';
import { peekClientHello, type ClientHello } from '../tls/client-hello.js';
import type { CompiledTlsOptions } from '../tls/tls-options.js';
import { setClientAddress, type ClientAddress } from './client-address.js';
import type { ConnectionRouting } from './connection-routing.js';
import { HttpEntryPoint, type HttpEntryPointOptions } from './http-entrypoint.js';
import { peekPostgresSslRequest, postgresSslAccepted, postgresSslRequest } from './postgres-starttls.js';
import { peekProxyHeader } from './proxy-protocol.js';
import { refuseTls, terminateTls } from './tls-termination.js';

/** `entryPoints.<name>.proxyProtocol`: whose PROXY headers are believed. */
export interface ProxyProtocolOptions {
  readonly insecure: boolean;
  readonly trustedIPs: readonly string[];
}

export interface EntryPointOptions {
  readonly name: string;
  /** Host to bind ('' for every interface) and port (0 picks a free one). */
  readonly host: string;
  readonly port: number;
  readonly http: HttpEntryPointOptions;
  readonly proxyProtocol: ProxyProtocolOptions | undefined;
  /** Bounds the wait for a PROXY header or a ClientHello, as the entryPoint's read timeout; 0 waits forever. */
  readonly readTimeoutMs: number;
  readonly requestAcceptGraceTimeoutMs: number;
  readonly graceTimeOutMs: number;
  /** Where TLS-ALPN-01 answers come from; undefined when no certificate resolver runs. */
  readonly acmeChallenges?: AcmeChallengeSource | undefined;
  /** `allowACMEByPass`: a ClientHello offering `acme-tls/1` is routed as any other, for user routers to answer. */
  readonly allowAcmeBypass?: boolean;
}

/** ALPN protocols the HTTPS side speaks: HTTP/2 and HTTP/1.1. */
const httpAlpn = (protocols: readonly string[]): readonly string[] => protocols.filter((protocol) => protocol === 'h2' || protocol === 'http/1.1');

/**
 * A TCP entryPoint: owns its listening socket for the life of the process. Each connection is read just
 * enough to route it, as Traefik's TCP router: a PROXY header (when configured), then the ClientHello when
 * TLS routers exist; then TCP routers, TLS passthrough or termination, HTTPS, or plain HTTP.
 */
export class EntryPoint {
  readonly name: string;
  readonly #options: EntryPointOptions;
  readonly #server: Server;
  readonly #runtime: () => Runtime;
  readonly #log: Logger;
  readonly #http: HttpEntryPoint;
  readonly #isTrustedProxy: ((address: string) => boolean) | undefined;
  /** Connections handed to TCP routers, closed when the grace period ends. */
  readonly #tcpSockets = new Set<Socket>();
  /** Connections still being read to be routed; a shutdown closes them at once. */
  readonly #undecided = new Set<Socket>();

  constructor(options: EntryPointOptions, runtime: () => Runtime, log: Logger) {
    this.name = options.name;
    this.#options = options;
    this.#runtime = runtime;
    this.#log = log.with({ entryPointName: options.name });
    this.#http = new HttpEntryPoint(options.http, runtime, log);
    const proxyProtocol = options.proxyProtocol;
    if (proxyProtocol !== undefined) {
      this.#isTrustedProxy = proxyProtocol.insecure
        ? () => true
        : compileIpMatcher(proxyProtocol.trustedIPs, `entryPoints.${options.name}.proxyProtocol.trustedIPs`);
    }
    this.#server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => this.#accept(socket));
  }

  /** Binds the listening socket. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      this.#server.listen({ port: this.#options.port, host: this.#options.host === '' ? undefined : this.#options.host }, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /**
   * Stops gracefully: keeps accepting for `requestAcceptGraceTimeout`, then stops accepting, lets in-flight
   * requests and connections finish within `graceTimeOut`, then closes what is left.
   */
  async shutdown(): Promise<void> {
    if (this.#options.requestAcceptGraceTimeoutMs > 0) await delay(this.#options.requestAcceptGraceTimeoutMs);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#undecided) socket.destroy();
    const deadline = Date.now() + this.#options.graceTimeOutMs;
    await this.#http.drain(this.#options.graceTimeOutMs);
    while (this.#tcpSockets.size > 0 && Date.now() < deadline) await delay(50);
    for (const socket of this.#tcpSockets) socket.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    socket.on('error', (error) => this.#log.debug('connection failed', { error: error.message }));
    const peer: ClientAddress = { ip: normalizeIp(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const isTrusted = this.#isTrustedProxy?.(peer.ip);
    let buffered: Buffer = Buffer.alloc(0);
    let isProxyHeaderRead = this.#isTrustedProxy === undefined;
    let client = peer;
    let timer: NodeJS.Timeout | undefined;
    let isPostgresChecked = false;
    let isPostgres = false;

    const handOver = (putBack = true): void => {
      clearTimeout(timer);
      this.#undecided.delete(socket);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      if (putBack && buffered.length > 0) socket.unshift(buffered);
    };
    const onEnd = (): void => {
      // The client finished sending before saying enough to be routed: route what there is.
      decide(true);
    };
    const decide = (isEnded: boolean): void => {
      if (!isProxyHeaderRead) {
        const header = peekProxyHeader(buffered);
        if (header.kind === 'more' && !isEnded) return;
        if (header.kind === 'malformed') {
          this.#log.debug('invalid PROXY protocol header; closing', { reason: header.reason, clientIp: peer.ip });
          clearTimeout(timer);
          socket.destroy();
          return;
        }
        isProxyHeaderRead = true;
        if (header.kind === 'header') {
          buffered = buffered.subarray(header.length);
          // An untrusted source's header is read and dropped, as Traefik's proxyproto IGNORE policy.
          if (isTrusted === true && header.source !== undefined) {
            client = header.source;
            setClientAddress(socket, client);
          }
        }
        if (this.#routeWithoutPeeking(socket, client, handOver)) return;
      }
      const routing = this.#runtime().connections.get(this.name);
      if (!isPostgresChecked) {
        const postgres = peekPostgresSslRequest(buffered);
        if (postgres === 'more' && !isEnded) return;
        isPostgresChecked = true;
        if (postgres === 'yes') {
          isPostgres = true;
          buffered = buffered.subarray(postgresSslRequest.length);
          socket.write(postgresSslAccepted);
        }
      }
      const peek = peekClientHello(buffered);
      if (peek.kind === 'more' && !isEnded) return;
      if (isPostgres) {
        handOver();
        return this.#routePostgres(socket, client, peek.kind === 'tls' ? peek.hello : undefined, routing);
      }
      if (peek.kind === 'not-tls' && !isEnded && buffered.length < h2cPreface.length && h2cPreface.subarray(0, buffered.length).equals(buffered)) return;
      // An HTTP/2 session must get the preface from our hands: bytes read twice from a socket it takes over are lost.
      if (peek.kind === 'not-tls' && startsWithH2cPreface(buffered) && routing?.tcp.find({ serverName: '', clientIp: client.ip, alpnProtocols: [] }) === undefined) {
        handOver(false);
        this.#http.serveH2c(socket, buffered);
        return;
      }
      handOver();
      if (peek.kind === 'tls') this.#routeTls(socket, client, peek.hello, routing);
      else if (peek.kind === 'malformed') {
        this.#log.debug('malformed TLS ClientHello; closing', { clientIp: client.ip });
        socket.destroy();
      } else this.#routePlain(socket, client, routing);
    };
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      decide(false);
    };

    if (isProxyHeaderRead && this.#routeWithoutPeeking(socket, client, () => undefined)) return;
    this.#undecided.add(socket);
    socket.once('close', () => this.#undecided.delete(socket));
    socket.on('data', onData);
    socket.once('end', onEnd);
    if (this.#options.readTimeoutMs > 0) {
      timer = setTimeout(() => {
        this.#log.debug('no routable data before the read timeout; closing', { clientIp: client.ip });
        socket.destroy();
      }, this.#options.readTimeoutMs);
      timer.unref();
    }
    socket.resume();
  }

  /**
   * With only non-TLS TCP routers and no HTTPS router, a matching TCP router takes the connection at once:
   * server-first protocols (the server speaks before the client) must not wait for a ClientHello, as in Traefik.
   */
  #routeWithoutPeeking(socket: Socket, client: ClientAddress, handOver: () => void): boolean {
    const routing = this.#runtime().connections.get(this.name);
    if (routing === undefined || routing.tcp.size === 0 || routing.tcpTls.size > 0 || routing.https.hasRoutes) return false;
    const route = routing.tcp.find({ serverName: '', clientIp: client.ip, alpnProtocols: [] });
    if (route === undefined) return false;
    handOver();
    this.#serveTcp(socket, client, '', route.handler, route.name);
    return true;
  }

  #routePlain(socket: Socket, client: ClientAddress, routing: ConnectionRouting | undefined): void {
    const route = routing?.tcp.find({ serverName: '', clientIp: client.ip, alpnProtocols: [] });
    if (route !== undefined) return this.#serveTcp(socket, client, '', route.handler, route.name);
    this.#http.serve(socket);
  }

  #routeTls(socket: Socket, client: ClientAddress, hello: ClientHello, routing: ConnectionRouting | undefined): void {
    const runtime = this.#runtime();
    // Without SNI, certificates are looked up by the address the client reached, as in Traefik.
    const serverName = canonicalServerName(hello.serverName);
    const request: TcpRoutingRequest = { serverName, clientIp: client.ip, alpnProtocols: hello.alpnProtocols };
    const lookupName = serverName === '' ? normalizeIp(socket.localAddress ?? '') : serverName;
    // The TLS-ALPN-01 validation offers only `acme-tls/1`: answered with the challenge certificate, before any router.
    if (this.#options.acmeChallenges !== undefined && this.#options.allowAcmeBypass !== true && hello.alpnProtocols.includes(acmeTlsProtocol)) {
      return this.#serveAcmeTlsAlpn(socket, serverName, this.#options.acmeChallenges);
    }
    const httpsOptions = routing?.https.find(serverName);
    // An HTTPS router naming this host wins over TCP routers, unless they name it too (Traefik 2.6 order).
    if (httpsOptions !== undefined) return this.#serveHttps(socket, client, lookupName, httpsOptions);
    const tcpRoute = routing?.tcpTls.find(request);
    if (tcpRoute !== undefined && !tcpRoute.isCatchAll) return this.#serveTcp(socket, client, serverName, tcpRoute.handler, tcpRoute.name);
    if (routing?.https.hasCatchAll === true || tcpRoute === undefined) {
      return this.#serveHttps(socket, client, lookupName, runtime.tls?.options('default') ?? null);
    }
    this.#serveTcp(socket, client, serverName, tcpRoute.handler, tcpRoute.name);
  }

  /**
   * A PostgreSQL client that asked for TLS goes to a TLS TCP router (terminating or passthrough) chosen by its
   * ClientHello, or is closed: HTTPS routers do not serve it, as in Traefik.
   */
  #routePostgres(socket: Socket, client: ClientAddress, hello: ClientHello | undefined, routing: ConnectionRouting | undefined): void {
    const serverName = hello === undefined ? '' : canonicalServerName(hello.serverName);
    const route = hello === undefined ? undefined : routing?.tcpTls.find({ serverName, clientIp: client.ip, alpnProtocols: hello.alpnProtocols });
    if (route === undefined) {
      this.#log.debug('no TCP TLS router for a PostgreSQL TLS connection; closing', { clientIp: client.ip });
      socket.destroy();
      return;
    }
    this.#serveTcp(socket, client, serverName, route.handler, route.name, true);
  }

  #serveHttps(socket: Socket, client: ClientAddress, serverName: string, options: CompiledTlsOptions | null): void {
    const tls = this.#runtime().tls;
    const settings = options === null || tls === undefined ? undefined : tls.settings(options, serverName, httpAlpn);
    if (settings === undefined) {
      this.#log.debug('TLS connection refused', { serverName, reason: options === null ? 'broken TLS options' : 'strict SNI' });
      return refuseTls(socket);
    }
    terminateTls(socket, settings, this.#log, (secure) => {
      setClientAddress(secure as unknown as Socket, client);
      this.#http.serveTls(secure);
    });
  }

  /** Completes a TLS-ALPN-01 handshake with the challenge certificate for `serverName`, then closes. */
  #serveAcmeTlsAlpn(socket: Socket, serverName: string, challenges: AcmeChallengeSource): void {
    challenges.tlsAlpnChallenge(serverName).then(
      (answer) => {
        if (answer === undefined) {
          this.#log.debug('no TLS-ALPN-01 challenge for this name; closing', { serverName });
          return refuseTls(socket);
        }
        const settings = {
          secureContext: createSecureContext({ cert: answer.certificate, key: answer.key }),
          requestCert: false,
          rejectUnauthorized: false,
          clientAuth: 'NoClientCert' as const,
          alpnProtocols: [acmeTlsProtocol],
        };
        terminateTls(socket, settings, this.#log, (secure) => secure.end());
      },
      () => refuseTls(socket),
    );
  }

  /** Hands a connection to a TCP router's handler (TLS-terminating routers wrap the socket themselves). */
  #serveTcp(raw: Socket, client: ClientAddress, serverName: string, handler: TcpHandler, routerName: string, postgresStartTls = false): void {
    this.#tcpSockets.add(raw);
    raw.once('close', () => this.#tcpSockets.delete(raw));
    const connection: TcpConnection = {
      socket: raw,
      serverName,
      clientIp: client.ip,
      clientPort: client.port,
      localIp: normalizeIp(raw.localAddress ?? ''),
      localPort: raw.localPort ?? 0,
      postgresStartTls,
      log: this.#log.with({ routerName }),
    };
    try {
      handler(connection);
    } catch (error) {
      this.#log.error('TCP connection failed', { error: (error as Error).message, routerName });
      raw.destroy();
    }
  }
}

/** The ALPN protocol of the TLS-ALPN-01 challenge (RFC 8737). */
const acmeTlsProtocol = 'acme-tls/1';

const h2cPreface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

function startsWithH2cPreface(data: Buffer): boolean {
  return data.length >= h2cPreface.length && data.subarray(0, h2cPreface.length).equals(h2cPreface);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
