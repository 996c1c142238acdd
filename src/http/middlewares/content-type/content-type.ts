import { ResponseWriterWrapper, type ResponseHeaders } from '../../response-writer.js';
import type { MiddlewareFactory } from '../middleware.js';
import type { ContentTypeConfig } from './content-type-schema.js';
import { detectContentType } from './detect-content-type.js';

/** Go's `bodyAllowedForStatus`: no body, so nothing to sniff, for 1xx, 204 and 304. */
function allowsBody(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

function isSet(value: ResponseHeaders[string]): boolean {
  if (value === undefined) return false;
  return Array.isArray(value) ? value.length > 0 : true;
}

/**
 * Holds a head without Content-Type until the first bytes of the body, then names their type, as Go's
 * server does when nothing disabled it (it does not look without a body, nor under a Content-Encoding).
 */
export class SniffingWriter extends ResponseWriterWrapper {
  #held: { readonly status: number; readonly headers: ResponseHeaders } | undefined;

  override writeHead(status: number, headers: ResponseHeaders): void {
    const encoding = headers['content-encoding'];
    const isEncoded = isSet(encoding) && String(Array.isArray(encoding) ? encoding[0] : encoding) !== '';
    if (allowsBody(status) && !isSet(headers['content-type']) && !isEncoded && !isSet(headers['transfer-encoding'])) {
      this.#held = { status, headers };
      return;
    }
    this.#held = undefined;
    this.inner.writeHead(status, headers);
  }

  override write(chunk: Buffer): boolean {
    const held = this.#held;
    if (held !== undefined) {
      // An empty write sends nothing, so it decides nothing either.
      if (chunk.length === 0) return true;
      this.#held = undefined;
      held.headers['content-type'] = detectContentType(chunk);
      this.inner.writeHead(held.status, held.headers);
    }
    return this.inner.write(chunk);
  }

  override end(): void {
    const held = this.#held;
    if (held !== undefined) {
      this.#held = undefined;
      this.inner.writeHead(held.status, held.headers);
    }
    this.inner.end();
  }
}

/**
 * Lets a response without Content-Type get one guessed from its first bytes. Traefik v3 does not sniff by
 * default; this middleware turns it back on for the routers that use it.
 */
export const contentType: MiddlewareFactory<ContentTypeConfig> = (config, context) => {
  if (config.autoDetect !== undefined) {
    // Once per router and definition, not on every reload.
    context.state('deprecated-auto-detect-warning', () => {
      context.log.warn('contentType option autoDetect is deprecated: the middleware only enables Content-Type detection; remove the option');
      return true;
    });
    // Traefik keeps `autoDetect: false` working: the middleware then does nothing.
    if (!config.autoDetect) return (next) => next;
  }
  return (next) =>
    function contentType(exchange) {
      exchange.writer = new SniffingWriter(exchange.writer);
      next(exchange);
    };
};
