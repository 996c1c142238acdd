import type { ServingCertificate } from './certificate.js';

/**
 * The certificates of a TLS store, looked up by server name: an exact name first, then a `*.` wildcard
 * covering one label, as Traefik's store picks its best match; undefined when none serves the name.
 */
export class CertificateStore {
  readonly #exact = new Map<string, ServingCertificate>();
  readonly #wildcard = new Map<string, ServingCertificate>();
  /** Served when no certificate fits; absent only in builds that validate without serving. */
  readonly defaultCertificate: ServingCertificate | undefined;

  constructor(certificates: readonly ServingCertificate[], defaultCertificate: ServingCertificate | undefined) {
    this.defaultCertificate = defaultCertificate;
    for (const certificate of certificates) {
      for (const name of certificate.names) {
        if (name.startsWith('*.')) {
          if (!this.#wildcard.has(name.slice(1))) this.#wildcard.set(name.slice(1), certificate);
        } else if (!this.#exact.has(name)) this.#exact.set(name, certificate);
      }
    }
  }

  /** Returns the certificate that serves `serverName` (lowercase), without falling back to the default. */
  find(serverName: string): ServingCertificate | undefined {
    const exact = this.#exact.get(serverName);
    if (exact !== undefined) return exact;
    const dot = serverName.indexOf('.');
    return dot > 0 ? this.#wildcard.get(serverName.slice(dot)) : undefined;
  }
}
