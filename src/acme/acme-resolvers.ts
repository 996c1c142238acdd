import type { StaticConfig } from '../config/static/static-config.js';
import type { ProviderSnapshot } from '../providers/provider.js';
import type { StoredCertificate } from './storage/acme-store.js';

/**
 * What the rest of Junction needs to know of the certificate resolvers without loading the ACME client,
 * which takes seconds to import and is loaded only when a resolver is configured.
 */

/** The provider name under which a resolver's certificates are served, as Traefik names it. */
export function acmeProviderName(resolver: string): string {
  return `${resolver}.acme`;
}

/** The names of the ACME resolvers the static configuration declares. */
export function acmeResolverNames(config: StaticConfig): string[] {
  return Object.entries(config.certificatesResolvers)
    .filter(([, resolver]) => resolver.acme !== undefined)
    .map(([name]) => name);
}

/** A resolver's certificates as a provider snapshot: `tls.certificates` in their store, inline PEM. */
export function certificatesSnapshot(certificates: readonly StoredCertificate[]): ProviderSnapshot {
  return {
    config: { tls: { certificates: certificates.map((certificate) => ({ certFile: certificate.certificate, keyFile: certificate.key, stores: [certificate.store] })) } },
    errors: [],
  };
}
