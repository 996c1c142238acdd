import type { Handler } from '../http/exchange.js';
import { statusText } from '../http/errors.js';
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
    'noop@internal',
    // Traefik's noop answers 418 with no body: whatever reaches it was meant to be answered earlier.
    (): Handler =>
      function noop(exchange) {
        exchange.reply(418);
      },
  ],
]);
