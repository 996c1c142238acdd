import { quote } from '../errors.js';
import { anything, boolean, duration, exactlyOneOf, list, map, number, object, required, string, withDefault, type Infer } from '../schema.js';
import { checkDeclaredName, defaultHealthCheckIntervalMs, defaultHealthCheckTimeoutMs, peerCertSan } from './http-schema.js';

const nonEmpty = (value: string): string | undefined => (value.trim() === '' ? 'must not be empty' : undefined);

const domain = object({ main: string(), sans: list(string()) });

const routerTls = object({
  passthrough: boolean(),
  options: string(),
  certResolver: string(),
  domains: list(domain),
});

export const tcpRouterSchema = object({
  entryPoints: list(string()),
  middlewares: list(string()),
  service: required(string(nonEmpty)),
  rule: required(string(nonEmpty)),
  ruleSyntax: string(),
  priority: number({ integer: true }),
  tls: routerTls,
});

/** `host:port`, as Go's net.SplitHostPort reads it (an IPv6 host in brackets). */
function checkAddress(value: string): string | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]*):(\d+)$/.exec(value.trim());
  if (match === null) return `invalid address ${quote(value)}; expected "host:port"`;
  const port = Number(match[2]);
  if (port > 65535) return `port ${quote(match[2])} is out of range 0-65535`;
  return undefined;
}

const proxyProtocol = object({ version: withDefault(number({ integer: true, min: 1, max: 2 }), 2) });

const tcpServer = object({
  address: required(string(checkAddress)),
  tls: boolean(),
});

/** A TCP server's active health check: connect, optionally send and expect, on each interval. */
const tcpServerHealthCheck = object({
  port: number({ integer: true, min: 0, max: 65535 }),
  send: string(),
  expect: string(),
  interval: withDefault(duration(), defaultHealthCheckIntervalMs),
  unhealthyInterval: duration(),
  timeout: withDefault(duration(), defaultHealthCheckTimeoutMs),
});

export const tcpLoadBalancerSchema = object({
  servers: list(tcpServer),
  serversTransport: string(),
  /** Deprecated in Traefik in favour of serversTransport.proxyProtocol; still honoured. */
  proxyProtocol,
  /** Deprecated in Traefik in favour of serversTransport.terminationDelay; milliseconds. */
  terminationDelay: number({ integer: true }),
  healthCheck: tcpServerHealthCheck,
});

const weightedService = object({ name: required(string(nonEmpty)), weight: number({ integer: true, min: 0 }) });

export const tcpWeightedSchema = object({
  services: list(weightedService),
  /** `healthCheck: {}`: follow the children's status, as the HTTP weighted service does. */
  healthCheck: object({}),
});

export const tcpServiceSchema = exactlyOneOf({ loadBalancer: tcpLoadBalancerSchema, weighted: tcpWeightedSchema }, 'service');

const sourceRange = { sourceRange: list(string()) };

export const tcpMiddlewareSchema = exactlyOneOf(
  {
    inFlightConn: object({ amount: number({ integer: true }) }),
    ipAllowList: object(sourceRange),
    ipWhiteList: object(sourceRange),
  },
  'middleware',
);

export const tcpServersTransportSchema = object({
  dialTimeout: withDefault(duration(), 30_000),
  dialKeepAlive: withDefault(duration(), 15_000),
  terminationDelay: withDefault(duration(), 100),
  proxyProtocol,
  tls: object({
    serverName: string(),
    insecureSkipVerify: boolean(),
    rootCAs: list(string()),
    certificates: list(object({ certFile: required(string()), keyFile: required(string()) })),
    peerCertURI: string(),
    peerCertSANs: list(peerCertSan),
    spiffe: anything(),
  }),
});

/** The dynamic `tcp` section. */
export const tcpSchema = object({
  routers: map(tcpRouterSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  services: map(tcpServiceSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  middlewares: map(tcpMiddlewareSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  serversTransports: map(tcpServersTransportSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
}, { keepValidFields: true });

export type TcpRouterConfig = Infer<typeof tcpRouterSchema>;
export type TcpServiceConfig = Infer<typeof tcpServiceSchema>;
export type TcpLoadBalancerConfig = Infer<typeof tcpLoadBalancerSchema>;
export type TcpWeightedConfig = Infer<typeof tcpWeightedSchema>;
export type TcpMiddlewareConfig = Infer<typeof tcpMiddlewareSchema>;
export type TcpServersTransportConfig = Infer<typeof tcpServersTransportSchema>;
export type TcpConfig = Infer<typeof tcpSchema>;
