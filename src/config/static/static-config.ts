import { ConfigError, configPath, quote } from '../errors.js';
import { decode, duration, number, oneOf, required, string, withDefault, type Infer, type Schema } from '../schema.js';
import { checkIpOrCidr } from '../../net/ip-range.js';
import { parseEntryPointAddress, type EntryPointAddress } from './entry-point-address.js';
import { bool, listOf, mapOf, opaque, section, struct } from './shape.js';
import { accessLogSection, metricsSection, tracingSection } from './observability-sections.js';
import { certificatesResolversSchema } from './certificates-resolvers.js';

export { parseEntryPointAddress, type EntryPointAddress } from './entry-point-address.js';

/**
 * The static configuration: what Junction reads once at start (entryPoints, providers, api, ping, log, ...).
 *
 * Keys, defaults and section semantics follow Traefik's `pkg/config/static`. A section that Traefik models as
 * an optional pointer (`api`, `ping`, `http.tls`, ...) is optional here; a section Traefik always fills with
 * defaults (`global`, `providers`, an entryPoint's `transport`, ...) is always present. Durations are
 * milliseconds.
 */

/** Returns the value a schema decodes from an empty map: every default of the section. */
function defaultsOf<T>(schema: Schema<T>): T {
  const { value, errors } = decode(schema, {});
  if (value === undefined || errors.length > 0) throw new Error(`schema without complete defaults: ${errors.map((error) => error.message).join(', ')}`);
  return value;
}

function checkAddress(value: string): string | undefined {
  try {
    parseEntryPointAddress(value, '');
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.reason;
    throw error;
  }
}

function checkQualifiedMiddleware(value: string): string | undefined {
  const at = value.lastIndexOf('@');
  if (at > 0 && at < value.length - 1) return undefined;
  const name = at === -1 ? value : value.slice(0, at);
  return `middleware ${quote(value)} must be qualified with its provider, such as ${quote(`${name || 'name'}@file`)}`;
}

const validBasePath = /^\/[a-zA-Z0-9/_.:~-]*$/;

function checkBasePath(value: string): string | undefined {
  return validBasePath.test(value) ? undefined : `invalid base path ${quote(value)}; expected an absolute URL path such as "/" or "/traefik"`;
}

/**
 * The priority of the router generated for an entryPoint redirection. Traefik uses MaxInt64 - 1, which a
 * JavaScript number cannot hold exactly; `Number.MAX_SAFE_INTEGER - 1` keeps the same meaning (above any
 * router priority derived from a rule's length).
 */
export const redirectionPriority = Number.MAX_SAFE_INTEGER - 1;

/** Provider names in Traefik's default precedence order (`providers.precedence`). */
export const providerNames = [
  'kubernetesgateway',
  'kubernetescrd',
  'kubernetesmesh',
  'kubernetes',
  'kubernetesingressnginx',
  'swarm',
  'docker',
  'file',
  'redis',
  'knative',
  'consul',
  'consulcatalog',
  'nomad',
  'etcd',
  'ecs',
  'http',
  'zookeeper',
  'rest',
] as const;

function checkProviderName(value: string): string | undefined {
  return (providerNames as readonly string[]).includes(value.toLowerCase()) ? undefined : `unknown provider ${quote(value)}; expected one of ${providerNames.join(', ')}`;
}

const ipOrCidr = string(checkIpOrCidr);

const respondingTimeouts = struct({
  readTimeout: withDefault(duration(), 60_000),
  writeTimeout: withDefault(duration(), 0),
  idleTimeout: withDefault(duration(), 180_000),
});

const lifeCycle = struct({
  requestAcceptGraceTimeout: withDefault(duration(), 0),
  graceTimeOut: withDefault(duration(), 10_000),
});

const transport = struct({
  lifeCycle: withDefault(lifeCycle, defaultsOf(lifeCycle)),
  respondingTimeouts: withDefault(respondingTimeouts, defaultsOf(respondingTimeouts)),
  keepAliveMaxRequests: withDefault(number({ integer: true, min: 0 }), 0),
  keepAliveMaxTime: withDefault(duration(), 0),
});

const forwardedHeaders = struct({
  insecure: withDefault(bool(), false),
  trustedIPs: withDefault(listOf(ipOrCidr), []),
  connection: withDefault(listOf(string()), []),
  notAppendXForwardedFor: withDefault(bool(), false),
  addXForwardedSchemeHeaders: withDefault(bool(), false),
});

const proxyProtocol = section({
  insecure: withDefault(bool(), false),
  trustedIPs: withDefault(listOf(ipOrCidr), []),
});

const redirectEntryPoint = struct({
  to: required(string()),
  scheme: withDefault(string(), 'https'),
  permanent: withDefault(bool(), true),
  priority: withDefault(number({ integer: true }), redirectionPriority),
});

const redirections = struct({
  entryPoint: redirectEntryPoint,
});

const domain = struct({
  main: required(string()),
  sans: withDefault(listOf(string()), []),
});

const entryPointTls = section({
  options: string(),
  certResolver: string(),
  domains: withDefault(listOf(domain), []),
});

const encodedCharacters = struct({
  allowEncodedSlash: withDefault(bool(), true),
  allowEncodedBackSlash: withDefault(bool(), true),
  allowEncodedNullCharacter: withDefault(bool(), true),
  allowEncodedSemicolon: withDefault(bool(), true),
  allowEncodedPercent: withDefault(bool(), true),
  allowEncodedQuestionMark: withDefault(bool(), true),
  allowEncodedHash: withDefault(bool(), true),
});

const entryPointHttp = struct({
  redirections,
  middlewares: withDefault(listOf(string(checkQualifiedMiddleware)), []),
  tls: entryPointTls,
  encodedCharacters,
  encodeQuerySemicolons: withDefault(bool(), false),
  sanitizePath: withDefault(bool(), true),
  maxHeaderBytes: withDefault(number({ integer: true, min: 1 }), 1_048_576),
  underscoreHeadersStrategy: withDefault(oneOf(['keep', 'delete', 'reject']), 'keep'),
});

const http2 = struct({
  maxConcurrentStreams: withDefault(number({ integer: true, min: 1, max: 2_147_483_647 }), 250),
  maxDecoderHeaderTableSize: withDefault(number({ integer: true, min: 0, max: 2_147_483_647 }), 4096),
  maxEncoderHeaderTableSize: withDefault(number({ integer: true, min: 0, max: 2_147_483_647 }), 4096),
});

const http3 = section({
  /** Defaults to the entryPoint's port. */
  advertisedPort: number({ integer: true, min: 0, max: 65535 }),
});

/** A duration that must be more than zero (Traefik refuses to start a UDP entryPoint otherwise). */
function positiveDuration(): Schema<number> {
  const inner = duration();
  return {
    describe: inner.describe,
    decode(value, path, context) {
      const decoded = inner.decode(value, path, context);
      if (decoded === undefined || decoded > 0) return decoded;
      context.errors.push(new ConfigError(path, `must be greater than zero, got ${quote(value)}`));
      return undefined;
    },
  };
}

const udp = struct({
  timeout: withDefault(positiveDuration(), 3000),
});

const observability = struct({
  accessLogs: withDefault(bool(), true),
  metrics: withDefault(bool(), true),
  tracing: withDefault(bool(), true),
  traceVerbosity: withDefault(oneOf(['minimal', 'detailed']), 'minimal'),
});

/** One entryPoint, `entryPoints.<name>`. */
export const entryPointSchema = struct({
  address: required(string(checkAddress)),
  allowACMEByPass: withDefault(bool(), false),
  reusePort: withDefault(bool(), false),
  asDefault: withDefault(bool(), false),
  transport: withDefault(transport, defaultsOf(transport)),
  proxyProtocol,
  forwardedHeaders: withDefault(forwardedHeaders, defaultsOf(forwardedHeaders)),
  http: withDefault(entryPointHttp, defaultsOf(entryPointHttp)),
  http2: withDefault(http2, defaultsOf(http2)),
  http3,
  udp: withDefault(udp, defaultsOf(udp)),
  observability: withDefault(observability, defaultsOf(observability)),
});

const fileProvider = section({
  filename: string(),
  directory: string(),
  watch: withDefault(bool(), true),
  debugLogGeneratedTemplate: withDefault(bool(), false),
});

/** `providers.kubernetesCRD`: Traefik's Kubernetes CRD provider options, with its defaults. */
const kubernetesCRDProvider = section({
  endpoint: string(),
  token: string(),
  certAuthFilePath: string(),
  namespaces: withDefault(listOf(string()), []),
  labelSelector: withDefault(string(), ''),
  ingressClass: withDefault(string(), ''),
  throttleDuration: withDefault(duration(), 0),
  allowCrossNamespace: withDefault(bool(), false),
  allowExternalNameServices: withDefault(bool(), false),
  allowEmptyServices: withDefault(bool(), false),
  nativeLBByDefault: withDefault(bool(), false),
  disableClusterScopeResources: withDefault(bool(), false),
  /** Unset lets every namespace refer to other providers' items (`name@file`); a list restricts it to those. */
  crossProviderNamespaces: listOf(string()),
});

function checkPublishedService(value: string): string | undefined {
  return value.split('/').length === 2 ? undefined : `expected "namespace/service", got ${quote(value)}`;
}

/** `providers.kubernetesIngress.ingressEndpoint`: what Junction writes to the status of the Ingresses it serves. */
const ingressEndpoint = struct({
  ip: string(),
  hostname: string(),
  publishedService: string(checkPublishedService),
});

/** `providers.kubernetesIngress`: Traefik's Kubernetes Ingress provider options, with its defaults. */
const kubernetesIngressProvider = section({
  endpoint: string(),
  token: string(),
  certAuthFilePath: string(),
  namespaces: withDefault(listOf(string()), []),
  labelSelector: withDefault(string(), ''),
  ingressClass: withDefault(string(), ''),
  ingressEndpoint,
  reportNodeInternalIPs: withDefault(bool(), false),
  throttleDuration: withDefault(duration(), 0),
  allowEmptyServices: withDefault(bool(), false),
  allowExternalNameServices: withDefault(bool(), false),
  /** Unset lets every namespace refer to other providers' middlewares, TLS options and serversTransports. */
  crossProviderNamespaces: listOf(string()),
  disableIngressClassLookup: withDefault(bool(), false),
  disableClusterScopeResources: withDefault(bool(), false),
  nativeLBByDefault: withDefault(bool(), false),
  strictPrefixMatching: withDefault(bool(), false),
});

/** `providers.kubernetesMesh`: Traefik Mesh's controller options, for a Junction that is its own mesh proxy. */
const kubernetesMeshProvider = section({
  endpoint: string(),
  token: string(),
  certAuthFilePath: string(),
  throttleDuration: withDefault(duration(), 0),
  /** The traffic type of a Service without the `mesh.traefik.io/traffic-type` annotation (Mesh's `defaultMode`). */
  defaultMode: withDefault(oneOf(['http', 'tcp', 'udp']), 'http'),
  watchNamespaces: withDefault(listOf(string()), []),
  ignoreNamespaces: withDefault(listOf(string()), []),
  limitHTTPPort: withDefault(number({ integer: true, min: 0 }), 10),
  limitTCPPort: withDefault(number({ integer: true, min: 0 }), 25),
  limitUDPPort: withDefault(number({ integer: true, min: 0 }), 25),
  /** ACL mode (SMI TrafficTargets): refused as not supported yet (validateStaticConfig). */
  acl: withDefault(bool(), false),
});

const providers = struct({
  providersThrottleDuration: withDefault(duration(), 2000),
  precedence: withDefault(listOf(string(checkProviderName)), [...providerNames]),
  file: fileProvider,
  docker: opaque(),
  swarm: opaque(),
  kubernetesIngress: kubernetesIngressProvider,
  kubernetesIngressNGINX: opaque(),
  kubernetesCRD: kubernetesCRDProvider,
  kubernetesMesh: kubernetesMeshProvider,
  kubernetesGateway: opaque(),
  knative: opaque(),
  /** Traefik's REST provider: dynamic configuration PUT to `/api/providers/rest`. */
  rest: section({ insecure: withDefault(bool(), false) }),
  consulCatalog: opaque(),
  nomad: opaque(),
  ecs: opaque(),
  consul: opaque(),
  etcd: opaque(),
  zooKeeper: opaque(),
  redis: opaque(),
  /** Traefik's HTTP provider: the dynamic configuration polled from an endpoint. */
  http: section({
    endpoint: required(string()),
    pollInterval: withDefault(positiveDuration(), 5000),
    pollTimeout: withDefault(duration(), 5000),
    headers: withDefault(mapOf(string()), {}),
    tls: section({
      ca: string(),
      cert: string(),
      key: string(),
      insecureSkipVerify: withDefault(bool(), false),
    }),
    /** Bytes; -1 reads any size. */
    maxResponseBodySize: withDefault(number({ integer: true, min: -1 }), -1),
  }),
  plugin: opaque({ isSection: false }),
});

const api = section({
  basePath: withDefault(string(checkBasePath), '/'),
  insecure: withDefault(bool(), false),
  dashboard: withDefault(bool(), true),
  debug: withDefault(bool(), false),
  disableDashboardAd: withDefault(bool(), false),
  dashboardName: withDefault(string(), ''),
});

const ping = section({
  entryPoint: withDefault(string(), 'traefik'),
  manualRouting: withDefault(bool(), false),
  terminatingStatusCode: withDefault(number({ integer: true, min: 100, max: 599 }), 503),
});

const pluginSettings = struct({
  envs: withDefault(listOf(string()), []),
  mounts: withDefault(listOf(string()), []),
  useUnsafe: withDefault(bool(), false),
});

/** `experimental.plugins.<name>`: a plugin from Traefik's catalog. Accepted; Junction does not download plugins. */
const catalogPlugin = struct({
  moduleName: required(string()),
  version: string(),
  hash: string(),
  settings: pluginSettings,
});

/** `experimental.localPlugins.<name>`: a plugin loaded from `./plugins-local/`. */
const localPlugin = struct({
  moduleName: required(string()),
  settings: pluginSettings,
});

const experimental = struct({
  plugins: withDefault(mapOf(catalogPlugin), {}),
  localPlugins: withDefault(mapOf(localPlugin), {}),
  abortOnPluginFailure: withDefault(bool(), false),
  fastProxy: opaque(),
  otlpLogs: opaque({ isSection: false }),
  knative: opaque({ isSection: false }),
  kubernetesIngressNGINX: opaque({ isSection: false }),
  kubernetesGateway: opaque({ isSection: false }),
});

/** Log levels, from the most to the least verbose. */
export const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC'] as const;

const log = section({
  level: withDefault(oneOf(logLevels), 'ERROR'),
  format: withDefault(oneOf(['common', 'json']), 'common'),
  filePath: string(),
  noColor: withDefault(bool(), false),
  maxSize: withDefault(number({ integer: true, min: 0 }), 0),
  maxAge: withDefault(number({ integer: true, min: 0 }), 0),
  maxBackups: withDefault(number({ integer: true, min: 0 }), 0),
  compress: withDefault(bool(), false),
  otlp: opaque(),
});

const core = struct({
  defaultRuleSyntax: withDefault(oneOf(['v2', 'v3']), 'v3'),
});

const global = struct({
  checkNewVersion: withDefault(bool(), true),
  sendAnonymousUsage: withDefault(bool(), false),
  notAppendXForwardedFor: withDefault(bool(), false),
});

const staticForwardingTimeouts = struct({
  dialTimeout: withDefault(duration(), 30_000),
  responseHeaderTimeout: withDefault(duration(), 0),
  idleConnTimeout: withDefault(duration(), 90_000),
  readIdleTimeout: withDefault(duration(), 0),
  pingTimeout: withDefault(duration(), 15_000),
});

/** `serversTransport`: the default transport to servers (`default@internal`). */
const serversTransport = struct({
  insecureSkipVerify: withDefault(bool(), false),
  rootCAs: withDefault(listOf(string()), []),
  maxIdleConnsPerHost: withDefault(number({ integer: true }), 200),
  forwardingTimeouts: withDefault(staticForwardingTimeouts, defaultsOf(staticForwardingTimeouts)),
  spiffe: opaque({ isSection: true }),
});

/**
 * `tcpServersTransport`: the default transport to TCP servers (`default@internal`), as Traefik's internal
 * provider turns it into a dynamic TCP serversTransport. Its TLS settings apply to servers with `tls: true`.
 */
const tcpServersTransport = struct({
  dialTimeout: withDefault(duration(), 30_000),
  dialKeepAlive: withDefault(duration(), 15_000),
  terminationDelay: duration(),
  tls: struct({
    insecureSkipVerify: withDefault(bool(), false),
    rootCAs: withDefault(listOf(string()), []),
    spiffe: opaque({ isSection: true }),
  }),
});

/** The whole static configuration, as file, flags and environment variables spell it. */
function checkWorkers(value: string): string | undefined {
  if (value.trim().toLowerCase() === 'auto' || /^[1-9]\d*$/.test(value.trim())) return undefined;
  return `expected a number of worker processes (1 or more) or "auto", got ${quote(value)}`;
}

/**
 * `workers`: how many processes serve the entryPoints (Junction's own key; Traefik has none). `auto` is one
 * per available core. A `--workers` flag applies whatever the source of the rest of the configuration.
 */
export const workersSchema = string(checkWorkers);

export const staticConfigSchema = struct({
  workers: withDefault(workersSchema, '1'),
  global: withDefault(global, defaultsOf(global)),
  serversTransport: withDefault(serversTransport, defaultsOf(serversTransport)),
  tcpServersTransport,
  entryPoints: withDefault(mapOf(entryPointSchema), {}),
  providers: withDefault(providers, defaultsOf(providers)),
  api,
  metrics: metricsSection,
  ping,
  log: withDefault(log, defaultsOf(log)),
  accessLog: accessLogSection,
  tracing: tracingSection,
  hostResolver: opaque(),
  certificatesResolvers: certificatesResolversSchema,
  experimental,
  core: withDefault(core, defaultsOf(core)),
  spiffe: opaque({ isSection: false }),
  ocsp: opaque(),
});

export type StaticConfig = Infer<typeof staticConfigSchema>;
export type EntryPointConfig = Infer<typeof entryPointSchema>;
export type ApiConfig = NonNullable<StaticConfig['api']>;
export type PingConfig = NonNullable<StaticConfig['ping']>;
export type LogConfig = StaticConfig['log'];
export type FileProviderConfig = NonNullable<StaticConfig['providers']['file']>;
export type KubernetesIngressProviderConfig = NonNullable<StaticConfig['providers']['kubernetesIngress']>;
export type KubernetesCRDProviderConfig = NonNullable<StaticConfig['providers']['kubernetesCRD']>;
export type KubernetesMeshProviderConfig = NonNullable<StaticConfig['providers']['kubernetesMesh']>;
export type LogLevel = (typeof logLevels)[number];

/** Names of the top-level keys, as Traefik spells them. */
export const topLevelKeys = [
  'workers',
  'global',
  'serversTransport',
  'tcpServersTransport',
  'entryPoints',
  'providers',
  'api',
  'metrics',
  'ping',
  'log',
  'accessLog',
  'tracing',
  'hostResolver',
  'certificatesResolvers',
  'experimental',
  'core',
  'spiffe',
  'ocsp',
] as const satisfies ReadonlyArray<keyof StaticConfig>;

/** Name of the entryPoint that serves the API, dashboard and ping unless told otherwise, as in Traefik. */
export const internalEntryPointName = 'traefik';

/**
 * The configuration Junction runs with when no file, flag or variable gives one: `web` on :8000 for traffic,
 * `traefik` on :8080 for ping. Differs from Traefik, which would listen on :80 only.
 */
export const builtinStaticConfigInput = {
  entryPoints: {
    web: { address: ':8000' },
    [internalEntryPointName]: { address: ':8080' },
  },
  ping: {},
} as const;

/** An entryPoint with its address parsed. */
export interface ResolvedEntryPoint {
  readonly name: string;
  readonly address: EntryPointAddress;
  readonly config: EntryPointConfig;
}

/** Lists the entryPoints with their parsed addresses, in the order they were declared. */
export function listEntryPoints(config: StaticConfig): ResolvedEntryPoint[] {
  return Object.entries(config.entryPoints).map(([name, entryPoint]) => ({
    name,
    address: parseEntryPointAddress(entryPoint.address, configPath('entryPoints', name, 'address')),
    config: entryPoint,
  }));
}
