import { cleanPath } from '../../url-path.js';
import { unescapePath } from '../digest-auth/request-uri.js';
import { parseGoUrl } from './go-url.js';

/** A redirect answer: Location, and for GET/HEAD Go's small HTML body. */
export interface GoRedirect {
  readonly location: string;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[char]!);
}

/** Percent-encodes bytes past ASCII (the text holds one byte per character), as Go's `hexEscapeNonASCII`. */
function hexEscapeNonAscii(bytes: string): string {
  return bytes.replace(/[\x80-\xff]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Builds what Go's `http.Redirect` writes for `target` with status 302: a relative target is resolved
 * against the request's path and cleaned (a trailing slash kept).
 */
export function goRedirect(target: string, method: string, requestPath: string): GoRedirect {
  // Go works on bytes: one Latin-1 character per byte keeps them as they are.
  let url = Buffer.from(target, 'utf8').toString('latin1');
  const parsed = parseGoUrl(target);
  if (parsed !== undefined && parsed.scheme === '' && (parsed.authority ?? '') === '') {
    const oldPath = unescapePath(requestPath) || '/';
    if (url === '' || !url.startsWith('/')) url = oldPath.slice(0, oldPath.lastIndexOf('/') + 1) + url;
    const question = url.indexOf('?');
    const query = question < 0 ? '' : url.slice(question);
    if (question >= 0) url = url.slice(0, question);
    url = cleanPath(url) + query;
  }
  const hasHtml = method === 'GET' || method === 'HEAD';
  const body = method === 'GET' ? `<a href="${htmlEscape(url)}">Found</a>.\n\n` : '';
  return { location: hexEscapeNonAscii(url), contentType: hasHtml ? 'text/html; charset=utf-8' : undefined, body: Buffer.from(body, 'latin1') };
}
