import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import type { PrometheusConfig } from '../../config/static/observability-sections.js';
import type { Observation } from '../observation.js';

type Labels = LabelValues<string>;

/** The counters and histogram Traefik keeps at one level (entryPoint, router or service). */
interface LevelMetrics {
  readonly requests: Counter<string>;
  readonly duration: Histogram<string>;
  readonly requestBytes: Counter<string>;
  readonly responseBytes: Counter<string>;
}

/** What one exchange contributes, measured once. */
export interface ExchangeMeasure {
  readonly status: number;
  readonly durationMs: number;
}

/** Traefik's method label: the standard methods as they are, anything else `EXTENSION_METHOD`. */
const standardMethods = new Set(['HEAD', 'GET', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PRI']);

function methodLabel(method: string | undefined): string {
  return method !== undefined && standardMethods.has(method) ? method : 'EXTENSION_METHOD';
}

function hasToken(value: string | string[] | undefined, token: string): boolean {
  if (value === undefined) return false;
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').some((item) => item.trim().toLowerCase() === token);
}

/** Traefik's protocol label: websocket, sse, grpc-web, grpc or http. */
function protocolLabel(headers: Observation['exchange']['request']['headers']): string {
  if (hasToken(headers.connection, 'upgrade') && hasToken(headers.upgrade, 'websocket')) return 'websocket';
  if (hasToken(headers.accept, 'text/event-stream')) return 'sse';
  const contentType = headers['content-type'] ?? '';
  if (contentType.startsWith('application/grpc-web')) return 'grpc-web';
  if (contentType.startsWith('application/grpc')) return 'grpc';
  return 'http';
}

/** Builds a label object with keys in sorted order, as Prometheus' Go client prints them. */
function sortedLabels(entries: Array<[string, string]>): Labels {
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * Traefik's Prometheus metrics, with its names, labels and help texts: per entryPoint, router and service
 * (each level switched by `add*Labels`), config reloads, open connections, and the process metrics.
 * Gauges that every worker holds the same way are aggregated with `max` across workers, the rest summed.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  readonly #entryPoints: LevelMetrics | undefined;
  readonly #routers: LevelMetrics | undefined;
  readonly #services: LevelMetrics | undefined;
  readonly #headerLabels: ReadonlyArray<readonly [string, string]>;
  readonly #configReloads: Counter<string>;
  readonly #lastReloadSuccess: Gauge<string>;
  readonly #openConnections: Gauge<string>;
  readonly #tlsCertsNotAfter: Gauge<string>;
  readonly #serviceServerUp: Gauge<string> | undefined;
  readonly #serviceRetries: Counter<string> | undefined;

  constructor(config: PrometheusConfig) {
    const registers = [this.registry];
    const buckets = [...config.buckets];
    this.#headerLabels = Object.entries(config.headerLabels).map(([label, header]) => [label, header.toLowerCase()] as const);
    const headerLabelNames = this.#headerLabels.map(([label]) => label);
    this.#configReloads = new Counter({ name: 'traefik_config_reloads_total', help: 'Config reloads', registers, aggregator: 'max' });
    this.#lastReloadSuccess = new Gauge({ name: 'traefik_config_last_reload_success', help: 'Last config reload success', registers, aggregator: 'max' });
    this.#tlsCertsNotAfter = new Gauge({ name: 'traefik_tls_certs_not_after', help: 'Certificate expiration timestamp', labelNames: ['cn', 'serial', 'sans'], registers, aggregator: 'max' });
    this.#openConnections = new Gauge({ name: 'traefik_open_connections', help: 'How many open connections exist, by entryPoint and protocol', labelNames: ['entrypoint', 'protocol'], registers });
    const level = (prefix: string, what: string, labels: string[], withHeaders: boolean): LevelMetrics => {
      const names = [...labels, 'code', 'method', 'protocol'].sort();
      const partition = what === 'router' ? 'service, status code, protocol, and method' : 'status code, protocol, and method';
      return {
        requests: new Counter({ name: `${prefix}_requests_total`, help: requestsHelp[what]!, labelNames: withHeaders ? [...names, ...headerLabelNames].sort() : names, registers }),
        duration: new Histogram({ name: `${prefix}_request_duration_seconds`, help: `How long it took to process the request on ${article(what)} ${what}, partitioned by ${partition}.`, labelNames: names, buckets, registers }),
        requestBytes: new Counter({ name: `${prefix}_requests_bytes_total`, help: requestBytesHelp[what]!, labelNames: names, registers }),
        responseBytes: new Counter({ name: `${prefix}_responses_bytes_total`, help: responseBytesHelp[what]!, labelNames: names, registers }),
      };
    };
    if (config.addEntryPointsLabels) this.#entryPoints = level('traefik_entrypoint', 'entrypoint', ['entrypoint'], true);
    if (config.addRoutersLabels) this.#routers = level('traefik_router', 'router', ['router', 'service'], true);
    if (config.addServicesLabels) {
      this.#services = level('traefik_service', 'service', ['service'], true);
      this.#serviceRetries = new Counter({ name: 'traefik_service_retries_total', help: 'How many request retries happened on a service.', labelNames: ['service'], registers });
      this.#serviceServerUp = new Gauge({ name: 'traefik_service_server_up', help: 'service server is up, described by gauge value of 0 or 1.', labelNames: ['service', 'url'], registers, aggregator: 'max' });
    }
    // The process collector, as Traefik's: CPU, memory, file descriptors, start time. Node's own runtime
    // metrics stay out (some break promtool's naming rules, and Traefik's Go runtime metrics have no match).
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    for (const { name } of defaults.getMetricsAsArray()) {
      const metric = defaults.getSingleMetric(name);
      if (metric !== undefined && name.startsWith('process_')) this.registry.registerMetric(metric);
    }
  }

  /** A new configuration is live. */
  configReloaded(): void {
    this.#configReloads.inc();
    this.#lastReloadSuccess.set(Math.floor(Date.now() / 1000));
  }

  /**
   * Records a certificate's expiry (`traefik_tls_certs_not_after`, Unix seconds). For the TLS certificate store,
   * once Junction serves TLS: it calls this for every certificate it loads.
   */
  certificateLoaded(certificate: { readonly commonName: string; readonly serial: string; readonly sans: readonly string[]; readonly notAfterSeconds: number }): void {
    this.#tlsCertsNotAfter.set({ cn: certificate.commonName, sans: certificate.sans.join(','), serial: certificate.serial }, certificate.notAfterSeconds);
  }

  /** Records a server's health (`traefik_service_server_up`, 1 or 0). For health checks, once Junction runs them. */
  serverHealthChanged(service: string, url: string, isUp: boolean): void {
    this.#serviceServerUp?.set({ service, url }, isUp ? 1 : 0);
  }

  connectionOpened(entryPoint: string): void {
    this.#openConnections.inc({ entrypoint: entryPoint, protocol: 'TCP' });
  }

  connectionClosed(entryPoint: string): void {
    this.#openConnections.dec({ entrypoint: entryPoint, protocol: 'TCP' });
  }

  /** Counts one exchange at every enabled level it reached. */
  record(observation: Observation, measure: ExchangeMeasure): void {
    if (!observation.flags.metrics) return;
    const { exchange } = observation;
    const { request } = exchange;
    const code = String(measure.status);
    const method = methodLabel(request.method);
    const protocol = protocolLabel(request.headers);
    const seconds = measure.durationMs / 1000;
    const requestBytes = Number(request.headers['content-length'] ?? 0) || 0;
    const responseBytes = exchange.nodeWriter.bytesWritten;
    const base: Array<[string, string]> = [['code', code], ['method', method], ['protocol', protocol]];
    const headerEntries: Array<[string, string]> = this.#headerLabels.map(([label, header]) => [label, headerValue(request.headers[header])]);
    const count = (metrics: LevelMetrics, own: Array<[string, string]>): void => {
      const labels = sortedLabels([...base, ...own]);
      metrics.requests.inc(headerEntries.length === 0 ? labels : sortedLabels([...base, ...own, ...headerEntries]));
      metrics.duration.observe(labels, seconds);
      metrics.requestBytes.inc(labels, requestBytes);
      metrics.responseBytes.inc(labels, responseBytes);
    };
    if (this.#entryPoints !== undefined) count(this.#entryPoints, [['entrypoint', exchange.entryPoint.name]]);
    const router = exchange.routerName;
    if (router === undefined) return;
    const service = exchange.serviceName ?? '';
    if (this.#routers !== undefined) {
      // Multi-layer routing counts the request on every router on the way, a parent under its `-muxer` service.
      for (const parent of exchange.parentRouterNames ?? []) count(this.#routers, [['router', parent], ['service', `${parent}-muxer`]]);
      count(this.#routers, [['router', router], ['service', service]]);
    }
    if (this.#services !== undefined && observation.originStartedAt !== 0) {
      count(this.#services, [['service', service]]);
      if (observation.retryAttempts > 0) this.#serviceRetries!.inc({ service }, observation.retryAttempts);
    }
  }

  /** The exposition text of this process. */
  async text(): Promise<string> {
    return withBucketBoundLast(await this.registry.metrics());
  }
}

const bucketLine = /^(\w+_bucket)\{le="([^"]*)",(.+)\}/gm;

/** Moves `le` after the other labels of each bucket line, where Prometheus' Go client prints it. */
export function withBucketBoundLast(text: string): string {
  return text.replace(bucketLine, (_, name: string, bound: string, rest: string) => `${name}{${rest},le="${bound}"}`);
}

function headerValue(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? (value[0] ?? '') : value;
}

function article(what: string): string {
  return what === 'entrypoint' ? 'an' : 'a';
}

const requestsHelp: Record<string, string> = {
  entrypoint: 'How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method.',
  router: 'How many HTTP requests are processed on a router, partitioned by service, status code, protocol, and method.',
  service: 'How many HTTP requests processed on a service, partitioned by status code, protocol, and method.',
};

const requestBytesHelp: Record<string, string> = {
  entrypoint: 'The total size of requests in bytes handled by an entrypoint, partitioned by status code, protocol, and method.',
  router: 'The total size of requests in bytes handled by a router, partitioned by service, status code, protocol, and method.',
  service: 'The total size of requests in bytes received by a service, partitioned by status code, protocol, and method.',
};

const responseBytesHelp: Record<string, string> = {
  entrypoint: 'The total size of responses in bytes handled by an entrypoint, partitioned by status code, protocol, and method.',
  router: 'The total size of responses in bytes handled by a router, partitioned by service, status code, protocol, and method.',
  service: 'The total size of responses in bytes returned by a service, partitioned by status code, protocol, and method.',
};
