import type { FailoverConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError, configPath } from '../../../config/errors.js';
import { ClientClosedError } from '../../errors.js';
import type { Exchange, Handler } from '../../exchange.js';
import { parseStatusRanges, type StatusRanges } from '../../middlewares/errors/status-ranges.js';
import { hasRequestBody } from '../../proxy/forward.js';
import type { ResponseWriter } from '../../response-writer.js';
import { collectBody } from '../mirroring/request-body.js';
import { childAvailability, type Availability, type ServiceFactory, type ServiceNode } from '../service.js';
import { StatusCatcher, catchableStatuses } from '../../middlewares/errors/status-catcher.js';
import { replayExchange } from './status-fallback.js';

/** Traefik answers with http.Error when neither service is up. */
const unavailableBody = 'Service Unavailable\n';

/** Answers 503 as Go's http.Error does, on a writer outside the main service's chain. */
function writeUnavailable(writer: ResponseWriter, isHead: boolean): void {
  writer.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': Buffer.byteLength(unavailableBody) });
  if (!isHead) writer.write(Buffer.from(unavailableBody));
  writer.end();
}

/**
 * Traefik's `failover`: the main service while it has an available server, else the fallback. With
 * `errors.status`, an answer of the main service in those ranges is replaced by the fallback's (the request
 * body is kept, up to `maxRequestBodyBytes`, to send it again). Without `errors`, the main service must follow
 * health (its healthCheck); the fallback's health is followed when this service has `healthCheck: {}`, and
 * then neither being up answers 503.
 */
export const failover: ServiceFactory<FailoverConfig> = (config, context) => {
  const main = reference(config.service, 'service', context);
  const fallback = reference(config.fallback, 'fallback', context);
  const statuses = statusRanges(config.errors?.status ?? []);
  // Informational answers other than 101 pass to the client, as in Traefik's failover.
  const catches = catchableStatuses(statuses, { includeSwitchingProtocols: true });
  const mainAvailability: Availability | undefined =
    statuses.length > 0 && main.availability === undefined ? undefined : childAvailability(main, config.service, 'service');
  const fallbackAvailability = config.healthCheck === undefined ? undefined : childAvailability(fallback, config.fallback, 'fallback');
  const mainHandler = main.handler;
  const fallbackHandler = fallback.handler;
  const maxBodyBytes = config.errors?.maxRequestBodyBytes ?? -1;
  const isFallbackUp = (): boolean => fallbackAvailability === undefined || fallbackAvailability.isAvailable();

  function toFallback(exchange: Exchange): void {
    if (isFallbackUp()) return fallbackHandler(exchange);
    writeUnavailable(exchange.writer, exchange.request.method === 'HEAD');
  }

  /** Sends the request to the main service, and to the fallback if the answer's status says so. */
  function withStatusFallback(exchange: Exchange, body: Buffer | undefined): void {
    const { path, rawQuery } = exchange;
    if (body !== undefined) exchange.requestBody = body;
    exchange.writer = new StatusCatcher(exchange.writer, catches, (_status, writer) => {
      const replay = replayExchange(exchange, path, rawQuery, body, writer);
      if (isFallbackUp()) fallbackHandler(replay);
      else writeUnavailable(writer, exchange.request.method === 'HEAD');
    });
    mainHandler(exchange);
  }

  function failover(exchange: Exchange): void {
    if (mainAvailability !== undefined && !mainAvailability.isAvailable()) return toFallback(exchange);
    if (statuses.length === 0) return mainHandler(exchange);
    if (!hasRequestBody(exchange) || exchange.requestBody instanceof Buffer || exchange.upgrade !== undefined) {
      return withStatusFallback(exchange, exchange.requestBody instanceof Buffer ? exchange.requestBody : undefined);
    }
    collectBody(exchange.request, maxBodyBytes).then(
      (collected) => {
        if (!collected.isComplete) {
          exchange.reply(413, 'Request body too large\n');
          return;
        }
        withStatusFallback(exchange, collected.body);
      },
      (error: unknown) => exchange.fail(new ClientClosedError((error as Error).message)),
    );
  }

  return {
    handler: failover,
    availability:
      fallbackAvailability === undefined ? undefined : { isAvailable: () => (mainAvailability?.isAvailable() ?? true) || fallbackAvailability.isAvailable() },
  };
};

function statusRanges(entries: readonly string[]): StatusRanges {
  const ranges: Array<readonly [number, number]> = [];
  entries.forEach((entry, index) => {
    const parsed = parseStatusRanges(entry);
    if (typeof parsed === 'string') throw new ConfigError(configPath('errors', 'status', index), parsed);
    ranges.push(...parsed);
  });
  return ranges;
}

function reference(name: string, field: string, context: Parameters<ServiceFactory<unknown>>[1]): ServiceNode {
  try {
    return context.service(name);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(configPath(field), error.reason);
    throw error;
  }
}
