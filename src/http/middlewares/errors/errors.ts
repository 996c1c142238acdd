import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import { InternalError } from '../../errors.js';
import { Exchange, type Handler } from '../../exchange.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';
import type { MiddlewareFactory } from '../middleware.js';
import { errorPageHeaders, errorPageRequest, errorPageTarget } from './error-page-request.js';
import type { ErrorsConfig } from './errors-schema.js';
import { StatusCatcher, catchableStatuses } from './status-catcher.js';
import { containsStatus, parseStatusRanges, type StatusRanges } from './status-ranges.js';

function ranges(entries: readonly string[]): StatusRanges {
  return entries.flatMap((entry) => parseStatusRanges(entry) as StatusRanges);
}

/** Sends the error page with the caught (or rewritten) status, whatever status the page came with. */
class StatusEnforcer extends ResponseWriterWrapper {
  readonly #status: number;

  constructor(inner: ResponseWriter, status: number) {
    super(inner);
    this.#status = status;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    this.inner.writeHead(status < 200 ? status : this.#status, headers);
  }
}

/** Writes `<reason phrase>\n` as Go's `http.Error` does. */
function writePlainError(writer: ResponseWriter, status: number, isHead: boolean): void {
  const body = `${STATUS_CODES[status] ?? ''}\n`;
  writer.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
  });
  if (!isHead) writer.write(Buffer.from(body));
  writer.end();
}

/**
 * Replaces responses whose status is in `status` with a page fetched from `service` at `query`, sent with
 * the original status or its `statusRewrites` replacement, as Traefik's errors middleware.
 */
export const errors: MiddlewareFactory<ErrorsConfig> = (config, context) => {
  const statuses = ranges(config.status ?? []);
  const catches = catchableStatuses(statuses);
  const rewrites = Object.entries(config.statusRewrites ?? {}).map(([from, to]) => ({ from: ranges([from]), to }));
  const service: Handler = context.service(config.service);
  const query = config.query ?? '';
  const forwardedHeaders = config.errorRequestHeaders?.map((name) => name.toLowerCase());
  const log = context.log;

  /** Fetches the error page for a caught status and streams it to `writer`, the chain outside this middleware. */
  const serveErrorPage = (exchange: Exchange, originalStatus: number, writer: ResponseWriter): void => {
    // The first rewrite that matches wins; Traefik's map order is random, Junction's is the configured one.
    const status = rewrites.find((rewrite) => containsStatus(rewrite.from, originalStatus))?.to ?? originalStatus;
    log.debug(status === originalStatus ? `caught status ${status}, returning error page` : `caught status ${originalStatus} (rewritten to ${status}), returning error page`, { routerName: exchange.routerName });
    const target = errorPageTarget(query, status, originalStatus, exchange);
    if (target === undefined) {
      log.error('cannot build the error page request', { query, routerName: exchange.routerName });
      return writePlainError(writer, status, exchange.request.method === 'HEAD');
    }
    const page = new Exchange({
      request: errorPageRequest(exchange.request, target, errorPageHeaders(exchange.request, forwardedHeaders)),
      response: exchange.response,
      entryPoint: exchange.entryPoint,
      clientIp: exchange.clientIp,
      clientPort: exchange.clientPort,
      path: target.path,
      rawQuery: target.rawQuery,
      log: exchange.log,
    });
    page.routerName = exchange.routerName;
    page.serviceName = config.service;
    page.writer = new StatusEnforcer(writer, status);
    try {
      service(page);
    } catch (error) {
      page.fail(new InternalError((error as Error).message));
    }
  };

  return (next) =>
    function errors(exchange) {
      exchange.writer = new StatusCatcher(exchange.writer, catches, (status, writer) => serveErrorPage(exchange, status, writer));
      next(exchange);
    };
};
