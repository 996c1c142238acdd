import { nearestName } from '../../config/errors.js';
import type { DnsProvider } from './dns-provider.js';
import { UnknownDnsProviderError } from './dns-provider.js';
import { execConfigFromEnv, ExecProvider } from './exec/exec.js';
import { httpReqConfigFromEnv, HttpReqProvider } from './httpreq/httpreq.js';

/** Builds a provider from its environment; throws DnsProviderConfigError naming what is missing or wrong. */
type DnsProviderFactory = (env: NodeJS.ProcessEnv) => DnsProvider;

/** Every DNS provider, keyed by the name `dnsChallenge.provider` uses (lego's code for it). */
const dnsProviderFactories: Readonly<Record<string, DnsProviderFactory>> = {
  exec: (env) => new ExecProvider(execConfigFromEnv(env)),
  httpreq: (env) => new HttpReqProvider(httpReqConfigFromEnv(env)),
};

/** The names `dnsChallenge.provider` accepts, sorted. */
export const knownDnsProviders: readonly string[] = Object.keys(dnsProviderFactories).sort();

/**
 * Creates the DNS provider `provider` configured from `env` (the process environment, as Traefik reads it).
 * Throws DnsProviderConfigError for an unknown name (listing the known ones) or a missing or invalid variable.
 */
export function createDnsProvider(provider: string, env: NodeJS.ProcessEnv): DnsProvider {
  const factory = Object.hasOwn(dnsProviderFactories, provider) ? dnsProviderFactories[provider] : undefined;
  if (factory === undefined) {
    throw new UnknownDnsProviderError(provider, knownDnsProviders, nearestName(provider, knownDnsProviders));
  }
  return factory(env);
}
