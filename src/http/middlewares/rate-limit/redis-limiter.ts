import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ConfigError, quote } from '../../../config/errors.js';
import type { Logger } from '../../../observability/logger.js';
import { compileClientTls } from '../../../tls/client-tls.js';
import type { RateLimitParameters } from './rate-limit.js';
import type { RateLimitConfig } from './rate-limit-schema.js';

type RedisConfig = NonNullable<RateLimitConfig['redis']>;

/**
 * One token bucket per key, kept in Redis so that every Junction (and Traefik) sharing the server shares it:
 * a hash with `last` (microseconds) and `tokens`, refilled at ARGV[1] tokens a microsecond up to ARGV[2],
 * expiring after ARGV[3] idle seconds. Takes a token at ARGV[4] and returns the wait, in microseconds, before
 * it may be used; a wait beyond ARGV[5] hands the token back (the request is refused, not held).
 */
const takeTokenScript = `
local rate, burst, ttl, now, max_wait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'last', 'tokens')
local last, tokens = tonumber(state[1]) or 0, tonumber(state[2]) or 0
if now < last then last = now end
tokens = math.min(tokens + rate * (now - last), burst) - 1
local wait = 0
if tokens < 0 then
  wait = -tokens / rate
  if wait > max_wait then tokens = math.min(tokens + 1, burst) end
end
redis.call('HSET', KEYS[1], 'last', now, 'tokens', tokens)
redis.call('EXPIRE', KEYS[1], ttl)
return tostring(wait)
`;

/** The key prefix Traefik's distributed rate limiter uses, so that both can share one server. */
const keyPrefix = 'rate:';

interface TakeTokenCommand {
  takeToken(key: string, rate: string, burst: string, ttl: string, now: string, maxWait: string): Promise<string>;
}
type ScriptedClient = (Redis | Cluster) & TakeTokenCommand;

function parseEndpoint(endpoint: string, path: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(endpoint.trim());
  const port = Number(match?.[3] ?? 6379);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(path, `invalid endpoint ${quote(endpoint)}; expected host:port`);
  return { host: match[1] ?? match[2]!, port };
}

/** `redis.tls` is Traefik's ClientTLS: its faults are reported under `redis`. */
function tlsOptions(tls: RedisConfig['tls']): ConnectionOptions | undefined {
  if (tls === undefined) return undefined;
  try {
    return compileClientTls(tls);
  } catch (error) {
    throw error instanceof ConfigError ? error.under('redis') : error;
  }
}

/** The connection settings of `rateLimit.redis`, checked at build time. Throws ConfigError. */
export interface RedisConnection {
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly options: RedisOptions;
  /** `host:port, …` for log lines. */
  readonly description: string;
}

/**
 * Reads Traefik's `redis` options: one endpoint is a server, several a cluster's seed list (as go-redis'
 * universal client); readTimeout (default 3 s, ≤ 0 none) bounds each command, dialTimeout (default 5 s) a
 * connection. ioredis multiplexes one connection per node, so the pool sizes have nothing to size.
 */
export function redisConnection(config: RedisConfig): RedisConnection {
  const endpoints = config.endpoints !== undefined && config.endpoints.length > 0 ? config.endpoints : ['localhost:6379'];
  const nodes = endpoints.map((endpoint, index) => parseEndpoint(endpoint, `redis.endpoints[${index}]`));
  const readTimeoutMs = config.readTimeout ?? 3000;
  const tls = tlsOptions(config.tls);
  const options: RedisOptions = {
    ...(config.username !== undefined && config.username !== '' && { username: config.username }),
    ...(config.password !== undefined && config.password !== '' && { password: config.password }),
    ...(config.db !== undefined && { db: config.db }),
    ...(tls !== undefined && { tls }),
    connectTimeout: config.dialTimeout !== undefined && config.dialTimeout > 0 ? config.dialTimeout : 5000,
    ...(readTimeoutMs > 0 && { commandTimeout: readTimeoutMs }),
    // A request waits for one attempt: while Redis is away it is refused with 500 rather than held.
    maxRetriesPerRequest: 0,
    connectionName: 'junction-rate-limit',
  };
  return { nodes, options, description: endpoints.join(', ') };
}

/**
 * Traefik's distributed rate limiter: the bucket of each source lives in Redis, shared by every replica and
 * worker, so the configured average holds for all of them together. Connects on first use, so that a
 * configuration check opens nothing.
 */
export class RedisRateLimiter {
  readonly #connection: RedisConnection;
  /** The script's fixed arguments, in its units (tokens a microsecond, microseconds), written once. */
  readonly #rate: string;
  readonly #burst: string;
  readonly #ttl: string;
  readonly #maxWait: string;
  readonly #log: Logger;
  #client: ScriptedClient | undefined;
  #reportedDown = false;

  constructor(connection: RedisConnection, parameters: RateLimitParameters, log: Logger) {
    this.#connection = connection;
    this.#rate = String(parameters.rate / 1e6);
    this.#burst = String(parameters.burst);
    this.#ttl = String(parameters.ttlSeconds);
    this.#maxWait = String(Math.trunc(parameters.maxDelay / 1000));
    this.#log = log;
  }

  /** Takes a token for `key`: resolves to the nanoseconds to wait; above maxDelay the request is refused. */
  async allow(key: string): Promise<number> {
    const client = (this.#client ??= this.#connect());
    const waitMicros = await client.takeToken(`${keyPrefix}${key}`, this.#rate, this.#burst, this.#ttl, String(Math.trunc(Date.now() * 1000)), this.#maxWait);
    this.#reportedDown = false;
    return Math.trunc(Number.parseFloat(waitMicros) * 1000);
  }

  close(): void {
    this.#client?.disconnect();
    this.#client = undefined;
  }

  #connect(): ScriptedClient {
    const { nodes, options } = this.#connection;
    const client = nodes.length === 1 ? new Redis({ ...options, ...nodes[0]! }) : new Cluster([...nodes], { redisOptions: options });
    client.defineCommand('takeToken', { numberOfKeys: 1, lua: takeTokenScript });
    client.on('error', (error: Error) => {
      if (this.#reportedDown) return;
      this.#reportedDown = true;
      this.#log.error('rateLimit: Redis unreachable, requests are refused until it is back', { redis: this.#connection.description, error: error.message });
    });
    return client as ScriptedClient;
  }
}
