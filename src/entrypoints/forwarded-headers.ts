import { hostname } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';
import { compileIpMatcher } from '../net/ip-range.js';
import { headerTokens } from '../http/proxy/header-names.js';

/** Headers Junction manages (lowercase); from an untrusted peer they are removed before anything else sees the request. */
export const managedXHeaders: readonly string[] = [
  'x-forwarded-proto',
  'x-forwarded-scheme',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-prefix',
  'x-forwarded-tls-client-cert',
  'x-forwarded-tls-client-cert-info',
  'x-scheme',
  'x-real-ip',
];
const managedHeaders = new Set(managedXHeaders);

/** Some servers read `X_Forwarded_For` as `X-Forwarded-For`, so the underscore spellings are managed too. */
export function isManagedHeader(name: string): boolean {
  if (name.charCodeAt(0) !== 120 /* x */) return false;
  if (managedHeaders.has(name)) return true;
  return name.includes('_') && managedHeaders.has(name.replaceAll('_', '-'));
}

export interface ForwardedHeadersOptions {
  readonly insecure: boolean;
  readonly trustedIPs: readonly string[];
  /** Connection-listed headers allowed to survive to the upstream. */
  readonly connection: readonly string[];
  /** Leave X-Forwarded-For as the client sent it (the proxy reads this; see EntryPointInfo). */
  readonly notAppendXForwardedFor: boolean;
  /** Also send the scheme as X-Forwarded-Scheme and X-Scheme. */
  readonly addXForwardedSchemeHeaders: boolean;
}

export interface ForwardedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly clientIp: string;
  readonly isTls: boolean;
  readonly isWebSocket: boolean;
}

const serverName = hostname() || 'localhost';

/**
 * Compiles the entryPoint's `forwardedHeaders` handling, as Traefik applies it before routing: untrusted
 * X-Forwarded-* are dropped, then X-Real-Ip, X-Forwarded-Proto/-Port/-Host/-Server are set when missing and
 * Connection-listed headers are removed.
 */
export function compileForwardedHeaders(options: ForwardedHeadersOptions, path: string): (request: ForwardedRequest) => void {
  const isTrusted = options.insecure ? () => true : options.trustedIPs.length === 0 ? () => false : compileIpMatcher(options.trustedIPs, `${path}.trustedIPs`);
  const keptConnectionHeaders = new Set(options.connection.map((name) => name.toLowerCase()));

  return function forwardedHeaders({ headers, clientIp, isTls, isWebSocket }) {
    if (!isTrusted(clientIp)) {
      for (const name in headers) if (isManagedHeader(name)) delete headers[name];
    }
    if (!headers['x-real-ip']) headers['x-real-ip'] = clientIp;
    if (!headers['x-forwarded-proto']) headers['x-forwarded-proto'] = isWebSocket ? (isTls ? 'wss' : 'ws') : isTls ? 'https' : 'http';
    if (!headers['x-forwarded-port']) headers['x-forwarded-port'] = forwardedPort(headers, isTls);
    if (options.addXForwardedSchemeHeaders) headers['x-forwarded-scheme'] = headers['x-scheme'] = headers['x-forwarded-proto'];
    const host = headers.host;
    if (!headers['x-forwarded-host'] && host) headers['x-forwarded-host'] = host;
    headers['x-forwarded-server'] = serverName;
    removeConnectionHeaders(headers, keptConnectionHeaders);
  };
}

function forwardedPort(headers: IncomingHttpHeaders, isTls: boolean): string {
  const host = headers.host ?? '';
  const match = /:(\d+)$/.exec(host);
  if (match !== null && !(host.startsWith('[') && !host.includes(']:'))) return match[1]!;
  const proto = headers['x-forwarded-proto'];
  if (proto === 'https' || proto === 'wss' || isTls) return '443';
  return '80';
}

function removeConnectionHeaders(headers: IncomingHttpHeaders, kept: ReadonlySet<string>): void {
  const listed = headerTokens(headers.connection);
  const upgrade = listed.includes('upgrade') ? headers.upgrade : undefined;
  const survivors: string[] = [];
  for (const name of listed) {
    if (isManagedHeader(name)) continue;
    if (kept.has(name)) {
      survivors.push(name);
      continue;
    }
    delete headers[name];
  }
  if (upgrade !== undefined) {
    survivors.push('upgrade');
    headers.upgrade = upgrade;
  }
  if (survivors.length > 0) headers.connection = survivors.join(',');
  else delete headers.connection;
}
