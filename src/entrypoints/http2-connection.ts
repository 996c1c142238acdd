import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** An entryPoint's `http2` options (static configuration). */
export interface Http2Options {
  readonly maxConcurrentStreams: number;
  readonly maxDecoderHeaderTableSize: number;
  /** A session without any stream for this long is closed (the entryPoint's `idleTimeout`); 0: never. */
  readonly idleTimeoutMs: number;
}

/** Serves one request with the HTTP/1.1 request/response shapes the data path uses. */
export type Http2RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Serves HTTP/2 on sockets that are already established: an h2c connection on a plain entryPoint, or a TLS
 * socket whose ALPN chose `h2`. Requests reach `handle` in the shape of HTTP/1.1 ones (Host from
 * `:authority`), so routers, middlewares and services treat both protocols alike.
 */
export class Http2Connections {
  readonly #server: Http2Server;
  readonly #sessions = new Set<Http2Session>();

  constructor(options: Http2Options, handle: Http2RequestHandler) {
    this.#server = createServer({
      settings: { maxConcurrentStreams: options.maxConcurrentStreams, headerTableSize: options.maxDecoderHeaderTableSize },
    });
    this.#server.on('request', (request: Http2ServerRequest, response: Http2ServerResponse) => {
      // HTTP/2 carries the host in `:authority`; Host is what routing and forwarding read.
      if (request.headers.host === undefined && request.authority !== undefined) request.headers.host = request.authority;
      handle(request as unknown as IncomingMessage, response as unknown as ServerResponse);
    });
    this.#server.on('session', (session: Http2Session) => {
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
      session.on('error', () => session.destroy());
      if (options.idleTimeoutMs > 0) session.setTimeout(options.idleTimeoutMs, () => session.close());
    });
  }

  /**
   * Serves HTTP/2 on `socket`. `head` holds bytes already read from it (the connection preface, when the
   * protocol was recognised by reading): they are given back to the socket once the session listens.
   */
  serveHttp2(socket: Duplex, head: Buffer = Buffer.alloc(0)): void {
    socket.on('error', () => socket.destroy());
    this.#server.emit('connection', socket);
    if (head.length > 0) socket.unshift(head);
  }

  /** Sends GOAWAY on every session: streams in flight finish, no new ones start. */
  closeIdle(): void {
    for (const session of this.#sessions) session.close();
  }

  /** Ends every session at once. */
  destroyAll(): void {
    for (const session of this.#sessions) session.destroy();
  }

  /** Sessions still open. */
  get size(): number {
    return this.#sessions.size;
  }
}
