import type { Exchange } from '../../exchange.js';
import { formatUrl, parseUrl } from '../replace-path/go-url.js';
import type { GoRegexp } from '../replace-path-regex/go-replacement.js';

/** How Traefik's redirect middlewares answer: the expression, its replacement, and the URL it reads. */
export interface RedirectOptions {
  readonly expression: GoRegexp;
  readonly replacement: string;
  readonly permanent: boolean;
  /** The URL the client asked for, as the middleware reconstructs it (a byte string). */
  readonly clientUrl: (exchange: Exchange) => string;
}

const plainText = 'text/plain; charset=utf-8';

/** Picks the redirect status as Traefik: 302 (301 when permanent) for GET, 307 (308) for any other method. */
export function redirectStatus(method: string | undefined, permanent: boolean): number {
  const isGet = method === 'GET';
  if (permanent) return isGet ? 301 : 308;
  return isGet ? 302 : 307;
}

const statusTexts: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

/**
 * Compiles Traefik's redirect: when the expression matches the client URL, the URL is rewritten; a result
 * that is not a valid URL answers 502 Bad Gateway, a different one is a redirect to it (written back as Go
 * formats the parsed URL), and an unchanged one passes through. Returns whether it answered.
 */
export function compileRedirect(options: RedirectOptions): (exchange: Exchange) => boolean {
  const { expression, permanent, clientUrl } = options;
  const replace = expression.replacer(options.replacement);
  return (exchange) => {
    const oldUrl = clientUrl(exchange);
    if (!expression.matches(oldUrl)) return false;
    const newUrl = replace(oldUrl);
    let location: string;
    try {
      location = formatUrl(parseUrl(newUrl));
    } catch (error) {
      exchange.log.debug('redirect target is not a valid URL', { error: (error as Error).message });
      exchange.reply(502, 'Bad Gateway', { 'content-type': plainText });
      return true;
    }
    if (newUrl === oldUrl) return false;
    const status = redirectStatus(exchange.request.method, permanent);
    // Go's server sniffs the status text as plain text, and sends no nosniff header.
    exchange.reply(status, statusTexts[status], { location, 'content-type': plainText });
    return true;
  };
}
