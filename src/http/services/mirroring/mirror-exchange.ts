import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Exchange } from '../../exchange.js';

/** The parts of the client's request a mirror copy repeats, taken before the main service could change them. */
export interface RequestSnapshot {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: IncomingMessage['headers'];
  readonly path: string;
  readonly rawQuery: string;
}

export function snapshotRequest(exchange: Exchange): RequestSnapshot {
  const { request } = exchange;
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    httpVersion: request.httpVersion,
    headers: { ...request.headers },
    path: exchange.path,
    rawQuery: exchange.rawQuery,
  };
}

/** A socket that swallows what is written to it: where a mirror's answer goes. */
function blackHole(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * Builds an exchange that replays `snapshot` (with `body`, or no body) through a service, its answer written
 * into a black hole: Traefik's blackHoleResponseWriter. The socket is destroyed once the answer is complete.
 */
export function mirrorExchange(source: Exchange, snapshot: RequestSnapshot, body: Buffer | undefined): Exchange {
  const socket = blackHole() as unknown as Socket;
  const request = new IncomingMessage(socket);
  request.method = snapshot.method;
  request.url = snapshot.url;
  request.httpVersion = snapshot.httpVersion;
  const headers = { ...snapshot.headers };
  if (body === undefined) {
    delete headers['content-length'];
    delete headers['transfer-encoding'];
  } else if (headers['transfer-encoding'] === undefined) {
    headers['content-length'] = String(body.length);
  }
  request.headers = headers;
  request.push(null);
  const response = new ServerResponse(request);
  response.assignSocket(socket);
  const done = (): void => {
    socket.destroy();
  };
  response.once('finish', done);
  response.once('close', done);
  const exchange = new Exchange({
    request,
    response,
    entryPoint: source.entryPoint,
    clientIp: source.clientIp,
    clientPort: source.clientPort,
    path: snapshot.path,
    rawQuery: snapshot.rawQuery,
    log: source.log,
  });
  exchange.requestBody = body;
  return exchange;
}
