import type { Handler } from '../http/exchange.js';
import { ConfigError } from '../config/errors.js';
import { InternalError, statusText } from '../http/errors.js';
import type { RuntimeSettings } from './runtime-settings.js';

/** Services Junction provides itself, by qualified name. */
export const internalServices: ReadonlyMap<string, (settings: RuntimeSettings) => Handler> = new Map([
  [
    'ping@internal',
    (settings: RuntimeSettings): Handler => {
      const terminatingStatus = settings.ping?.terminatingStatusCode ?? 503;
      return function ping(exchange) {
        const status = settings.isTerminating() ? terminatingStatus : 200;
        exchange.reply(status, status === 200 ? 'OK' : statusText(status));
      };
    },
  ],
  [
    'prometheus@internal',
    (settings: RuntimeSettings): Handler => {
      const exposition = settings.prometheus;
      if (exposition === undefined) throw new ConfigError('', 'service "prometheus@internal" needs metrics.prometheus in the static configuration');
      const headers = { 'content-type': exposition.contentType };
      return function prometheus(exchange) {
        exposition.text().then(
          (text) => exchange.reply(200, text, { ...headers }),
          (error: Error) => exchange.fail(new InternalError(`cannot collect metrics: ${error.message}`)),
        );
      };
    },
  ],
  [
    'noop@internal',
    // Traefik's noop answers 418 with no body: whatever reaches it was meant to be answered earlier.
    (): Handler =>
      function noop(exchange) {
        exchange.reply(418);
      },
  ],
]);
