import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A request as an upstream received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Request target as received: path and query. */
  readonly url: string;
  readonly path: string;
  /** Header names as sent on the wire, in order, with values. */
  readonly rawHeaders: readonly string[];
  /** Lowercase names; repeated headers joined as Node does. */
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  /** Port of the connection it came on: equal ports mean a reused keep-alive connection. */
  readonly remotePort: number;
}

export interface Upstream {
  readonly name: string;
  /** The loopback address it listens on (127.0.0.1 unless asked). */
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly lastRequest: RecordedRequest;
  close(): Promise<void>;
}

export type UpstreamHandler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

/**
 * Answers like traefik/whoami: `Hostname: <name>`, the request line, then every header as received.
 * Records each request. A custom handler may replace the answer.
 */
export async function startUpstream(t: TestContext | undefined, options: { name?: string; handler?: UpstreamHandler; recordBody?: boolean; host?: string } = {}): Promise<Upstream> {
  const host = options.host ?? '127.0.0.1';
  const name = options.name ?? 'upstream';
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      if (options.recordBody !== false) chunks.push(chunk);
    });
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = request.url ?? '/';
      requests.push({ method: request.method ?? '', url, path: url.split('?')[0]!, rawHeaders: request.rawHeaders, headers: request.headers, body, remotePort: request.socket.remotePort ?? 0 });
      if (options.handler !== undefined) return options.handler(request, response, body);
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(whoamiText(name, request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const upstream: Upstream = {
    name,
    host,
    port,
    url: `http://${host}:${port}`,
    requests,
    get lastRequest() {
      const last = requests[requests.length - 1];
      if (last === undefined) throw new Error(`upstream ${name} received no request`);
      return last;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  t?.after(() => upstream.close());
  return upstream;
}

/** The whoami body: hostname, request line, headers as received. */
export function whoamiText(name: string, request: IncomingMessage): string {
  const lines = [`Hostname: ${name}`, `${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  return `${lines.join('\n')}\n`;
}

/** Tells which upstream answered a whoami-style body. */
export function answeredBy(body: string): string | undefined {
  return /^Hostname: (.*)$/m.exec(body)?.[1];
}
