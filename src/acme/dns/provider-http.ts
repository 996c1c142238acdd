/** How much of an error response's body a message quotes. */
const maxQuotedBody = 2048;

/** A request a provider sends to its API; the timeout covers the whole exchange, body included. */
export interface ProviderRequest {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/** A response read whole (provider APIs answer small JSON documents). */
export interface ProviderResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends `request` and reads the answer; rejects with lego's wording when the exchange fails
 * (`[request: POST <url>] error: …`) or, when `expectSuccess`, when the status is not 2xx
 * (`unexpected status code: [request: …] [status code: 500] body: …`).
 */
export async function sendProviderRequest(request: ProviderRequest, expectSuccess = true): Promise<ProviderResponse> {
  const where = `[request: ${request.method} ${redacted(request.url)}]`;
  let status: number;
  let body: string;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = response.status;
    body = await response.text();
  } catch (error) {
    throw new Error(`unable to communicate with the API server: ${where} error: ${describe(error)}`);
  }
  if (expectSuccess && (status < 200 || status > 299)) {
    throw new Error(`unexpected status code: ${where} [status code: ${status}] body: ${body.slice(0, maxQuotedBody).trim()}`);
  }
  return { status, body };
}

/** The URL without credentials or query (which may carry signatures and keys), for messages. */
function redacted(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  if (error instanceof Error && error.cause instanceof Error) return `${error.message}: ${error.cause.message}`;
  return error instanceof Error ? error.message : String(error);
}
