/**
 * A failure on the data path. Each has a stable code (used by logs and tests) and the status the client sees.
 */
export abstract class DataPathError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Body sent to the client, as Traefik words it. */
  get body(): string {
    return statusText(this.status);
  }
}

export class NoRouteError extends DataPathError {
  readonly code = 'ERR_NO_ROUTE';
  readonly status = 404;
  override get body(): string {
    return '404 page not found\n';
  }
}

export class NoHealthyServerError extends DataPathError {
  readonly code = 'ERR_NO_HEALTHY_SERVER';
  readonly status = 503;
  constructor(readonly service: string) {
    super(`service ${JSON.stringify(service)} has no available server`);
  }
  override get body(): string {
    return 'no available server\n';
  }
}

export class UpstreamConnectError extends DataPathError {
  readonly code = 'ERR_UPSTREAM_CONNECT';
  readonly status = 502;
}

export class UpstreamTimeoutError extends DataPathError {
  readonly code = 'ERR_UPSTREAM_TIMEOUT';
  readonly status = 504;
}

export class BadRequestError extends DataPathError {
  readonly code = 'ERR_BAD_REQUEST';
  readonly status = 400;
}

/** The client went away before the response was complete; logged as 499, nothing is sent. */
export class ClientClosedError extends DataPathError {
  readonly code = 'ERR_CLIENT_CLOSED';
  readonly status = 499;
}

export class InternalError extends DataPathError {
  readonly code = 'ERR_INTERNAL';
  readonly status = 500;
}

const texts: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase Traefik writes as the body of its own error responses. */
export function statusText(status: number): string {
  return texts[status] ?? String(status);
}
