import { connect, constants } from 'node:http2';

/** grpc.health.v1.HealthCheckResponse.ServingStatus names, by number. */
const servingStatus = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** gRPC status codes the messages name. */
const unimplemented = 12;

/** Reads field 1 (the serving status, a varint) of a HealthCheckResponse; absent means 0, UNKNOWN. */
function readStatus(message: Buffer): number {
  let offset = 0;
  while (offset < message.length) {
    const tag = message[offset++]!;
    const wireType = tag & 7;
    let value = 0;
    let shift = 0;
    if (wireType === 0) {
      for (;;) {
        const byte = message[offset++]!;
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if ((byte & 0x80) === 0 || offset >= message.length) break;
      }
      if (tag >> 3 === 1) return value;
      continue;
    }
    if (wireType === 2) {
      let length = 0;
      for (;;) {
        const byte = message[offset++]!;
        length += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if ((byte & 0x80) === 0 || offset >= message.length) break;
      }
      offset += length;
      continue;
    }
    break;
  }
  return 0;
}

/**
 * Calls grpc.health.v1.Health/Check (empty service name) over h2c on `host:port`, as Traefik's `mode: grpc`
 * does with insecure credentials; resolves when the server answers SERVING.
 */
export function checkGrpcHealth(host: string, port: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const session = connect(`http://${authority}`);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      session.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = setTimeout(() => finish(new Error(`gRPC health check timeout: no answer within ${timeoutMs}ms`)), timeoutMs);
    const onAbort = (): void => finish(new Error('health check stopped'));
    signal.addEventListener('abort', onAbort);
    let isConnected = false;
    session.once('connect', () => (isConnected = true));
    const failed = (error: Error): void => {
      const cause = (error as Error & { cause?: Error }).cause ?? error;
      finish(new Error(isConnected ? `gRPC health check failed: ${error.message}` : `fail to connect to ${authority}: ${cause.message}`));
    };
    session.on('error', failed);
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
      [constants.HTTP2_HEADER_SCHEME]: 'http',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    let grpcStatus: number | undefined;
    let grpcMessage = '';
    const takeStatus = (headers: Record<string, unknown>): void => {
      if (headers['grpc-status'] === undefined) return;
      grpcStatus = Number(headers['grpc-status']);
      grpcMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
    };
    stream.on('response', (headers) => takeStatus(headers));
    stream.on('trailers', (headers) => takeStatus(headers));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', failed);
    stream.on('end', () => {
      if (grpcStatus === unimplemented) return finish(new Error(`gRPC server does not implement the health protocol: ${grpcMessage}`));
      if (grpcStatus !== 0) return finish(new Error(`gRPC health check failed: code ${grpcStatus ?? 'missing'}${grpcMessage === '' ? '' : `: ${grpcMessage}`}`));
      const body = Buffer.concat(chunks);
      const status = body.length >= 5 ? readStatus(body.subarray(5, 5 + body.readUInt32BE(1))) : 0;
      if (status !== 1) return finish(new Error(`received gRPC status code: ${servingStatus[status] ?? status}`));
      finish();
    });
    // An empty HealthCheckRequest: uncompressed, zero-length message.
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}
