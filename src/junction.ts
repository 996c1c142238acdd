import { formatConfigErrors, type ConfigError } from './config/errors.js';
import { listEntryPoints, type StaticConfig } from './config/static/static-config.js';
import { HttpEntryPoint } from './entrypoints/http-entrypoint.js';
import type { Logger, LogLevel } from './observability/logger.js';
import { Aggregator } from './providers/aggregator.js';
import { FileProvider } from './providers/file/file-provider.js';
import { internalSnapshot } from './providers/internal/internal-provider.js';
import type { Provider } from './providers/provider.js';
import { buildRuntime, type Runtime } from './runtime/build-runtime.js';
import type { MergedConfig } from './runtime/merged-config.js';
import type { RuntimeSettings } from './runtime/runtime-settings.js';
import { UpstreamPools } from './runtime/upstream-pools.js';

const emptyRuntime: Runtime = { routers: new Map(), errors: [], enabledRouters: new Map(), usedPools: new Set() };

/** Derives what the runtime builder needs from the static configuration. */
export function runtimeSettings(config: StaticConfig, isTerminating: () => boolean): RuntimeSettings {
  return {
    entryPoints: listEntryPoints(config).map(({ name, address, config: entryPoint }) => ({
      name,
      protocol: address.protocol,
      asDefault: entryPoint.asDefault,
      middlewares: entryPoint.http.middlewares,
    })),
    defaultRuleSyntax: config.core.defaultRuleSyntax,
    providerPrecedence: ['internal', ...config.providers.precedence],
    ping: config.ping === undefined ? undefined : { terminatingStatusCode: config.ping.terminatingStatusCode },
    isTerminating,
  };
}

/** The providers the static configuration enables. */
export function configuredProviders(config: StaticConfig, log: Logger): Provider[] {
  const providers: Provider[] = [];
  const file = config.providers.file;
  if (file !== undefined) {
    const fileLog = log.with({ providerName: 'file' });
    providers.push(
      new FileProvider(
        { ...(file.filename !== undefined ? { filename: file.filename } : {}), ...(file.directory !== undefined ? { directory: file.directory } : {}), watch: file.watch },
        (level, message) => fileLog.log(level.toUpperCase() as LogLevel, message),
      ),
    );
  }
  return providers;
}

/**
 * A running Junction: entryPoints listening, providers watching, each new configuration compiled into a
 * Runtime and swapped in atomically. Requests in flight finish on the Runtime they started with.
 */
export class Junction {
  readonly #config: StaticConfig;
  readonly #log: Logger;
  readonly #pools = new UpstreamPools();
  readonly #entryPoints = new Map<string, HttpEntryPoint>();
  readonly #providers = new AbortController();
  readonly #settings: RuntimeSettings;
  readonly #aggregator: Aggregator;
  readonly #configuredProviders: Provider[];
  #runtime: Runtime = emptyRuntime;
  #reportedErrors = new Set<string>();
  #isTerminating = false;
  #reloads = 0;

  private constructor(config: StaticConfig, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.#settings = runtimeSettings(config, () => this.#isTerminating);
    this.#configuredProviders = configuredProviders(config, log);
    this.#aggregator = new Aggregator({
      throttleMs: config.providers.providersThrottleDuration,
      expectedProviders: ['internal', ...this.#configuredProviders.map((provider) => provider.name)],
      apply: (merged, errors) => this.#apply(merged, errors),
    });
  }

  /** Binds every entryPoint, then starts the providers. Rejects if a socket cannot be bound. */
  static async start(config: StaticConfig, log: Logger): Promise<Junction> {
    const junction = new Junction(config, log);
    await junction.#start();
    return junction;
  }

  async #start(): Promise<void> {
    for (const { name, address, config: entryPoint } of listEntryPoints(this.#config)) {
      if (address.protocol === 'udp') {
        this.#log.warn('UDP entryPoints are not supported yet; not listening', { entryPointName: name });
        continue;
      }
      const { transport, forwardedHeaders, http } = entryPoint;
      const listener = new HttpEntryPoint(
        {
          name,
          host: address.host,
          port: address.port,
          forwardedHeaders: {
            insecure: forwardedHeaders.insecure,
            trustedIPs: forwardedHeaders.trustedIPs,
            connection: forwardedHeaders.connection,
          },
          readTimeoutMs: transport.respondingTimeouts.readTimeout,
          writeTimeoutMs: transport.respondingTimeouts.writeTimeout,
          idleTimeoutMs: transport.respondingTimeouts.idleTimeout,
          requestAcceptGraceTimeoutMs: transport.lifeCycle.requestAcceptGraceTimeout,
          graceTimeOutMs: transport.lifeCycle.graceTimeOut,
          maxHeaderBytes: http.maxHeaderBytes,
          sanitizePath: http.sanitizePath,
        },
        () => this.#runtime,
        this.#log,
      );
      this.#entryPoints.set(name, listener);
    }
    try {
      await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.listen()));
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.#aggregator.update('internal', internalSnapshot(this.#config));
    for (const provider of this.#configuredProviders) {
      provider
        .run((snapshot) => this.#aggregator.update(provider.name, snapshot), this.#providers.signal)
        .catch((error: unknown) => this.#log.error('provider stopped', { providerName: provider.name, error: (error as Error).message }));
    }
    for (const [name, entryPoint] of this.#entryPoints) this.#log.info('entryPoint listening', { entryPointName: name, port: entryPoint.port });
  }

  /** The port an entryPoint is bound to. */
  port(entryPoint: string): number | undefined {
    return this.#entryPoints.get(entryPoint)?.port;
  }

  /** The live Runtime (for the API and tests). */
  get runtime(): Runtime {
    return this.#runtime;
  }

  get reloads(): number {
    return this.#reloads;
  }

  #apply(merged: MergedConfig, providerErrors: readonly ConfigError[]): void {
    const runtime = buildRuntime(merged, this.#settings, { pools: this.#pools, log: this.#log });
    this.#runtime = runtime;
    this.#reloads += 1;
    this.#pools.retainOnly(runtime.usedPools);
    this.#reportErrors([...providerErrors, ...runtime.errors]);
    const routers = [...runtime.enabledRouters].map(([entryPoint, names]) => `${entryPoint}: ${names.length}`).join(', ');
    this.#log.info('configuration applied', { routers });
  }

  /** Logs each configuration fault once, when it appears; a fault that goes away is logged as fixed at debug. */
  #reportErrors(errors: readonly ConfigError[]): void {
    const current = new Set(formatConfigErrors(errors).split('\n').filter((line) => line !== ''));
    for (const line of current) if (!this.#reportedErrors.has(line)) this.#log.error(`configuration error: ${line}`);
    this.#reportedErrors = current;
  }

  /** Stops gracefully: providers first, then every entryPoint drains within its graceTimeOut. */
  async stop(): Promise<void> {
    this.#isTerminating = true;
    this.#providers.abort();
    this.#aggregator.close();
    await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.shutdown()));
    await this.#pools.close();
  }
}
