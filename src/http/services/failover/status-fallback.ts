import { Exchange } from '../../exchange.js';
import type { ResponseWriter } from '../../response-writer.js';

/** The request again, for the fallback: the same client exchange, its body replayed, writing to `writer`. */
export function replayExchange(source: Exchange, path: string, rawQuery: string, body: Buffer | undefined, writer: ResponseWriter): Exchange {
  const replay = new Exchange({
    request: source.request,
    response: source.response,
    ...(source.upgrade !== undefined ? { upgrade: source.upgrade } : {}),
    entryPoint: source.entryPoint,
    clientIp: source.clientIp,
    clientPort: source.clientPort,
    path,
    rawQuery,
    log: source.log,
  });
  replay.writer = writer;
  replay.requestBody = body ?? (source.requestBody instanceof Buffer ? source.requestBody : undefined);
  replay.routerName = source.routerName;
  replay.serviceName = source.serviceName;
  return replay;
}
