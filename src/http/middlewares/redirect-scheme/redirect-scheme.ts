import type { Exchange } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';
import { GoRegexp } from '../replace-path-regex/go-replacement.js';
import { compileRedirect } from '../redirect-regex/redirect.js';
import type { RedirectSchemeConfig } from './redirect-scheme-schema.js';

/** Traefik's pattern for the client URL: scheme, host (a bracketed IPv6 literal or a plain name), port, rest. */
const clientUrlPattern = new GoRegexp('^(https?:\\/\\/)?(\\[[\\w:.]+\\]|[\\w\\._-]+)?(:\\d+)?(.*)$');

/** Go's `net.SplitHostPort`, or undefined where it fails. */
function splitHostPort(hostPort: string): { host: string; port: string } | undefined {
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0) return undefined;
  let host: string;
  let afterOpen = 0;
  let afterClose = 0;
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0 || end + 1 !== colon) return undefined;
    host = hostPort.slice(1, end);
    afterOpen = 1;
    afterClose = end + 1;
  } else {
    host = hostPort.slice(0, colon);
    if (host.includes(':')) return undefined;
  }
  if (hostPort.indexOf('[', afterOpen) >= 0 || hostPort.indexOf(']', afterClose) >= 0) return undefined;
  return { host, port: hostPort.slice(colon + 1) };
}

function firstValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * The URL the client asked for, as Traefik's redirectScheme reconstructs it: the scheme of the connection,
 * or of X-Forwarded-Proto when set (ws and wss read as http and https); the Host header with its port,
 * which is dropped when it is the scheme's default; then the request URI.
 */
function clientRequestUrl(exchange: Exchange): string {
  const hostHeader = exchange.request.headers.host ?? '';
  const split = splitHostPort(hostHeader);
  // Differs from Traefik, whose redirect of an IPv6 Host with a port answers 502 Bad Gateway (the literal
  // loses its brackets, and Go refuses the URL made of it): the brackets are kept, as its test table expects.
  const host = split === undefined ? hostHeader : hostHeader.startsWith('[') ? `[${split.host}]` : split.host;
  let port = split === undefined ? '' : `:${split.port}`;
  let scheme = exchange.entryPoint.isTls ? 'https' : 'http';
  const rawForwardedProto = firstValue(exchange.request.headers['x-forwarded-proto']);
  const forwardedProto = rawForwardedProto.toLowerCase();
  if (forwardedProto === 'http' || forwardedProto === 'ws') scheme = 'http';
  else if (forwardedProto === 'https' || forwardedProto === 'wss') scheme = 'https';
  else if (forwardedProto !== '') exchange.log.debug(`Invalid X-Forwarded-Proto: ${forwardedProto}`);
  if ((scheme === 'http' && port === ':80') || (scheme === 'https' && port === ':443')) port = '';
  return `${scheme}://${host}${port}${exchange.target}`;
}

/**
 * Redirects to the same URL with the configured scheme and port (none, or the scheme's default, drops
 * the port); a request already on that URL passes through.
 */
export const redirectScheme: MiddlewareFactory<RedirectSchemeConfig> = (config) => {
  const { scheme } = config;
  const port = config.port ?? '';
  const isDefaultPort = (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443');
  const portSuffix = port === '' || isDefaultPort ? '' : `:${port}`;
  // Traefik rewrites through its pattern, so the scheme and port are read as a replacement template too.
  const redirect = compileRedirect({
    expression: clientUrlPattern,
    replacement: `${scheme}://\${2}${portSuffix}\${4}`,
    permanent: config.permanent === true,
    clientUrl: clientRequestUrl,
  });
  return (next) =>
    function redirectScheme(exchange) {
      if (!redirect(exchange)) next(exchange);
    };
};
