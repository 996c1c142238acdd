import { duration, number, object, string, withDefault, type Infer } from '../../../config/schema.js';

/** `circuitBreaker`: the `expression` that opens it, its timings and the status it answers with while open. */
export const circuitBreakerSchema = object({
  expression: string(),
  checkPeriod: withDefault(duration(), 100),
  fallbackDuration: withDefault(duration(), 10_000),
  recoveryDuration: withDefault(duration(), 10_000),
  responseCode: withDefault(number({ integer: true }), 503),
});

export type CircuitBreakerConfig = Infer<typeof circuitBreakerSchema>;
