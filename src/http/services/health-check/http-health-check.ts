import { Agent, type Dispatcher } from 'undici';

/** How one server is checked, decided at build time from `healthCheck`. */
export interface HttpHealthCheckSpec {
  readonly method: string;
  /** Expected status; 0 accepts any 2xx or 3xx, as Traefik does. */
  readonly status: number;
  /** Sent as Host instead of the target's authority when set. */
  readonly hostname: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly followRedirects: boolean;
  readonly timeoutMs: number;
}

/** Go's http.Client gives up after ten redirects. */
const maxRedirects = 10;

/** Redirects to another origin leave the server's pool; they go through a shared agent. */
let redirectAgent: Agent | undefined;

/** `scheme://host[:port]`; WHATWG URLs give "null" as the origin of schemes they do not know, such as h2c. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * Sends one health-check request to `url` through `dispatcher` and resolves when the server is healthy;
 * rejects with the reason otherwise. Redirects are followed as Go's client does (301/302/303 turn into GET).
 */
export async function checkHttpHealth(url: URL, dispatcher: Dispatcher, spec: HttpHealthCheckSpec, signal: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  let current = url;
  let method = spec.method;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { ...spec.headers };
    headers.host = hop === 0 && spec.hostname !== undefined ? spec.hostname : current.host;
    const through = originOf(current) === originOf(url) ? dispatcher : (redirectAgent ??= new Agent());
    let status: number;
    let location: string | undefined;
    try {
      const response = await through.request({ origin: originOf(current), path: `${current.pathname}${current.search}`, method: method as Dispatcher.HttpMethod, headers, signal: combined });
      status = response.statusCode;
      const header = response.headers.location;
      location = Array.isArray(header) ? header[0] : header;
      await response.body.dump();
    } catch (error) {
      if (timeout.aborted) throw new Error(`HTTP request failed: timeout after ${spec.timeoutMs}ms`);
      throw new Error(`HTTP request failed: ${(error as Error).message}`);
    }
    if (spec.followRedirects && isRedirect(status) && location !== undefined) {
      if (hop + 1 >= maxRedirects) throw new Error('HTTP request failed: stopped after 10 redirects');
      current = new URL(location, current);
      if (status !== 307 && status !== 308 && method !== 'GET' && method !== 'HEAD') method = 'GET';
      continue;
    }
    if (spec.status === 0 && (status < 200 || status >= 400)) throw new Error(`received error status code: ${status}`);
    if (spec.status !== 0 && spec.status !== status) throw new Error(`received error status code: ${status} expected status code: ${spec.status}`);
    return;
  }
}
