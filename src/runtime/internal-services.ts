import { acmeHttpChallenge } from '../acme/acme-http-challenge.js';
import { apiService } from '../api/api-service.js';
import { dashboardService } from '../api/dashboard-assets.js';
import type { Handler } from '../http/exchange.js';
import { InternalError, statusText } from '../http/errors.js';
import type { RuntimeReport } from './runtime-report.js';
import type { RuntimeSettings } from './runtime-settings.js';

/** What an internal service may read besides the static settings. */
export interface InternalServiceContext {
  /** The report of the runtime the service is built into (complete once the build ends). */
  readonly report: () => RuntimeReport;
}

/** A service Junction provides itself. */
export interface InternalService {
  /** Whether the static configuration enables it; a reference to a disabled one reads as its reason. */
  readonly unavailable: (settings: RuntimeSettings) => string | undefined;
  readonly create: (settings: RuntimeSettings, context: InternalServiceContext) => Handler;
}

/** Services Junction provides itself, by qualified name, as Traefik's internal handlers. */
export const internalServices: ReadonlyMap<string, InternalService> = new Map<string, InternalService>([
  [
    'api@internal',
    {
      unavailable: (settings) => (settings.api === undefined ? 'api is not enabled' : undefined),
      create: (settings, context) => apiService(settings.api!, context.report),
    },
  ],
  [
    'dashboard@internal',
    {
      unavailable: (settings) => (settings.api?.dashboard !== true ? 'dashboard is not enabled' : undefined),
      create: (settings) => dashboardService(settings.api!),
    },
  ],
  [
    'ping@internal',
    {
      unavailable: (settings) => (settings.ping === undefined ? 'ping is not enabled' : undefined),
      create: (settings): Handler => {
        const terminatingStatus = settings.ping?.terminatingStatusCode ?? 503;
        return function ping(exchange) {
          const status = settings.isTerminating() ? terminatingStatus : 200;
          exchange.reply(status, status === 200 ? 'OK' : statusText(status));
        };
      },
    },
  ],
  [
    'prometheus@internal',
    {
      unavailable: (settings) => (settings.prometheus === undefined ? 'metrics.prometheus is not enabled' : undefined),
      create: (settings): Handler => {
        const exposition = settings.prometheus!;
        const headers = { 'content-type': exposition.contentType };
        return function prometheus(exchange) {
          exposition.text().then(
            (text) => exchange.reply(200, text, { ...headers }),
            (error: Error) => exchange.fail(new InternalError(`cannot collect metrics: ${error.message}`)),
          );
        };
      },
    },
  ],
  [
    'acme-http@internal',
    {
      unavailable: (settings) => (settings.acme.hasHttpChallenge ? undefined : 'no certificate resolver uses the HTTP challenge'),
      create: (settings) => acmeHttpChallenge(settings.acme.challenges),
    },
  ],
  [
    'noop@internal',
    {
      unavailable: () => undefined,
      // Traefik's noop answers 418 with no body: whatever reaches it was meant to be answered earlier.
      create: (): Handler =>
        function noop(exchange) {
          exchange.reply(418);
        },
    },
  ],
]);

/** Names of the internal services the static configuration enables, as Traefik's internal provider declares them. */
export function availableInternalServices(settings: RuntimeSettings): string[] {
  return [...internalServices].filter(([, service]) => service.unavailable(settings) === undefined).map(([name]) => name);
}
