import { constants } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { ServingCertificate } from './certificate.js';
import type { CertificateStore } from './certificate-store.js';
import type { ClientAuthType, CompiledTlsOptions } from './tls-options.js';

/** What a server-side TLS socket needs for one connection: the context (certificate and options) and client checks. */
export interface TlsServerSettings {
  readonly secureContext: SecureContext;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
  readonly clientAuth: ClientAuthType;
  readonly alpnProtocols: readonly string[];
}

/**
 * The TLS side of a Runtime: the default store's certificates and every TLS option set, compiled. Secure
 * contexts are made on first use for each options and certificate pair and kept for the Runtime's life.
 */
export class TlsRuntime {
  readonly store: CertificateStore;
  readonly #options: ReadonlyMap<string, CompiledTlsOptions>;
  readonly #contexts = new Map<CompiledTlsOptions, Map<ServingCertificate, SecureContext>>();

  constructor(store: CertificateStore, options: ReadonlyMap<string, CompiledTlsOptions>) {
    this.store = store;
    this.#options = options;
  }

  /** The compiled options of a qualified name (`default`, `modern@file`), undefined when unknown or broken. */
  options(name: string): CompiledTlsOptions | undefined {
    return this.#options.get(name);
  }

  /**
   * Settings to terminate TLS for `serverName` (canonical; the local address when the client sent no SNI)
   * with `options`, or undefined when strict SNI refuses a name no certificate serves, as Traefik does.
   * `alpn` keeps the protocols the serving side speaks.
   */
  settings(options: CompiledTlsOptions, serverName: string, alpn: (protocols: readonly string[]) => readonly string[]): TlsServerSettings | undefined {
    let certificate = this.store.find(serverName);
    if (certificate === undefined) {
      if (options.sniStrict) return undefined;
      certificate = this.store.defaultCertificate;
      if (certificate === undefined) return undefined;
    }
    const requestCert = options.clientAuth !== 'NoClientCert';
    return {
      secureContext: this.#context(options, certificate),
      requestCert,
      rejectUnauthorized: options.clientAuth === 'RequireAndVerifyClientCert',
      clientAuth: options.clientAuth,
      alpnProtocols: alpn(options.alpnProtocols),
    };
  }

  #context(options: CompiledTlsOptions, certificate: ServingCertificate): SecureContext {
    let byCertificate = this.#contexts.get(options);
    if (byCertificate === undefined) this.#contexts.set(options, (byCertificate = new Map()));
    let context = byCertificate.get(certificate);
    if (context === undefined) {
      context = createSecureContext({
        cert: certificate.cert,
        key: certificate.key,
        minVersion: options.minVersion,
        ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
        ciphers: options.ciphers,
        ...(options.ecdhCurve !== undefined ? { ecdhCurve: options.ecdhCurve } : {}),
        ...(options.clientCas.length > 0 ? { ca: [...options.clientCas] } : {}),
        ...(options.disableSessionTickets ? { secureOptions: constants.SSL_OP_NO_TICKET } : {}),
      });
      byCertificate.set(certificate, context);
    }
    return context;
  }
}
