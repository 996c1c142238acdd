import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import acme from 'acme-client';

/** How a resolver reaches its CA: whom to trust and how long to wait. */
export interface CaClientSettings {
  readonly caServer: string;
  /** PEM files (or PEM text) trusted for the CA's HTTPS certificate; empty trusts the system's roots. */
  readonly caCertificates: readonly string[];
  /** With `caCertificates`, trust the system's roots too. */
  readonly caSystemCertPool: boolean;
  /** The name the CA's HTTPS certificate is checked against, when not the directory URL's host. */
  readonly caServerName: string;
  readonly clientTimeoutMs: number;
}

/**
 * The environment variables lego reads, which Traefik users set for a private CA: `LEGO_CA_CERTIFICATES`
 * (paths separated by `:` or `,`) and `LEGO_CA_SERVER_NAME`, used when the resolver's options are not set.
 */
export function withLegoEnvironment(settings: CaClientSettings, env: NodeJS.ProcessEnv): CaClientSettings {
  const certificates = env.LEGO_CA_CERTIFICATES;
  const serverName = env.LEGO_CA_SERVER_NAME;
  return {
    ...settings,
    caCertificates: settings.caCertificates.length > 0 || certificates === undefined || certificates === '' ? settings.caCertificates : certificates.split(/[,:]/).filter((path) => path !== ''),
    caServerName: settings.caServerName !== '' || serverName === undefined ? settings.caServerName : serverName,
  };
}

function readPem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

/** Agents by CA origin: acme-client shares one axios instance, so each request picks its CA's agent by URL. */
const agents = new Map<string, { readonly agent: Agent; readonly timeoutMs: number }>();
let isInstalled = false;

function installInterceptor(): void {
  if (isInstalled) return;
  isInstalled = true;
  acme.axios.interceptors.request.use((config) => {
    const origin = config.url === undefined ? undefined : originOf(config.url);
    const entry = origin === undefined ? undefined : agents.get(origin);
    if (entry !== undefined) {
      config.httpsAgent = entry.agent;
      config.timeout = entry.timeoutMs;
    }
    return config;
  });
  // A CA that cannot be reached leaves acme-client's own error handler without a response to read (it fails
  // with a TypeError); this handler runs first and reports the network error itself.
  const handlers = (acme.axios.interceptors.response as unknown as { handlers: Array<{ fulfilled: null; rejected: (error: unknown) => never } | null> }).handlers;
  handlers.unshift({ fulfilled: null, rejected: rejectUnreachable });
  // Retries belong to the resolver, which backs off between orders; the library's own would stall each order for a minute.
  const defaults = acme.axios.defaults as typeof acme.axios.defaults & { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number } };
  defaults.acmeSettings.retryMaxAttempts = 1;
  defaults.acmeSettings.retryDefaultDelay = 1;
}

/** Turns an error without a response (refused, reset, timed out, untrusted certificate) into a plain one naming the URL. */
function rejectUnreachable(error: unknown): never {
  const { config, response, message } = error as { config?: { url?: string; method?: string }; response?: unknown; message?: string };
  if (response !== undefined || config === undefined) throw error;
  throw new Error(`${(config.method ?? 'get').toUpperCase()} ${config.url ?? ''}: ${message ?? String(error)}`);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Makes every request acme-client sends to this CA trust what the resolver says; throws when a CA
 * certificate cannot be read. The CA's other URLs (nonces, orders) share the directory's origin.
 */
export function trustCa(settings: CaClientSettings): void {
  installInterceptor();
  const origin = originOf(settings.caServer);
  if (origin === undefined) throw new Error(`invalid CA server URL "${settings.caServer}"`);
  const ca = settings.caCertificates.length === 0 ? undefined : [...settings.caCertificates.map(readPem), ...(settings.caSystemCertPool ? rootCertificates : [])];
  const agent = new Agent({
    keepAlive: true,
    ...(ca !== undefined ? { ca } : {}),
    ...(settings.caServerName !== '' ? { servername: settings.caServerName } : {}),
  });
  agents.get(origin)?.agent.destroy();
  agents.set(origin, { agent, timeoutMs: settings.clientTimeoutMs });
}
