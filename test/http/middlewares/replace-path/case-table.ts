import { rawRequest } from '../../../support/http.js';
import { startJunction, type JunctionProcess } from '../../../support/junction.js';
import { startUpstream, type RecordedRequest, type Upstream } from '../../../support/upstream.js';

/** One case of a table: the middlewares (`{ kind: options }`, in order) its router runs. */
export interface TableCase {
  readonly middlewares: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** What a client and the upstream saw for one request. */
export interface TableAnswer {
  readonly status: number;
  /** Lowercase names; values as raw bytes read as latin1. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The request the upstream received, or undefined when none reached it. */
  readonly upstream: RecordedRequest | undefined;
}

export interface CaseTable {
  readonly junction: JunctionProcess;
  readonly upstream: Upstream;
  /** Sends a raw HTTP/1.1 request (the target exactly as given) to the router of case `index`. */
  send(index: number, target: string, options?: { host?: string; method?: string; headers?: Readonly<Record<string, string>> }): Promise<TableAnswer>;
  close(): Promise<void>;
}

/** Static configuration trusting forwarded headers from the test client, so X-Forwarded-Proto is kept. */
export const trustingStatic = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    forwardedHeaders: { insecure: true }
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

/**
 * Starts one upstream and one Junction serving a whole table: case `i` gets the router `case<i>`, matched
 * by the header `X-Case: <i>`, which runs the case's middlewares and forwards to the upstream.
 */
export async function startCaseTable(cases: readonly TableCase[], options: { static?: string } = {}): Promise<CaseTable> {
  const upstream = await startUpstream(undefined);
  let routers = '';
  let middlewares = '';
  cases.forEach((item, index) => {
    const names = item.middlewares.map((_, position) => `case${index}-${position}`);
    item.middlewares.forEach((middleware, position) => {
      middlewares += `    ${names[position]}: ${JSON.stringify(middleware)}\n`;
    });
    routers += `    case${index}: { rule: "Header(\`X-Case\`, \`${index}\`)", middlewares: [${names.join(', ')}], service: app }\n`;
  });
  let junction: JunctionProcess;
  try {
    junction = await startJunction(undefined, {
      ...(options.static !== undefined ? { static: options.static } : {}),
      dynamic: `http:\n  routers:\n${routers}  middlewares:\n${middlewares}  services:\n    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }\n`,
    });
  } catch (error) {
    await upstream.close();
    throw error;
  }
  return {
    junction,
    upstream,
    async send(index, target, { host = 'localhost', method = 'GET', headers = {} } = {}) {
      const received = upstream.requests.length;
      const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, `X-Case: ${index}`, 'Connection: close'];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      if (method !== 'GET' && method !== 'HEAD') lines.push('Content-Length: 0');
      const raw = await rawRequest(junction.ports.web!, Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
      return { ...parseResponse(raw), upstream: upstream.requests.length > received ? upstream.lastRequest : undefined };
    },
    async close() {
      await junction.stop('SIGKILL');
      await upstream.close();
    },
  };
}

function parseResponse(raw: string): Omit<TableAnswer, 'upstream'> {
  const headEnd = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = raw.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: raw.slice(headEnd + 4) };
}
