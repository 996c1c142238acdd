import { ConfigError, configPath, nearestName, quote } from '../errors.js';
import { duration, number, oneOf, string, withDefault, type Infer } from '../schema.js';
import { bool, listOf, mapOf, opaque, section, struct } from './shape.js';

/**
 * The static `certificatesResolvers` section, with Traefik's keys and defaults (`pkg/provider/acme`
 * Configuration.SetDefaults). Durations are milliseconds; `certificatesDuration` stays in hours, as written.
 */

/** Let's Encrypt's production directory: the CA every resolver uses unless told otherwise, as in Traefik. */
export const defaultAcmeCaServer = 'https://acme-v02.api.letsencrypt.org/directory';

/** Key types of the certificates a resolver orders (the account key is always RSA 4096, as in Traefik). */
export const acmeKeyTypes = ['EC256', 'EC384', 'RSA2048', 'RSA4096', 'RSA8192'] as const;
export type AcmeKeyType = (typeof acmeKeyTypes)[number];

const eab = struct({
  kid: withDefault(string(), ''),
  hmacEncoded: withDefault(string(), ''),
});

const httpChallenge = section({
  entryPoint: withDefault(string(), ''),
  delay: withDefault(duration(), 0),
});

const tlsChallenge = section({
  delay: withDefault(duration(), 0),
});

const propagation = section({
  disableChecks: withDefault(bool(), false),
  disableANSChecks: withDefault(bool(), false),
  requireAllRNS: withDefault(bool(), false),
  delayBeforeChecks: withDefault(duration(), 0),
});

const dnsChallenge = section({
  provider: withDefault(string(), ''),
  resolvers: withDefault(listOf(string()), []),
  propagation,
  /** Deprecated: `propagation.delayBeforeChecks`. */
  delayBeforeCheck: withDefault(duration(), 0),
  /** Deprecated: `propagation.disableChecks`. */
  disablePropagationCheck: withDefault(bool(), false),
});

const acme = section({
  email: withDefault(string(), ''),
  caServer: withDefault(string(), defaultAcmeCaServer),
  preferredChain: withDefault(string(), ''),
  profile: withDefault(string(), ''),
  emailAddresses: withDefault(listOf(string()), []),
  disableCommonName: withDefault(bool(), false),
  storage: withDefault(string(), 'acme.json'),
  keyType: withDefault(oneOf(acmeKeyTypes), 'RSA4096'),
  eab,
  certificatesDuration: withDefault(number({ integer: true }), 2160),
  clientTimeout: withDefault(duration(), 120_000),
  clientResponseHeaderTimeout: withDefault(duration(), 30_000),
  certificateTimeout: withDefault(duration(), 30_000),
  caCertificates: withDefault(listOf(string()), []),
  caSystemCertPool: withDefault(bool(), false),
  caServerName: withDefault(string(), ''),
  dnsChallenge,
  httpChallenge,
  tlsChallenge,
});

const resolver = struct({
  acme,
  tailscale: opaque(),
});

/** `certificatesResolvers`: resolvers by name. */
export const certificatesResolversSchema = withDefault(mapOf(resolver), {});

export type CertificatesResolverConfig = Infer<typeof resolver>;
export type AcmeResolverConfig = NonNullable<CertificatesResolverConfig['acme']>;

/**
 * The CA server a resolver talks to: Let's Encrypt's retired v01 endpoints are moved to v02, as Traefik's
 * `getSafeACMECAServer` does.
 */
export function safeCaServer(caServer: string): string {
  if (caServer === '') return defaultAcmeCaServer;
  if (caServer.startsWith('https://acme-v01.api.letsencrypt.org')) return caServer.replace('v01', 'v02');
  if (caServer.startsWith('https://acme-staging.api.letsencrypt.org')) {
    return caServer.replace('https://acme-staging.api.letsencrypt.org', 'https://acme-staging-v02.api.letsencrypt.org');
  }
  return caServer;
}

/**
 * Checks the resolvers as Traefik's `ValidateConfiguration` and the ACME provider's `Init` do, and what
 * names an entryPoint; returns the faults with their paths and the deprecation warnings.
 */
export function validateCertificatesResolvers(
  resolvers: Readonly<Record<string, CertificatesResolverConfig>>,
  entryPoints: readonly string[],
): { errors: ConfigError[]; warnings: string[] } {
  const errors: ConfigError[] = [];
  const warnings: string[] = [];
  for (const [name, { acme: config, tailscale }] of Object.entries(resolvers)) {
    const path = configPath('certificatesResolvers', name);
    if (config !== undefined && tailscale !== undefined) {
      errors.push(new ConfigError(path, 'acme and tailscale are mutually exclusive; set only one'));
      continue;
    }
    if (tailscale !== undefined) {
      errors.push(new ConfigError(`${path}.tailscale`, 'tailscale certificate resolvers are not supported yet'));
      continue;
    }
    if (config === undefined) {
      errors.push(new ConfigError(path, 'one of acme or tailscale is required'));
      continue;
    }
    const acmePath = `${path}.acme`;
    if (config.storage.trim() === '') errors.push(new ConfigError(`${acmePath}.storage`, 'no storage location for the certificates; set a file such as "acme.json"'));
    if (config.certificatesDuration < 1) {
      errors.push(new ConfigError(`${acmePath}.certificatesDuration`, `cannot manage certificates with duration lower than 1 hour, got ${quote(config.certificatesDuration)}`));
    }
    if (config.clientTimeout < config.clientResponseHeaderTimeout) {
      errors.push(new ConfigError(`${acmePath}.clientTimeout`, 'must be at least clientResponseHeaderTimeout'));
    }
    if (config.eab !== undefined && (config.eab.kid === '' || config.eab.hmacEncoded === '')) {
      errors.push(new ConfigError(`${acmePath}.eab`, 'kid and hmacEncoded are both required'));
    }
    const entryPoint = config.httpChallenge?.entryPoint;
    if (entryPoint !== undefined) {
      const entryPointPath = `${acmePath}.httpChallenge.entryPoint`;
      if (entryPoint === '') errors.push(new ConfigError(entryPointPath, 'the entryPoint that serves the HTTP-01 challenge is required'));
      else if (!entryPoints.includes(entryPoint)) {
        const hint = nearestName(entryPoint, entryPoints);
        errors.push(new ConfigError(entryPointPath, `entryPoint ${quote(entryPoint)} does not exist${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`));
      }
    }
    const dns = config.dnsChallenge;
    if (dns !== undefined) {
      if (dns.provider === '') errors.push(new ConfigError(`${acmePath}.dnsChallenge.provider`, 'the DNS provider is required'));
      if (dns.disablePropagationCheck) warnings.push(`${acmePath}.dnsChallenge.disablePropagationCheck: deprecated; use propagation.disableChecks`);
      if (dns.delayBeforeCheck > 0) warnings.push(`${acmePath}.dnsChallenge.delayBeforeCheck: deprecated; use propagation.delayBeforeChecks`);
    }
    if (config.caServer.startsWith('https://acme-v01.api.letsencrypt.org') || config.caServer.startsWith('https://acme-staging.api.letsencrypt.org')) {
      warnings.push(`${acmePath}.caServer: ${quote(config.caServer)} is an ACME v01 endpoint; ${quote(safeCaServer(config.caServer))} is used`);
    }
  }
  return { errors, warnings };
}
