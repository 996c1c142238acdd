import { number, object, string, withDefault, type Infer } from '../../../config/schema.js';

const byteCount = number({ integer: true, min: 0 });

/** `buffering`: request and response size limits (0: none), memory thresholds, and a `retryExpression`. */
export const bufferingSchema = object({
  maxRequestBodyBytes: withDefault(byteCount, 0),
  memRequestBodyBytes: withDefault(byteCount, 1024 * 1024),
  maxResponseBodyBytes: withDefault(byteCount, 0),
  memResponseBodyBytes: withDefault(byteCount, 1024 * 1024),
  retryExpression: string(),
});

export type BufferingConfig = Infer<typeof bufferingSchema>;
