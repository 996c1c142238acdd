import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Http2Connections } from './http2-connection.js';

/** What an HTTP/2 client with prior knowledge sends first (RFC 9113 §3.4). */
const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Makes a plain HTTP server also speak h2c with prior knowledge, as Traefik's HTTP entryPoints do: the first
 * bytes of each connection are read; the HTTP/2 preface hands it to `http2`, anything else to the HTTP/1.1
 * server as if nothing had been read.
 */
export function acceptH2cPriorKnowledge(server: Server, http2: Http2Connections, firstBytesTimeoutMs: number): UndecidedConnections {
  const undecided = new Set<Socket>();
  const http1Listeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  for (const listener of http1Listeners) server.removeListener('connection', listener);
  server.on('connection', (socket: Socket) => {
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const compared = Math.min(head.length, preface.length);
      const isPreface = head.subarray(0, compared).equals(preface.subarray(0, compared));
      if (isPreface && compared < preface.length) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.setTimeout(0);
      undecided.delete(socket);
      socket.pause();
      if (isPreface) {
        http2.serveHttp2(socket, head);
      } else {
        socket.unshift(head);
        for (const listener of http1Listeners) listener.call(server, socket);
      }
      socket.resume();
    };
    // A connection closed before it said anything: nothing to serve.
    const onClose = (): void => {
      socket.off('data', onData);
      undecided.delete(socket);
    };
    undecided.add(socket);
    socket.on('data', onData);
    socket.once('close', onClose);
    // Silent connections are dropped as the HTTP/1.1 server drops those that send no headers.
    socket.setTimeout(firstBytesTimeoutMs, () => socket.destroy());
  });
  return {
    destroyAll: () => {
      for (const socket of undecided) socket.destroy();
    },
  };
}

/** Connections whose protocol is not known yet (they sent too little); a shutdown ends them. */
export interface UndecidedConnections {
  destroyAll(): void;
}
