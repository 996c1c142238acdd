import type { RedirectSchemeConfig } from '../../../config/dynamic/http-schema.js';
import type { Exchange } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';

/** Scheme, host and port of the URL the client asked for, as Traefik reconstructs it. */
function clientUrl(exchange: Exchange): { scheme: string; host: string; port: string } {
  let scheme = exchange.entryPoint.isTls ? 'https' : 'http';
  const hostHeader = exchange.request.headers.host ?? '';
  let host = hostHeader;
  let port = '';
  const portMatch = /^(.*):(\d*)$/.exec(hostHeader);
  if (portMatch !== null && (!hostHeader.startsWith('[') || portMatch[1]!.endsWith(']'))) {
    host = portMatch[1]!.replace(/^\[(.*)\]$/, '$1');
    port = `:${portMatch[2]}`;
  }
  const forwardedProto = exchange.request.headers['x-forwarded-proto'];
  if (typeof forwardedProto === 'string' && forwardedProto !== '') {
    // An upgrade may carry ws/wss from an earlier hop; only http and https make sense for a redirect.
    const lowered = forwardedProto.toLowerCase();
    if (lowered === 'http' || lowered === 'ws') scheme = 'http';
    else if (lowered === 'https' || lowered === 'wss') scheme = 'https';
  }
  if ((scheme === 'http' && port === ':80') || (scheme === 'https' && port === ':443')) port = '';
  return { scheme, host, port };
}

/** Picks the redirect status as Traefik: 302/307 (301/308 when permanent), the 30x7/8 forms for non-GET. */
export function redirectStatus(method: string | undefined, permanent: boolean): number {
  const isGet = method === 'GET';
  if (permanent) return isGet ? 301 : 308;
  return isGet ? 302 : 307;
}

/** Redirects to the same URL with another scheme (and port); a request already on it passes through. */
export const redirectScheme: MiddlewareFactory<RedirectSchemeConfig> = (config) => {
  const scheme = config.scheme;
  const port = config.port ?? '';
  const portSuffix = port === '' || (scheme === 'http' && port === '80') || (scheme === 'https' && port === '443') ? '' : `:${port}`;
  const permanent = config.permanent === true;

  return (next) =>
    function redirectScheme(exchange) {
      const current = clientUrl(exchange);
      const uri = exchange.target;
      const from = `${current.scheme}://${current.host}${current.port}${uri}`;
      const to = `${scheme}://${current.host}${portSuffix}${uri}`;
      if (to === from) return next(exchange);
      const status = redirectStatus(exchange.request.method, permanent);
      exchange.reply(status, statusTexts[status], { location: to });
    };
};

const statusTexts: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 308: 'Permanent Redirect' };
