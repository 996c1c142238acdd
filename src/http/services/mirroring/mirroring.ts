import type { MirroringConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError, configPath } from '../../../config/errors.js';
import { ClientClosedError } from '../../errors.js';
import type { Exchange, Handler } from '../../exchange.js';
import { hasRequestBody } from '../../proxy/forward.js';
import { childAvailability, type ServiceFactory } from '../service.js';
import { resolveChildren } from '../weighted/weighted.js';
import { mirrorExchange, snapshotRequest, type RequestSnapshot } from './mirror-exchange.js';
import { collectBody, resumedBody } from './request-body.js';

/** How many requests came, and how many each mirror got: a request is copied while copies × 100 < total × percent. */
class MirrorCounters {
  total = 0;
  readonly copies: number[];

  constructor(mirrors: number) {
    this.copies = new Array<number>(mirrors).fill(0);
  }
}

/**
 * Traefik's `mirroring`: the client is answered by the main service alone; once that answer is complete, a
 * copy of the request goes to each mirror whose share is due, and the mirrors' answers are dropped. With
 * `mirrorBody`, the body is read first (up to `maxBodySize`; a larger one is not mirrored).
 */
export const mirroring: ServiceFactory<MirroringConfig> = (config, context) => {
  let main;
  try {
    main = context.service(config.service);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError('service', error.reason);
    throw error;
  }
  const references = config.mirrors ?? [];
  references.forEach((reference, index) => {
    if (reference.percent < 0 || reference.percent > 100) throw new ConfigError(configPath('mirrors', index, 'percent'), 'percent must be between 0 and 100');
  });
  const mirrors: Handler[] = resolveChildren(references, 'mirrors', context).map((child) => child.handler);
  const percents = references.map((reference) => reference.percent);
  const availability = config.healthCheck === undefined ? undefined : childAvailability(main, config.service, 'service');
  const counters = context.state('counters', () => new MirrorCounters(mirrors.length));
  const mainHandler = main.handler;
  const { mirrorBody, maxBodySize } = config;
  const log = context.log;

  /** Picks the mirrors due for this request, counting it. */
  function dueMirrors(): Handler[] {
    counters.total++;
    const due: Handler[] = [];
    for (let index = 0; index < mirrors.length; index++) {
      if (counters.copies[index]! * 100 < counters.total * percents[index]!) {
        counters.copies[index]!++;
        due.push(mirrors[index]!);
      }
    }
    return due;
  }

  /** Sends the copies once the client's answer is complete; not when the client left first. */
  function mirrorAfter(exchange: Exchange, due: readonly Handler[], snapshot: RequestSnapshot, body: Buffer | undefined): void {
    const { response } = exchange;
    const send = (): void => {
      response.off('close', cancelled);
      for (const mirror of due) {
        try {
          mirror(mirrorExchange(exchange, snapshot, body));
        } catch (error) {
          log.debug('mirror failed', { error: (error as Error).message });
        }
      }
    };
    const cancelled = (): void => {
      response.off('finish', send);
      if (!response.writableFinished) log.warn('No mirroring, request has been canceled during main handler ServeHTTP');
    };
    response.once('finish', send);
    response.once('close', cancelled);
  }

  function mirroringService(exchange: Exchange): void {
    const due = exchange.upgrade === undefined ? dueMirrors() : [];
    if (due.length === 0) return mainHandler(exchange);
    const snapshot = snapshotRequest(exchange);
    if (!hasRequestBody(exchange) || exchange.requestBody instanceof Buffer) {
      const body = exchange.requestBody instanceof Buffer ? exchange.requestBody : undefined;
      mirrorAfter(exchange, due, snapshot, mirrorBody ? body : undefined);
      return mainHandler(exchange);
    }
    if (!mirrorBody) {
      mirrorAfter(exchange, due, snapshot, undefined);
      return mainHandler(exchange);
    }
    collectBody(exchange.request, maxBodySize).then(
      (collected) => {
        if (!collected.isComplete) {
          // Too large to mirror: the main service gets the whole body, the mirrors nothing.
          log.debug('No mirroring, request body larger than allowed size');
          exchange.requestBody = resumedBody(collected.head, exchange.request);
          return mainHandler(exchange);
        }
        exchange.requestBody = collected.body;
        mirrorAfter(exchange, due, snapshot, collected.body);
        mainHandler(exchange);
      },
      (error: unknown) => exchange.fail(new ClientClosedError((error as Error).message)),
    );
  }

  return { handler: mirroringService, availability };
};
