import { quote } from '../errors.js';
import { parseServerUrl } from './server-url.js';
import {
  anything,
  boolean,
  duration,
  exactlyOneOf,
  list,
  map,
  number,
  object,
  oneOf,
  required,
  string,
  withDefault,
  type Infer,
} from '../schema.js';
import { basicAuthSchema } from '../../http/middlewares/basic-auth/basic-auth-schema.js';
import { digestAuthSchema } from '../../http/middlewares/digest-auth/digest-auth-schema.js';
import { forwardAuthSchema } from '../../http/middlewares/forward-auth/forward-auth-schema.js';
import { compressSchema } from '../../http/middlewares/compress/compress-schema.js';
import { contentTypeSchema } from '../../http/middlewares/content-type/content-type-schema.js';
import { encodedCharactersSchema } from '../../http/middlewares/encoded-characters/encoded-characters-schema.js';
import { errorsSchema } from '../../http/middlewares/errors/errors-schema.js';
import { grpcWebSchema } from '../../http/middlewares/grpc-web/grpc-web-schema.js';
import { headersSchema } from '../../http/middlewares/headers/headers-schema.js';
import { pluginSchema } from '../../http/middlewares/plugin/plugin-schema.js';
import { bufferingSchema } from '../../http/middlewares/buffering/buffering-schema.js';
import { circuitBreakerSchema } from '../../http/middlewares/circuit-breaker/circuit-breaker-schema.js';
import { retrySchema } from '../../http/middlewares/retry/retry-schema.js';
import { addPrefixSchema } from '../../http/middlewares/add-prefix/add-prefix-schema.js';
import { redirectRegexSchema } from '../../http/middlewares/redirect-regex/redirect-regex-schema.js';
import { redirectSchemeSchema } from '../../http/middlewares/redirect-scheme/redirect-scheme-schema.js';
import { replacePathSchema } from '../../http/middlewares/replace-path/replace-path-schema.js';
import { replacePathRegexSchema } from '../../http/middlewares/replace-path-regex/replace-path-regex-schema.js';
import { stripPrefixSchema } from '../../http/middlewares/strip-prefix/strip-prefix-schema.js';
import { stripPrefixRegexSchema } from '../../http/middlewares/strip-prefix-regex/strip-prefix-regex-schema.js';
import { rateLimitSchema } from '../../http/middlewares/rate-limit/rate-limit-schema.js';
import { inFlightReqSchema } from '../../http/middlewares/in-flight-req/in-flight-req-schema.js';
import { checkStatusRanges } from '../../http/middlewares/errors/status-ranges.js';
import { ipAllowListSchema, ipWhiteListSchema } from '../../http/middlewares/ip-allow-list/ip-allow-list-schema.js';
import { passTlsClientCertSchema } from '../../http/middlewares/pass-tls-client-cert/pass-tls-client-cert-schema.js';

/** User-declared names are qualified with `@provider` by Junction; an `@` of their own would be ambiguous. */
export function checkDeclaredName(name: string): string | undefined {
  if (name.includes('@')) return `name ${quote(name)} must not contain "@"`;
  if (name.trim() === '') return 'name must not be empty';
  return undefined;
}

const tlsDomain = object({ main: string(), sans: list(string()) });

const routerTls = object({
  options: string(),
  certResolver: string(),
  domains: list(tlsDomain),
});

const observability = object({
  accessLogs: boolean(),
  metrics: boolean(),
  tracing: boolean(),
  traceVerbosity: oneOf(['minimal', 'detailed']),
});

export const httpRouterSchema = object({
  rule: required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined))),
  ruleSyntax: string(),
  priority: number({ integer: true }),
  entryPoints: list(string()),
  middlewares: list(string()),
  // Optional: a parent router of multi-layer routing hands requests to its children instead.
  service: string((value) => (value.trim() === '' ? 'must not be empty' : undefined)),
  tls: routerTls,
  observability,
  parentRefs: list(string()),
});

function checkServerUrl(value: string): string | undefined {
  const url = parseServerUrl(value)?.url;
  if (url === undefined) return `invalid URL ${quote(value)}`;
  if (!['http:', 'https:', 'h2c:'].includes(url.protocol)) {
    return `unsupported scheme ${quote(url.protocol.slice(0, -1))} in ${quote(value)}; expected http, https or h2c`;
  }
  if (url.hostname === '') return `missing host in URL ${quote(value)}`;
  return undefined;
}

const server = object({
  url: required(string(checkServerUrl)),
  weight: number({ integer: true, min: 0 }),
  preservePath: boolean(),
});

const sticky = object({
  cookie: object({
    name: string(),
    secure: boolean(),
    httpOnly: boolean(),
    sameSite: oneOf(['none', 'lax', 'strict', '']),
    maxAge: number({ integer: true }),
    path: string(),
    domain: string(),
  }),
});

/** Traefik's default healthCheck interval and timeout. */
export const defaultHealthCheckIntervalMs = 30_000;
export const defaultHealthCheckTimeoutMs = 5_000;

function checkHealthCheckPath(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) return `health check path must be a relative URL, got ${quote(value)}`;
  return undefined;
}

const serverHealthCheck = object({
  scheme: oneOf(['http', 'https', 'h2c']),
  mode: withDefault(oneOf(['http', 'grpc']), 'http'),
  path: string(checkHealthCheckPath),
  method: withDefault(string((value) => (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value) ? undefined : `invalid method ${quote(value)}`)), 'GET'),
  status: number({ integer: true, min: 0, max: 999 }),
  port: number({ integer: true, min: 0, max: 65535 }),
  interval: withDefault(duration(), defaultHealthCheckIntervalMs),
  unhealthyInterval: duration(),
  timeout: withDefault(duration(), defaultHealthCheckTimeoutMs),
  hostname: string(),
  followRedirects: withDefault(boolean(), true),
  headers: map(string()),
});

const passiveHealthCheck = object({
  failureWindow: withDefault(duration(), 10_000),
  maxFailedAttempts: withDefault(number({ integer: true }), 1),
});

/** `healthCheck: {}` on a parent service: follow the children's status (Traefik's dynamic.HealthCheck has no field). */
const parentHealthCheck = object({});

export const loadBalancerSchema = object(
  {
    servers: list(server),
    strategy: withDefault(oneOf(['wrr', 'p2c', 'hrw', 'leasttime']), 'wrr'),
    sticky,
    healthCheck: serverHealthCheck,
    passiveHealthCheck,
    passHostHeader: withDefault(boolean(), true),
    responseForwarding: object({ flushInterval: duration() }),
    serversTransport: string(),
  },
);

const serviceReference = required(string((value) => (value.trim() === '' ? 'must not be empty' : undefined)));

export const weightedSchema = object({
  services: list(object({ name: serviceReference, weight: withDefault(number({ integer: true }), 1) })),
  sticky,
  healthCheck: parentHealthCheck,
});

export const highestRandomWeightSchema = object({
  services: list(object({ name: serviceReference, weight: withDefault(number({ integer: true }), 1) })),
  healthCheck: parentHealthCheck,
});

export const mirroringSchema = object({
  service: serviceReference,
  mirrorBody: withDefault(boolean(), true),
  maxBodySize: withDefault(number({ integer: true }), -1),
  mirrors: list(object({ name: serviceReference, percent: withDefault(number({ integer: true }), 0) })),
  healthCheck: parentHealthCheck,
});

export const failoverSchema = object({
  service: serviceReference,
  fallback: serviceReference,
  healthCheck: parentHealthCheck,
  errors: object({
    status: list(string(checkStatusRanges)),
    maxRequestBodyBytes: withDefault(number({ integer: true }), -1),
  }),
});

export const httpServiceSchema = exactlyOneOf(
  {
    loadBalancer: loadBalancerSchema,
    weighted: weightedSchema,
    mirroring: mirroringSchema,
    failover: failoverSchema,
    highestRandomWeight: highestRandomWeightSchema,
  },
  'service',
  // Traefik v3.7: a middleware chain in front of the service, whichever router or parent service reaches it.
  { middlewares: list(string()) },
);

const chainSchema = object({ middlewares: required(list(string())) });

/** Middleware kinds Traefik knows; the ones Junction builds have a schema, the others are kept as given. */
export const httpMiddlewareSchema = exactlyOneOf(
  {
    addPrefix: addPrefixSchema,
    stripPrefix: stripPrefixSchema,
    headers: headersSchema,
    stripPrefixRegex: stripPrefixRegexSchema,
    replacePath: replacePathSchema,
    replacePathRegex: replacePathRegexSchema,
    chain: chainSchema,
    ipAllowList: ipAllowListSchema,
    ipWhiteList: ipWhiteListSchema,
    basicAuth: basicAuthSchema,
    digestAuth: digestAuthSchema,
    forwardAuth: forwardAuthSchema,
    inFlightReq: inFlightReqSchema,
    buffering: bufferingSchema,
    circuitBreaker: circuitBreakerSchema,
    compress: compressSchema,
    contentType: contentTypeSchema,
    encodedCharacters: encodedCharactersSchema,
    errors: errorsSchema,
    grpcWeb: grpcWebSchema,
    passTLSClientCert: passTlsClientCertSchema,
    rateLimit: rateLimitSchema,
    redirectRegex: redirectRegexSchema,
    redirectScheme: redirectSchemeSchema,
    retry: retrySchema,
    plugin: pluginSchema,
  },
  'middleware',
);

const forwardingTimeouts = object({
  dialTimeout: withDefault(duration(), 30_000),
  responseHeaderTimeout: withDefault(duration(), 0),
  idleConnTimeout: withDefault(duration(), 90_000),
  readIdleTimeout: withDefault(duration(), 0),
  pingTimeout: withDefault(duration(), 15_000),
});

/** A name the server's certificate must hold, as Traefik's tls.SAN. */
export const peerCertSan = object({ type: required(oneOf(['DNSName', 'URI'])), value: required(string()) });

export const serversTransportSchema = object({
  serverName: string(),
  insecureSkipVerify: boolean(),
  rootCAs: list(string()),
  certificates: list(object({ certFile: required(string()), keyFile: required(string()) })),
  maxIdleConnsPerHost: number({ integer: true }),
  forwardingTimeouts,
  disableHTTP2: boolean(),
  peerCertURI: string(),
  peerCertSANs: list(peerCertSan),
  spiffe: anything(),
  cipherSuites: list(string()),
  minVersion: string(),
  maxVersion: string(),
});

export const httpSchema = object({
  routers: map(httpRouterSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  services: map(httpServiceSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  middlewares: map(httpMiddlewareSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  serversTransports: map(serversTransportSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
}, { keepValidFields: true });

export type HttpRouterConfig = Infer<typeof httpRouterSchema>;
export type LoadBalancerConfig = Infer<typeof loadBalancerSchema>;
export type ServerHealthCheckConfig = Infer<typeof serverHealthCheck>;
export type StickyConfig = Infer<typeof sticky>;
export type WeightedConfig = Infer<typeof weightedSchema>;
export type HighestRandomWeightConfig = Infer<typeof highestRandomWeightSchema>;
export type MirroringConfig = Infer<typeof mirroringSchema>;
export type FailoverConfig = Infer<typeof failoverSchema>;
export type HttpServiceConfig = Infer<typeof httpServiceSchema>;
export type HttpMiddlewareConfig = Infer<typeof httpMiddlewareSchema>;
export type ChainConfig = Infer<typeof chainSchema>;
export type ServersTransportConfig = Infer<typeof serversTransportSchema>;
export type HttpConfig = Infer<typeof httpSchema>;

