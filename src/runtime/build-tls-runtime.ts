import { ConfigError, configPath, joinPath, quote } from '../config/errors.js';
import { loadCertificate, type ServingCertificate } from '../tls/certificate.js';
import { CertificateStore } from '../tls/certificate-store.js';
import { compileTlsOptions, type CompiledTlsOptions } from '../tls/tls-options.js';
import { TlsRuntime } from '../tls/tls-runtime.js';
import { defaultTlsName, type MergedConfig } from './merged-config.js';

/** Reports a fault found at a path the given provider wrote. */
export type ReportFault = (provider: string, error: ConfigError) => void;

/**
 * Builds the TLS side of a Runtime: loads `tls.certificates` into the default store, picks its default
 * certificate, compiles every TLS option set. A broken certificate or option set is left out and reported;
 * the routers that name broken options are refused by their builders.
 */
export function buildTlsRuntime(config: MergedConfig, generatedDefault: ServingCertificate | undefined, report: ReportFault, certificateResolvers: ReadonlySet<string>): TlsRuntime {
  const certificates: ServingCertificate[] = [];
  const providers = new Map<ServingCertificate, string>();
  for (const { provider, index, config: certificate } of config.tls.certificates) {
    const path = configPath('tls', 'certificates', index);
    const stores = certificate.stores ?? [];
    // Only the default store exists, as in Traefik.
    const other = stores.findIndex((store) => store !== defaultTlsName);
    if (other >= 0) {
      report(provider, new ConfigError(joinPath(path, joinPath('stores', other)), `TLS store ${quote(stores[other])} is not supported; only "default" is`));
      if (!stores.includes(defaultTlsName)) continue;
    }
    try {
      const loaded = loadCertificate(certificate, path);
      certificates.push(loaded);
      providers.set(loaded, provider);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      report(provider, error);
    }
  }

  let defaultCertificate = generatedDefault;
  for (const [name, { provider, config: store }] of config.tls.stores) {
    const path = configPath('tls', 'stores', name);
    if (name !== defaultTlsName) {
      report(provider, new ConfigError(path, `TLS store ${quote(name)} is not supported; only "default" is`));
      continue;
    }
    if (store.defaultCertificate !== undefined) {
      try {
        defaultCertificate = loadCertificate(store.defaultCertificate, joinPath(path, 'defaultCertificate'));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        report(provider, error);
      }
    }
    const resolver = store.defaultGeneratedCert?.resolver;
    if (resolver !== undefined && resolver !== '' && !certificateResolvers.has(resolver)) {
      report(provider, new ConfigError(joinPath(path, 'defaultGeneratedCert.resolver'), `certificate resolver ${quote(resolver)} does not exist; the default certificate is served`));
    } else if (resolver !== undefined && resolver !== '' && store.defaultCertificate === undefined) {
      // The resolver's certificate for the domain, once obtained, is the default one, as in Traefik.
      const main = store.defaultGeneratedCert?.domain?.main?.toLowerCase();
      const generated = certificates.find((candidate) => providers.get(candidate) === `${resolver}.acme` && main !== undefined && candidate.names.includes(main));
      if (generated !== undefined) defaultCertificate = generated;
    }
  }

  const options = new Map<string, CompiledTlsOptions>();
  if (!config.tls.options.has(defaultTlsName) && !config.invalid.tlsOptions.has(defaultTlsName)) {
    options.set(defaultTlsName, compileTlsOptions(defaultTlsName, {}));
  }
  for (const [qualifiedName, { provider, name, config: optionsConfig }] of config.tls.options) {
    try {
      options.set(qualifiedName, compileTlsOptions(qualifiedName, optionsConfig));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      report(provider, error.under(configPath('tls', 'options', name)));
    }
  }
  return new TlsRuntime(new CertificateStore(certificates, defaultCertificate), options);
}

/** Explains why a TLS options reference cannot be used: unknown, or declared but broken. */
export function tlsOptionsFault(config: MergedConfig, qualifiedName: string): string {
  const isBroken = config.invalid.tlsOptions.has(qualifiedName) || config.tls.options.has(qualifiedName);
  return isBroken ? `TLS options ${quote(qualifiedName)} are invalid` : `unknown TLS options ${quote(qualifiedName)}`;
}
