import { defaultPollingIntervalMs, type DnsProvider } from '../dns-provider.js';
import { unFqdn } from '../challenge-record.js';
import { ProviderEnv } from '../provider-env.js';
import { sendProviderRequest } from '../provider-http.js';

const defaultBaseUrl = 'https://api.cloudflare.com/client/v4';
/** Cloudflare refuses TXT records with a shorter TTL (1 means "automatic" there, which lego does not allow either). */
const minimumTtlSeconds = 120;

/** How requests are authenticated: a global API key with its account email, or API tokens. */
export type CloudflareCredentials =
  | { readonly kind: 'apiKey'; readonly email: string; readonly apiKey: string }
  /** `zoneToken` reads zones (Zone:Read), `dnsToken` edits records (DNS:Edit); often the same token. */
  | { readonly kind: 'apiToken'; readonly dnsToken: string; readonly zoneToken: string };

export interface CloudflareConfig {
  readonly credentials: CloudflareCredentials;
  readonly baseUrl: URL;
  readonly ttlSeconds: number;
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly httpTimeoutMs: number;
}

/** `CLOUDFLARE_X`, then lego's older `CF_X`. */
function withOldName(name: string): [string, string] {
  return [name, name.replace(/^CLOUDFLARE_/, 'CF_')];
}

/** Reads lego's `CLOUDFLARE_*` (or `CF_*`) variables. */
export function cloudflareConfigFromEnv(env: NodeJS.ProcessEnv): CloudflareConfig {
  const vars = new ProviderEnv('cloudflare', env);
  let credentials: CloudflareCredentials;
  try {
    const keys = vars.requiredWithFallbacks([['CLOUDFLARE_EMAIL', 'CF_API_EMAIL'], withOldName('CLOUDFLARE_API_KEY')]);
    credentials = { kind: 'apiKey', email: keys.CLOUDFLARE_EMAIL!, apiKey: keys.CLOUDFLARE_API_KEY! };
  } catch (keyError) {
    try {
      const tokens = vars.requiredWithFallbacks([
        withOldName('CLOUDFLARE_DNS_API_TOKEN'),
        [...withOldName('CLOUDFLARE_ZONE_API_TOKEN'), ...withOldName('CLOUDFLARE_DNS_API_TOKEN')],
      ]);
      credentials = { kind: 'apiToken', dnsToken: tokens.CLOUDFLARE_DNS_API_TOKEN!, zoneToken: tokens.CLOUDFLARE_ZONE_API_TOKEN! };
    } catch (tokenError) {
      // lego names both ways of authenticating.
      const reason = (error: unknown): string => (error as Error).message.replace(/^cloudflare: /, '');
      throw vars.error(`${reason(keyError)} or ${reason(tokenError)}`);
    }
  }
  const baseUrlText = vars.optional('CLOUDFLARE_BASE_URL') ?? defaultBaseUrl;
  let baseUrl: URL;
  try {
    baseUrl = new URL(baseUrlText);
  } catch {
    throw vars.error(`CLOUDFLARE_BASE_URL: invalid URL "${baseUrlText}"`);
  }
  const ttlSeconds = vars.integer('CLOUDFLARE_TTL', minimumTtlSeconds, ['CF_TTL']);
  if (ttlSeconds < minimumTtlSeconds) {
    throw vars.error(`invalid TTL, TTL (${ttlSeconds}) must be greater than ${minimumTtlSeconds}`);
  }
  return {
    credentials,
    baseUrl,
    ttlSeconds,
    propagationTimeoutMs: vars.secondsAsMs('CLOUDFLARE_PROPAGATION_TIMEOUT', 120_000, ['CF_PROPAGATION_TIMEOUT']),
    pollingIntervalMs: vars.secondsAsMs('CLOUDFLARE_POLLING_INTERVAL', defaultPollingIntervalMs, ['CF_POLLING_INTERVAL']),
    httpTimeoutMs: vars.secondsAsMs('CLOUDFLARE_HTTP_TIMEOUT', 30_000, ['CF_HTTP_TIMEOUT']),
  };
}

/**
 * Publishes the challenge with Cloudflare's v4 API, as lego's `cloudflare` provider: the zone's ID from
 * `GET /zones?name=`, the record created with `POST /zones/<id>/dns_records` and deleted by the ID it got.
 */
export class CloudflareProvider implements DnsProvider {
  readonly name = 'cloudflare';
  readonly propagationTimeoutMs: number;
  readonly pollingIntervalMs: number;
  readonly #config: CloudflareConfig;
  readonly #editHeaders: Readonly<Record<string, string>>;
  readonly #readHeaders: Readonly<Record<string, string>>;
  /** Zone IDs by zone name, looked up once. */
  readonly #zoneIds = new Map<string, string>();
  /** The ID of each record this provider created and has not deleted yet, by `<fqdn> <value>`. */
  readonly #recordIds = new Map<string, { readonly zoneId: string; readonly recordId: string }>();

  constructor(config: CloudflareConfig) {
    this.#config = config;
    this.propagationTimeoutMs = config.propagationTimeoutMs;
    this.pollingIntervalMs = config.pollingIntervalMs;
    const credentials = config.credentials;
    const json = { accept: 'application/json' };
    if (credentials.kind === 'apiKey') {
      this.#editHeaders = { ...json, 'x-auth-email': credentials.email, 'x-auth-key': credentials.apiKey };
      this.#readHeaders = this.#editHeaders;
    } else {
      this.#editHeaders = { ...json, authorization: `Bearer ${credentials.dnsToken}` };
      this.#readHeaders = { ...json, authorization: `Bearer ${credentials.zoneToken}` };
    }
  }

  async present(domain: string, fqdn: string, value: string): Promise<void> {
    const zoneId = await this.#zoneId(domain, fqdn);
    let created: unknown;
    try {
      created = await this.#call('POST', ['zones', zoneId, 'dns_records'], this.#editHeaders, {
        type: 'TXT',
        name: unFqdn(fqdn),
        // Cloudflare warns about unquoted TXT content; lego quotes it.
        content: `"${value}"`,
        ttl: this.#config.ttlSeconds,
      });
    } catch (error) {
      throw new Error(`cloudflare: failed to create TXT record: ${(error as Error).message}`);
    }
    const recordId = (created as { id?: unknown } | undefined)?.id;
    if (typeof recordId !== 'string') throw new Error('cloudflare: failed to create TXT record: the answer carries no record ID');
    this.#recordIds.set(`${fqdn} ${value}`, { zoneId, recordId });
  }

  async cleanup(_domain: string, fqdn: string, value: string): Promise<void> {
    const key = `${fqdn} ${value}`;
    const record = this.#recordIds.get(key);
    if (record === undefined) throw new Error(`cloudflare: unknown record ID for '${fqdn}'`);
    try {
      await this.#call('DELETE', ['zones', record.zoneId, 'dns_records', record.recordId], this.#editHeaders);
    } catch (error) {
      throw new Error(`cloudflare: failed to delete TXT record: ${(error as Error).message}`);
    } finally {
      this.#recordIds.delete(key);
    }
  }

  /**
   * The ID of the zone holding `fqdn`: the first name up the tree Cloudflare has a zone for (lego asks the
   * system's resolvers for the SOA first; the API answers the same question without them).
   */
  async #zoneId(domain: string, fqdn: string): Promise<string> {
    const labels = unFqdn(fqdn).toLowerCase().split('.');
    for (let index = 0; index < labels.length - 1; index++) {
      const candidate = labels.slice(index).join('.');
      const cached = this.#zoneIds.get(candidate);
      if (cached !== undefined) return cached;
      let zones: unknown;
      try {
        zones = await this.#call('GET', ['zones'], this.#readHeaders, undefined, { name: candidate, per_page: '50' });
      } catch (error) {
        throw new Error(`cloudflare: failed to find zone ${candidate}.: ${(error as Error).message}`);
      }
      if (!Array.isArray(zones) || zones.length === 0) continue;
      if (zones.length > 1) throw new Error(`cloudflare: failed to find zone ${candidate}.: ambiguous zone name; an account ID might help`);
      const id = (zones[0] as { id?: unknown }).id;
      if (typeof id !== 'string') throw new Error(`cloudflare: failed to find zone ${candidate}.: the answer carries no zone ID`);
      this.#zoneIds.set(candidate, id);
      return id;
    }
    throw new Error(`cloudflare: could not find zone for domain "${domain}"`);
  }

  /** One API call; returns the envelope's `result`, or throws with Cloudflare's error codes and messages. */
  async #call(
    method: 'GET' | 'POST' | 'DELETE',
    path: readonly string[],
    headers: Readonly<Record<string, string>>,
    body?: unknown,
    query?: Readonly<Record<string, string>>,
  ): Promise<unknown> {
    const url = new URL(this.#config.baseUrl.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.map(encodeURIComponent).join('/')}`;
    if (query !== undefined) url.search = new URLSearchParams(query).toString();
    const response = await sendProviderRequest({
      method,
      url,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : `${JSON.stringify(body)}\n`,
      timeoutMs: this.#config.httpTimeoutMs,
    }, false);
    let envelope: { result?: unknown; errors?: unknown } | undefined;
    try {
      envelope = JSON.parse(response.body) as typeof envelope;
    } catch {
      envelope = undefined;
    }
    if (response.status < 200 || response.status > 299) {
      if (envelope === undefined || !Array.isArray(envelope.errors)) {
        throw new Error(`unexpected status code: [status code: ${response.status}] body: ${response.body.slice(0, 512).trim()}`);
      }
      throw new Error(`[status code ${response.status}] ${describeErrors(envelope.errors)}`);
    }
    return envelope?.result;
  }
}

/** `code: message; chained code: message`, as lego prints Cloudflare's errors. */
function describeErrors(errors: readonly unknown[]): string {
  return errors.map((item) => {
    const error = item as { code?: unknown; message?: unknown; error_chain?: unknown };
    const chain = Array.isArray(error.error_chain)
      ? (error.error_chain as { code?: unknown; message?: unknown }[]).map((link) => `; ${String(link.code)}: ${String(link.message)}`).join('')
      : '';
    return `${String(error.code)}: ${String(error.message)}${chain}`;
  }).join('');
}
