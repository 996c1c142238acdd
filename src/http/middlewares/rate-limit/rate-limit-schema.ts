import { duration, list, number, object, string, withDefault, type Infer } from '../../../config/schema.js';
import { clientTlsSchema } from '../../../tls/client-tls.js';
import { sourceCriterionSchema } from '../source-criterion/source-criterion.js';

/** Traefik's `redis` options of rateLimit: buckets kept in Redis, shared by replicas. */
const redisSchema = object({
  endpoints: list(string()),
  tls: clientTlsSchema,
  username: string(),
  password: string(),
  db: number({ integer: true }),
  poolSize: number({ integer: true }),
  minIdleConns: number({ integer: true }),
  maxActiveConns: number({ integer: true }),
  readTimeout: duration(),
  writeTimeout: duration(),
  dialTimeout: duration(),
});

/** `rateLimit`: `average` requests per `period` (0: no limit), `burst` at once, per source. */
export const rateLimitSchema = object({
  average: withDefault(number({ integer: true }), 0),
  period: withDefault(duration(), 1000),
  burst: withDefault(number({ integer: true }), 1),
  sourceCriterion: sourceCriterionSchema,
  redis: redisSchema,
});

export type RateLimitConfig = Infer<typeof rateLimitSchema>;
