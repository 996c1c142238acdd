import { randomBytes } from 'node:crypto';
import type { Exchange } from '../../exchange.js';
import type { ResponseHeaders } from '../../response-writer.js';
import { firstHeaderValue, wireValue } from './header-fields.js';
import type { HeadersConfig } from './headers-schema.js';

/**
 * The security part of `headers`, with unrolled/secure's semantics as Traefik configures it (v1.0.9):
 * allowed hosts, HSTS, frame, sniffing, XSS, CSP, HPKP, referrer and permissions policies.
 */
export interface Secure {
  /** Checks the request's host; returns the headers to set on its response, or undefined for a host not allowed. */
  process(exchange: Exchange): ResponseHeaders | undefined;
}

/** Tells whether any security option is set, as Traefik's `HasSecureHeadersDefined` (deprecated ones included). */
export function hasSecureOptions(config: HeadersConfig): boolean {
  return (
    (config.allowedHosts?.length ?? 0) > 0 ||
    (config.hostsProxyHeaders?.length ?? 0) > 0 ||
    config.sslRedirect === true ||
    config.sslTemporaryRedirect === true ||
    config.sslForceHost === true ||
    (config.sslHost ?? '') !== '' ||
    Object.keys(config.sslProxyHeaders ?? {}).length > 0 ||
    config.stsSeconds !== undefined ||
    config.stsIncludeSubdomains === true ||
    config.stsPreload === true ||
    config.forceSTSHeader === true ||
    config.frameDeny === true ||
    (config.customFrameOptionsValue ?? '') !== '' ||
    config.contentTypeNosniff === true ||
    config.browserXssFilter === true ||
    (config.customBrowserXSSValue ?? '') !== '' ||
    (config.contentSecurityPolicy ?? '') !== '' ||
    (config.contentSecurityPolicyReportOnly ?? '') !== '' ||
    (config.publicKey ?? '') !== '' ||
    (config.referrerPolicy ?? '') !== '' ||
    (config.featurePolicy ?? '') !== '' ||
    (config.permissionsPolicy ?? '') !== '' ||
    config.isDevelopment === true
  );
}

/** `$NONCE` in a policy becomes a fresh nonce per request, as unrolled/secure does. */
const noncePlaceholder = '%[1]s';

function compilePolicy(policy: string | undefined): string | undefined {
  if (policy === undefined || policy === '') return undefined;
  return wireValue(policy).replaceAll('$NONCE', `'nonce-${noncePlaceholder}'`);
}

/** Fills the nonce in as Go's `fmt.Sprintf(policy, nonce)` does for `%[1]s` and `%%`. */
function withNonce(policy: string, nonce: string): string {
  return policy.replace(/%(\[1\]s|%)/g, (_whole, verb: string) => (verb === '%' ? '%' : nonce));
}

/** Compiles the security options. */
export function compileSecure(config: HeadersConfig): Secure {
  const isDevelopment = config.isDevelopment === true;
  const allowedHosts = new Set((config.allowedHosts ?? []).map((host) => host.toLowerCase()));
  const checksHost = allowedHosts.size > 0 && !isDevelopment;
  const hostsProxyHeaders = (config.hostsProxyHeaders ?? []).map((name) => name.toLowerCase());
  const sslProxyHeaders = Object.entries(config.sslProxyHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const);

  // As in Traefik v3, sslRedirect, sslTemporaryRedirect, sslHost, sslForceHost and featurePolicy count as
  // security options but have no effect: Traefik no longer passes them to unrolled/secure.
  const stsSeconds = config.stsSeconds ?? 0;
  const sts =
    stsSeconds !== 0 && !isDevelopment
      ? `max-age=${stsSeconds}${config.stsIncludeSubdomains === true ? '; includeSubDomains' : ''}${config.stsPreload === true ? '; preload' : ''}`
      : undefined;
  const forceSts = config.forceSTSHeader === true;
  const publicKey = (config.publicKey ?? '') !== '' && !isDevelopment ? wireValue(config.publicKey!) : undefined;

  const fixed: Array<readonly [string, string]> = [];
  const frameOptions = (config.customFrameOptionsValue ?? '') !== '' ? config.customFrameOptionsValue! : config.frameDeny === true ? 'DENY' : undefined;
  if (frameOptions !== undefined) fixed.push(['x-frame-options', wireValue(frameOptions)]);
  if (config.contentTypeNosniff === true) fixed.push(['x-content-type-options', 'nosniff']);
  const xssProtection = (config.customBrowserXSSValue ?? '') !== '' ? config.customBrowserXSSValue! : config.browserXssFilter === true ? '1; mode=block' : undefined;
  if (xssProtection !== undefined) fixed.push(['x-xss-protection', wireValue(xssProtection)]);

  const csp = compilePolicy(config.contentSecurityPolicy);
  const cspReportOnly = compilePolicy(config.contentSecurityPolicyReportOnly);
  const usesNonce = (csp?.includes(noncePlaceholder) ?? false) || (cspReportOnly?.includes(noncePlaceholder) ?? false);
  if (!usesNonce) {
    if (csp !== undefined) fixed.push(['content-security-policy', csp]);
    if (cspReportOnly !== undefined) fixed.push(['content-security-policy-report-only', cspReportOnly]);
  }
  if ((config.referrerPolicy ?? '') !== '') fixed.push(['referrer-policy', wireValue(config.referrerPolicy!)]);
  if ((config.permissionsPolicy ?? '') !== '') fixed.push(['permissions-policy', wireValue(config.permissionsPolicy!)]);

  /** HTTPS as unrolled/secure sees it: TLS, an `https://` request target, or a configured proxy header value. */
  const isSsl = (exchange: Exchange): boolean => {
    if (exchange.entryPoint.isTls || /^https:\/\//i.test(exchange.request.url ?? '')) return true;
    // Go's Header.Get gives "" for a missing header, so an empty configured value matches its absence.
    return sslProxyHeaders.some(([name, value]) => (firstHeaderValue(exchange.request, name) ?? '') === value);
  };

  return {
    process(exchange) {
      const request = exchange.request;
      if (checksHost) {
        let host = request.headers.host ?? '';
        for (const name of hostsProxyHeaders) {
          const proxied = firstHeaderValue(request, name) ?? '';
          if (proxied !== '') {
            host = proxied;
            break;
          }
        }
        if (!allowedHosts.has(host.toLowerCase())) return undefined;
      }
      const headers: ResponseHeaders = {};
      const needsSsl = (sts !== undefined && !forceSts) || publicKey !== undefined;
      const ssl = needsSsl && isSsl(exchange);
      // RFC 6797 §7.2: HSTS only over HTTPS, unless forced.
      if (sts !== undefined && (forceSts || ssl)) headers['strict-transport-security'] = sts;
      for (const [name, value] of fixed) headers[name] = value;
      if (publicKey !== undefined && ssl) headers['public-key-pins'] = publicKey;
      if (usesNonce) {
        const nonce = randomBytes(16).toString('base64').replace(/=+$/, '');
        if (csp !== undefined) headers['content-security-policy'] = withNonce(csp, nonce);
        if (cspReportOnly !== undefined) headers['content-security-policy-report-only'] = withNonce(cspReportOnly, nonce);
      }
      return headers;
    },
  };
}
