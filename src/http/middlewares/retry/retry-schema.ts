import { boolean, duration, list, number, object, required, string, withDefault, type Infer } from '../../../config/schema.js';

/** Traefik's default `maxRequestBodyBytes`: bodies up to 2 MiB are kept to be sent again. */
export const RETRY_DEFAULT_MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024;

/** `retry`: how many `attempts` in all, the backoff, and which failures are retried. */
export const retrySchema = object({
  attempts: required(number({ integer: true })),
  initialInterval: withDefault(duration(), 0),
  timeout: withDefault(duration(), 0),
  maxRequestBodyBytes: withDefault(number({ integer: true }), RETRY_DEFAULT_MAX_REQUEST_BODY_BYTES),
  status: list(string()),
  disableRetryOnNetworkError: boolean(),
  retryNonIdempotentMethod: boolean(),
});

export type RetryConfig = Infer<typeof retrySchema>;
