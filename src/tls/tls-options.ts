import type { SecureVersion } from 'node:tls';
import type { TlsOptionsConfig } from '../config/dynamic/tls-schema.js';
import { ConfigError, joinPath, quote } from '../config/errors.js';
import { defaultCipherSuites, openSslCipherNames, openSslCurveNames, tls13CipherSuites } from './cipher-suites.js';
import { readFileOrContent } from './file-or-content.js';

/** Traefik's five client authentication policies, named as Go's tls.ClientAuthType. */
export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';
const clientAuthTypes: readonly ClientAuthType[] = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'];

/** TLS options compiled for node:tls: what a secure context and a server socket need. */
export interface CompiledTlsOptions {
  readonly name: string;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion | undefined;
  /** OpenSSL cipher list, TLS 1.2 suites then the TLS 1.3 ones. */
  readonly ciphers: string;
  readonly ecdhCurve: string | undefined;
  /** PEM CA certificates that client certificates are verified against. */
  readonly clientCas: readonly string[];
  readonly clientAuth: ClientAuthType;
  readonly sniStrict: boolean;
  readonly alpnProtocols: readonly string[];
  readonly disableSessionTickets: boolean;
}

/** Go's TLS version names and Node's, oldest first. */
const versions: ReadonlyMap<string, SecureVersion> = new Map([
  ['VersionTLS10', 'TLSv1'],
  ['VersionTLS11', 'TLSv1.1'],
  ['VersionTLS12', 'TLSv1.2'],
  ['VersionTLS13', 'TLSv1.3'],
]);

/** Whether TLS version `a` is newer than `b`. */
export function isNewerTlsVersion(a: SecureVersion, b: SecureVersion): boolean {
  const order = [...versions.values()];
  return order.indexOf(a) > order.indexOf(b);
}

/** ALPN protocols Traefik offers by default: HTTP/2, HTTP/1.1 and the TLS-ALPN-01 challenge. */
export const defaultAlpnProtocols: readonly string[] = ['h2', 'http/1.1', 'acme-tls/1'];

/** Reads a Go TLS version name (`VersionTLS12`); throws ConfigError at `path` for an unknown one. */
export function tlsVersion(value: string | undefined, path: string): SecureVersion | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = versions.get(value);
  if (parsed === undefined) throw new ConfigError(path, `unknown version ${quote(value)}; expected one of VersionTLS10..VersionTLS13`);
  return parsed;
}

/**
 * The OpenSSL cipher list for Go cipher suite names (TLS 1.2 and below), followed by the TLS 1.3 suites,
 * which Go does not let a configuration choose. Throws ConfigError at `path[index]` for an unknown name.
 */
export function openSslCiphers(suites: readonly string[], path: string): string {
  const ciphers: string[] = [];
  suites.forEach((suite, index) => {
    if (!openSslCipherNames.has(suite)) throw new ConfigError(joinPath(path, index), `invalid CipherSuite ${quote(suite)}`);
    const openSsl = openSslCipherNames.get(suite);
    if (openSsl !== undefined && !ciphers.includes(openSsl)) ciphers.push(openSsl);
  });
  return ciphers.length === 0 ? tls13CipherSuites : `${ciphers.join(':')}:${tls13CipherSuites}`;
}

/** Compiles one `tls.options.<name>`; throws ConfigError relative to the options. */
export function compileTlsOptions(name: string, config: TlsOptionsConfig): CompiledTlsOptions {
  const minVersion = tlsVersion(config.minVersion, 'minVersion') ?? 'TLSv1.2';
  const maxVersion = tlsVersion(config.maxVersion, 'maxVersion');
  const ciphers = openSslCiphers(config.cipherSuites ?? defaultCipherSuites, 'cipherSuites');

  let ecdhCurve: string | undefined;
  if (config.curvePreferences !== undefined) {
    const curves = config.curvePreferences.map((curve, index) => {
      const path = joinPath('curvePreferences', index);
      if (!openSslCurveNames.has(curve)) throw new ConfigError(path, `invalid CurveID in curvePreferences ${quote(curve)}`);
      const openSsl = openSslCurveNames.get(curve);
      if (openSsl === undefined) throw new ConfigError(path, `curve ${quote(curve)} is not supported by this build's OpenSSL`);
      return openSsl;
    });
    if (curves.length > 0) ecdhCurve = [...new Set(curves)].join(':');
  }

  const clientCas = (config.clientAuth?.caFiles ?? []).map((caFile, index) => {
    const path = joinPath('clientAuth', joinPath('caFiles', index));
    const pem = readFileOrContent(caFile, path);
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(path, 'invalid certificate(s): no PEM certificate found');
    return pem;
  });
  // CA files alone mean RequireAndVerifyClientCert, as in Traefik.
  let clientAuth: ClientAuthType = clientCas.length > 0 ? 'RequireAndVerifyClientCert' : 'NoClientCert';
  const requested = config.clientAuth?.clientAuthType;
  if (requested !== undefined && requested !== '') {
    const path = 'clientAuth.clientAuthType';
    if (!clientAuthTypes.includes(requested as ClientAuthType)) {
      throw new ConfigError(path, `unknown client auth type ${quote(requested)}; expected one of ${clientAuthTypes.join(', ')}`);
    }
    if (clientCas.length === 0 && (requested === 'VerifyClientCertIfGiven' || requested === 'RequireAndVerifyClientCert')) {
      throw new ConfigError(path, `invalid clientAuthType ${quote(requested)}: caFiles is required`);
    }
    clientAuth = requested as ClientAuthType;
  }

  return {
    name,
    minVersion,
    maxVersion,
    ciphers,
    ecdhCurve,
    clientCas,
    clientAuth,
    sniStrict: config.sniStrict === true,
    alpnProtocols: config.alpnProtocols ?? defaultAlpnProtocols,
    disableSessionTickets: config.disableSessionTickets === true,
  };
}

/** Traefik's `default` options when no provider defines them. */
export const builtInDefaultOptions: TlsOptionsConfig = {};
