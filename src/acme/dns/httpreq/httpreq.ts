import {
  defaultPollingIntervalMs, defaultPropagationTimeoutMs, type DnsChallenge, type DnsProvider,
} from '../dns-provider.js';
import { ProviderEnv } from '../provider-env.js';
import { sendProviderRequest } from '../provider-http.js';

export interface HttpReqConfig {
  readonly endpoint: URL;
  /** `raw`: the server gets the domain, token and key authorization instead of the record name and value. */
  readonly mode: 'record' | 'raw';
  /** Sent as Basic authentication when both the username and the password are set. */
  readonly credentials?: { readonly username: string; readonly password: string } | undefined;
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly httpTimeoutMs: number;
}

/** Reads lego's `HTTPREQ_*` variables. */
export function httpReqConfigFromEnv(env: NodeJS.ProcessEnv): HttpReqConfig {
  const vars = new ProviderEnv('httpreq', env);
  const { HTTPREQ_ENDPOINT: endpointText } = vars.required('HTTPREQ_ENDPOINT');
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    throw vars.error(`HTTPREQ_ENDPOINT: invalid URL "${endpointText}"`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw vars.error(`HTTPREQ_ENDPOINT: expected an http or https URL, got "${endpointText}"`);
  }
  const username = vars.optional('HTTPREQ_USERNAME');
  const password = vars.optional('HTTPREQ_PASSWORD');
  return {
    endpoint,
    mode: vars.optional('HTTPREQ_MODE') === 'RAW' ? 'raw' : 'record',
    credentials: username !== undefined && password !== undefined ? { username, password } : undefined,
    propagationTimeoutMs: vars.secondsAsMs('HTTPREQ_PROPAGATION_TIMEOUT', defaultPropagationTimeoutMs),
    pollingIntervalMs: vars.secondsAsMs('HTTPREQ_POLLING_INTERVAL', defaultPollingIntervalMs),
    httpTimeoutMs: vars.secondsAsMs('HTTPREQ_HTTP_TIMEOUT', 30_000),
  };
}

/**
 * Asks a web service to publish and remove the record, as lego's `httpreq` provider: `POST <endpoint>/present`
 * and `POST <endpoint>/cleanup` with `{"fqdn","value"}`, or with `HTTPREQ_MODE=RAW` `{"domain","token","keyAuth"}`.
 * Any status other than 2xx fails the challenge.
 */
export class HttpReqProvider implements DnsProvider {
  readonly name = 'httpreq';
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly #config: HttpReqConfig;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #presentUrl: URL;
  readonly #cleanupUrl: URL;

  constructor(config: HttpReqConfig) {
    this.#config = config;
    this.propagationTimeoutMs = config.propagationTimeoutMs;
    this.pollingIntervalMs = config.pollingIntervalMs;
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    if (config.credentials !== undefined) {
      const { username, password } = config.credentials;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    this.#headers = headers;
    this.#presentUrl = joinEndpoint(config.endpoint, 'present');
    this.#cleanupUrl = joinEndpoint(config.endpoint, 'cleanup');
  }

  present(domain: string, fqdn: string, value: string, challenge?: DnsChallenge): Promise<void> {
    return this.#post(this.#presentUrl, domain, fqdn, value, challenge);
  }

  cleanup(domain: string, fqdn: string, value: string, challenge?: DnsChallenge): Promise<void> {
    return this.#post(this.#cleanupUrl, domain, fqdn, value, challenge);
  }

  async #post(url: URL, domain: string, fqdn: string, value: string, challenge: DnsChallenge | undefined): Promise<void> {
    let message: Record<string, string>;
    if (this.#config.mode === 'raw') {
      if (challenge === undefined) throw new Error(`httpreq: HTTPREQ_MODE=RAW needs the challenge token for ${domain}`);
      message = { domain, token: challenge.token, keyAuth: challenge.keyAuthorization };
    } else {
      message = { fqdn, value };
    }
    try {
      await sendProviderRequest({
        method: 'POST',
        url,
        headers: this.#headers,
        // Go's JSON encoder ends the document with a line break; servers written for lego may expect it.
        body: `${JSON.stringify(message)}\n`,
        timeoutMs: this.#config.httpTimeoutMs,
      });
    } catch (error) {
      throw new Error(`httpreq: ${(error as Error).message}`);
    }
  }
}

/** `<endpoint path>/<action>`, one slash between them whether or not the endpoint ends with one. */
function joinEndpoint(endpoint: URL, action: string): URL {
  const url = new URL(endpoint.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${action}`;
  return url;
}
