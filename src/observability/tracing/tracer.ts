import { ROOT_CONTEXT, SpanKind, trace, type Context, type Span, type TextMapPropagator, type Tracer as OtelTracer } from '@opentelemetry/api';
import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpHttpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from '../../config/static/observability-sections.js';
import type { Exchange } from '../../http/exchange.js';
import type { Logger } from '../logger.js';
import { incomingHeadersGetter, propagatorsFromEnvironment } from './propagators.js';
import { RequestTrace } from './request-trace.js';

/** The OTLP/HTTP URL for spans: the endpoint's path when it has one, else `/v1/traces`, as Traefik's exporter. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  const hasPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(endpoint);
  return hasPath ? url.href : `${url.origin}/v1/traces`;
}

type OtlpConfig = NonNullable<TracingConfig['otlp']>;

/**
 * The span exporter `tracing.otlp` asks for: OTLP over gRPC to `grpc.endpoint` (`host:port`; in clear with
 * `insecure`, else TLS with the system's roots), else OTLP/HTTP. Headers go as gRPC metadata or HTTP headers.
 */
function spanExporter(otlp: OtlpConfig | undefined): OtlpGrpcExporter | OtlpHttpExporter {
  const grpc = otlp?.grpc;
  if (grpc !== undefined) {
    const metadata = new Metadata();
    for (const [name, value] of Object.entries(grpc.headers)) metadata.set(name, value);
    return new OtlpGrpcExporter({
      url: `${grpc.insecure ? 'http' : 'https'}://${grpc.endpoint}`,
      credentials: grpc.insecure ? credentials.createInsecure() : credentials.createSsl(),
      metadata,
    });
  }
  const http = otlp?.http ?? { endpoint: 'https://localhost:4318', headers: {} };
  return new OtlpHttpExporter({ url: tracesUrl(http.endpoint), headers: { ...http.headers } });
}

/** What spans record besides the essentials, from the `tracing` options. */
export interface CaptureSettings {
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
  readonly safeQueryParams: ReadonlySet<string>;
}

/**
 * Traefik's OpenTelemetry tracing: a server span per request on the entryPoint (named by the method),
 * Router and Service spans with detailed verbosity, and a `ReverseProxy` client span per upstream
 * request whose context goes upstream in the configured propagation headers. Spans are batched to an
 * OTLP collector (HTTP or gRPC); sampling follows the parent, else `sampleRate`.
 */
export class Tracer {
  readonly #provider: BasicTracerProvider;
  readonly tracer: OtelTracer;
  readonly propagator: TextMapPropagator;
  readonly capture: CaptureSettings;

  constructor(config: TracingConfig, version: string, log: Logger) {
    const spanProcessors = [new BatchSpanProcessor(spanExporter(config.otlp), { scheduledDelayMillis: 1000 })];
    const attributes: Record<string, string> = { 'service.name': config.serviceName, 'service.version': version, ...config.globalAttributes, ...config.resourceAttributes };
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes(attributes),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRate) }),
      spanProcessors,
    });
    this.tracer = this.#provider.getTracer('github.com/traefik/traefik');
    const { propagator, unknown } = propagatorsFromEnvironment(process.env.OTEL_PROPAGATORS);
    for (const name of unknown) log.error('unknown propagator in OTEL_PROPAGATORS; ignored', { propagator: name });
    this.propagator = propagator;
    this.capture = {
      requestHeaders: config.capturedRequestHeaders.map((name) => name.toLowerCase()),
      responseHeaders: config.capturedResponseHeaders.map((name) => name.toLowerCase()),
      safeQueryParams: new Set(config.safeQueryParams),
    };
  }

  /** Starts the entryPoint's server span, continuing the trace the client sent if any. */
  startServer(exchange: Exchange, startedAtMs: number): RequestTrace {
    const parent = this.propagator.extract(ROOT_CONTEXT, exchange.request.headers, incomingHeadersGetter);
    const span = this.tracer.startSpan(exchange.request.method ?? 'GET', { kind: SpanKind.SERVER, startTime: startedAtMs }, parent);
    return new RequestTrace(this, span, trace.setSpan(parent, span), exchange);
  }

  /** Starts a span below `parent`. */
  startChild(name: string, kind: SpanKind, parent: Context): { span: Span; context: Context } {
    const span = this.tracer.startSpan(name, { kind }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** Sends what is batched and stops. */
  close(): Promise<void> {
    return this.#provider.shutdown();
  }
}
