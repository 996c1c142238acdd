import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** The health service definition (tests run from dist/, the proto stays in test/fixtures). */
const protoFile = fileURLToPath(new URL('../../../test/fixtures/grpc/health.proto', import.meta.url));

const definition = protoLoader.loadSync(protoFile, { keepCase: true, enums: String, defaults: true });
const loaded = grpc.loadPackageDefinition(definition) as unknown as {
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
};
const Health = loaded.grpc.health.v1.Health;

export interface HealthCheckResponse {
  status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
}

/** What the test server saw of one call. */
export interface ReceivedCall {
  readonly method: string;
  readonly metadata: Record<string, unknown>;
}

export interface GrpcServer {
  readonly port: number;
  readonly calls: ReceivedCall[];
  /** Delay before each unary answer (the mesh scenario's slow handler). */
  delayMs: number;
  /** Stops the server (done at the end of the test when started with a test context). */
  close(): Promise<void>;
}

/**
 * A real gRPC server (grpc-js) with the standard health service: `Check` answers SERVING for "" and "known",
 * PERMISSION_DENIED trailers-only for "bare", NOT_FOUND otherwise; `Watch` streams `watchMessages` answers `watchIntervalMs` apart.
 * It answers with initial metadata `x-served-by` and trailing metadata `x-trailer-echo` (the client's
 * `x-client-tag`), so tests can see metadata cross the proxy both ways.
 */
export async function startGrpcServer(
  t: TestContext | undefined,
  options: { name?: string; tls?: { cert: string; key: string }; watchMessages?: number; watchIntervalMs?: number; delayMs?: number } = {},
): Promise<GrpcServer> {
  const name = options.name ?? 'grpc';
  const server = new grpc.Server();
  const calls: ReceivedCall[] = [];
  const close = (): Promise<void> => new Promise<void>((resolve) => server.tryShutdown(() => resolve())).then(() => server.forceShutdown());
  const state: GrpcServer = { port: 0, calls, delayMs: options.delayMs ?? 0, close };
  const trailers = (metadata: grpc.Metadata): grpc.Metadata => {
    const trailing = new grpc.Metadata();
    trailing.set('x-trailer-echo', String(metadata.get('x-client-tag')[0] ?? ''));
    return trailing;
  };
  const served = (): grpc.Metadata => {
    const initial = new grpc.Metadata();
    initial.set('x-served-by', name);
    return initial;
  };
  server.addService(Health.service, {
    Check(call: grpc.ServerUnaryCall<{ service: string }, HealthCheckResponse>, callback: grpc.sendUnaryData<HealthCheckResponse>) {
      calls.push({ method: 'Check', metadata: call.metadata.getMap() });
      const answer = (): void => {
        // "bare": a failure with no response headers first, which gRPC sends as a trailers-only answer.
        if (call.request.service === 'bare') {
          callback({ code: grpc.status.PERMISSION_DENIED, details: 'bare failure', metadata: trailers(call.metadata) });
          return;
        }
        call.sendMetadata(served());
        if (call.request.service !== '' && call.request.service !== 'known') {
          callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}`, metadata: trailers(call.metadata) });
          return;
        }
        callback(null, { status: 'SERVING' }, trailers(call.metadata));
      };
      if (state.delayMs > 0) setTimeout(answer, state.delayMs);
      else answer();
    },
    Watch(call: grpc.ServerWritableStream<{ service: string }, HealthCheckResponse>) {
      calls.push({ method: 'Watch', metadata: call.metadata.getMap() });
      call.sendMetadata(served());
      let sent = 0;
      const timer = setInterval(() => {
        call.write({ status: sent % 2 === 0 ? 'SERVING' : 'NOT_SERVING' });
        sent += 1;
        if (sent >= (options.watchMessages ?? 3)) {
          clearInterval(timer);
          call.end(trailers(call.metadata));
        }
      }, options.watchIntervalMs ?? 100);
      call.on('cancelled', () => clearInterval(timer));
    },
  });
  const credentials =
    options.tls === undefined
      ? grpc.ServerCredentials.createInsecure()
      : grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }]);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error === null ? resolve(bound) : reject(error))));
  (state as { port: number }).port = port;
  t?.after(close);
  return state;
}

export interface CallResult<T> {
  readonly value?: T;
  readonly error?: grpc.ServiceError;
  readonly headers: Record<string, unknown>;
  readonly trailers: Record<string, unknown>;
}

/** A health client that dials `address` in cleartext (h2c) and sends `authority` as `:authority`. */
export function healthClient(address: string, authority: string): grpc.Client & Record<string, (...args: never[]) => unknown> {
  return new Health(address, grpc.credentials.createInsecure(), { 'grpc.default_authority': authority }) as never;
}

/** A health client over TLS that trusts `ca`, sends `servername` as SNI and `authority` as `:authority`. */
export function tlsHealthClient(address: string, options: { ca: string; servername: string; authority: string }): grpc.Client & Record<string, (...args: never[]) => unknown> {
  return new Health(address, grpc.credentials.createSsl(Buffer.from(options.ca)), {
    'grpc.ssl_target_name_override': options.servername,
    'grpc.default_authority': options.authority,
  }) as never;
}

/** Calls `Check` with a client tag in the metadata; resolves with the answer or the error, and the metadata seen. */
export function check(client: grpc.Client, service: string, options: { tag?: string; deadlineMs?: number } = {}): Promise<CallResult<HealthCheckResponse>> {
  return new Promise((resolve) => {
    const metadata = new grpc.Metadata();
    metadata.set('x-client-tag', options.tag ?? 'tag');
    let headers: Record<string, unknown> = {};
    const call = (client as unknown as { Check: (...args: unknown[]) => grpc.ClientUnaryCall }).Check(
      { service },
      metadata,
      { deadline: Date.now() + (options.deadlineMs ?? 20_000) },
      (error: grpc.ServiceError | null, value: HealthCheckResponse) => {
        setImmediate(() => resolve(error === null ? { value, headers, trailers } : { error, headers, trailers: error.metadata?.getMap() ?? {} }));
      },
    );
    let trailers: Record<string, unknown> = {};
    call.on('metadata', (received: grpc.Metadata) => (headers = received.getMap()));
    call.on('status', (status: grpc.StatusObject) => (trailers = status.metadata.getMap()));
  });
}

/** Calls `Watch` and collects each message with the time it arrived. */
export function watch(client: grpc.Client, service: string): Promise<{ messages: Array<{ status: string; at: number }>; status: grpc.StatusObject; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const metadata = new grpc.Metadata();
    metadata.set('x-client-tag', 'stream');
    const call = (client as unknown as { Watch: (...args: unknown[]) => grpc.ClientReadableStream<HealthCheckResponse> }).Watch({ service }, metadata);
    const messages: Array<{ status: string; at: number }> = [];
    let headers: Record<string, unknown> = {};
    call.on('metadata', (received: grpc.Metadata) => (headers = received.getMap()));
    call.on('data', (message: HealthCheckResponse) => messages.push({ status: message.status, at: Date.now() }));
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => setImmediate(() => resolve({ messages, status, headers })));
    call.on('close', () => undefined);
    void reject;
  });
}

export { grpc };
