import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ServersTransportConfig } from '../config/dynamic/http-schema.js';
import { ConfigError, configPath, joinPath, quote } from '../config/errors.js';
import { peerSans } from '../tls/peer-identity.js';
import { isNewerTlsVersion, openSslCiphers, tlsVersion } from '../tls/tls-options.js';
import { defaultTransportSettings, type TransportSettings } from './upstream-pools.js';

/** A servers transport compiled for the pools, with the per-request timeout the pools do not hold. */
export interface CompiledTransport {
  readonly settings: TransportSettings;
  /** 0: no limit. */
  readonly responseHeaderTimeoutMs: number;
}

/** What Traefik's static `serversTransport` sets for `default@internal`; durations in milliseconds. */
export interface StaticServersTransport {
  readonly insecureSkipVerify: boolean;
  readonly rootCAs: readonly string[];
  readonly maxIdleConnsPerHost: number;
  readonly forwardingTimeouts: ForwardingTimeouts;
}

type ForwardingTimeouts = NonNullable<ServersTransportConfig['forwardingTimeouts']>;

export const defaultCompiledTransport: CompiledTransport = { settings: defaultTransportSettings, responseHeaderTimeoutMs: 0 };

/** Options Junction refuses rather than ignores. */
const unsupportedOptions = ['spiffe'] as const;

/**
 * Reads a Traefik "file or content" value: PEM text as it is, otherwise the file it names. Throws a
 * ConfigError at `path` when the file cannot be read or holds no PEM block.
 */
function readPem(value: string, path: string): string {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      throw new ConfigError(path, `cannot read ${quote(value)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (!text.includes('-----BEGIN')) throw new ConfigError(path, `no PEM data in ${quote(value)}`);
  return text;
}

function checkCertificates(pem: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    // OpenSSL's reasons differ between versions; the path tells which file to look at.
    throw new ConfigError(path, 'not a valid PEM certificate');
  }
}

function clientCertificates(config: ServersTransportConfig): Array<{ cert: string; key: string }> {
  return (config.certificates ?? []).map((certificate, index) => {
    const path = joinPath('certificates', index);
    const cert = readPem(certificate.certFile, joinPath(path, 'certFile'));
    const key = readPem(certificate.keyFile, joinPath(path, 'keyFile'));
    const x509 = checkCertificates(cert, joinPath(path, 'certFile'));
    let privateKey;
    try {
      privateKey = createPrivateKey(key);
    } catch {
      throw new ConfigError(joinPath(path, 'keyFile'), 'not a valid PEM private key');
    }
    if (!x509.checkPrivateKey(privateKey)) throw new ConfigError(path, 'the private key does not match the certificate');
    return { cert, key };
  });
}

function rootCertificates(rootCAs: readonly string[] | undefined): string[] {
  return (rootCAs ?? []).map((value, index) => {
    const path = joinPath('rootCAs', index);
    const pem = readPem(value, path);
    checkCertificates(pem, path);
    return pem;
  });
}

function timeouts(forwarding: ForwardingTimeouts | undefined): Pick<TransportSettings, 'dialTimeoutMs' | 'idleConnTimeoutMs' | 'readIdleTimeoutMs'> {
  return {
    dialTimeoutMs: forwarding?.dialTimeout ?? defaultTransportSettings.dialTimeoutMs,
    idleConnTimeoutMs: forwarding?.idleConnTimeout ?? defaultTransportSettings.idleConnTimeoutMs,
    readIdleTimeoutMs: forwarding?.readIdleTimeout ?? defaultTransportSettings.readIdleTimeoutMs,
  };
}

/** `minVersion` and `maxVersion`, refused when the minimum is above the maximum. */
function tlsVersions(config: ServersTransportConfig): Pick<TransportSettings, 'minVersion' | 'maxVersion'> {
  const minVersion = tlsVersion(config.minVersion, 'minVersion');
  const maxVersion = tlsVersion(config.maxVersion, 'maxVersion');
  if (minVersion !== undefined && maxVersion !== undefined && isNewerTlsVersion(minVersion, maxVersion)) {
    throw new ConfigError('minVersion', `TLS minimum version ${quote(config.minVersion!)} is above the maximum version ${quote(config.maxVersion!)}`);
  }
  return { minVersion, maxVersion };
}

/** Compiles `http.serversTransports.<name>`; throws ConfigError with paths relative to the transport. */
export function compileServersTransport(config: ServersTransportConfig): CompiledTransport {
  for (const option of unsupportedOptions) {
    if (config[option] !== undefined) throw new ConfigError(option, 'not supported yet');
  }
  return {
    settings: {
      ...timeouts(config.forwardingTimeouts),
      // Only the sign matters: undici keeps every idle connection, a negative value reuses none.
      maxIdleConnsPerHost: config.maxIdleConnsPerHost ?? 0,
      insecureSkipVerify: config.insecureSkipVerify === true,
      serverName: config.serverName === '' ? undefined : config.serverName,
      rootCAs: rootCertificates(config.rootCAs),
      certificates: clientCertificates(config),
      isHttp2Enabled: config.disableHTTP2 !== true,
      peerCertSans: peerSans(config.peerCertSANs, config.peerCertURI),
      ...tlsVersions(config),
      ciphers: config.cipherSuites === undefined || config.cipherSuites.length === 0 ? undefined : openSslCiphers(config.cipherSuites, 'cipherSuites'),
    },
    responseHeaderTimeoutMs: config.forwardingTimeouts?.responseHeaderTimeout ?? 0,
  };
}

/** Compiles the static `serversTransport` into `default@internal`; throws ConfigError with full paths. */
export function compileDefaultTransport(config: StaticServersTransport): CompiledTransport {
  try {
    return {
      settings: {
        ...defaultTransportSettings,
        ...timeouts(config.forwardingTimeouts),
        maxIdleConnsPerHost: config.maxIdleConnsPerHost,
        insecureSkipVerify: config.insecureSkipVerify,
        rootCAs: rootCertificates(config.rootCAs),
      },
      responseHeaderTimeoutMs: config.forwardingTimeouts.responseHeaderTimeout,
    };
  } catch (error) {
    if (error instanceof ConfigError) throw error.under(configPath('serversTransport'));
    throw error;
  }
}
