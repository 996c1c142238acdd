import type { AcmeChallengeSource } from '../acme/challenge-board.js';
import type { ConfigError } from '../config/errors.js';
import { listEntryPoints, type StaticConfig } from '../config/static/static-config.js';
import { EntryPoint } from '../entrypoints/entrypoint.js';
import { UdpEntryPoints } from '../entrypoints/udp-entrypoints.js';
import { HealthMonitor } from '../http/services/health-check/health-monitor.js';
import { generateDefaultCertificate } from '../tls/default-certificate.js';
import type { ServingCertificate } from '../tls/certificate.js';
import { loadPluginCatalog, type PluginCatalog } from '../http/middlewares/plugin/plugin-catalog.js';
import { junctionVersion } from '../cli/version.js';
import type { Logger } from '../observability/logger.js';
import { localExposition, workerExposition } from '../observability/metrics/cluster-metrics.js';
import { Telemetry } from '../observability/telemetry.js';
import { buildRuntime, type Runtime } from '../runtime/build-runtime.js';
import type { MergedConfig } from '../runtime/merged-config.js';
import { emptyRuntimeReport } from '../runtime/runtime-report.js';
import type { RuntimeSettings } from '../runtime/runtime-settings.js';
import { StateRegistry } from '../runtime/state-registry.js';
import { emptyUdpRuntime } from '../udp/build-udp-runtime.js';
import { UpstreamPools } from '../runtime/upstream-pools.js';
import { runtimeSettings } from './runtime-settings-from-static.js';

const emptyRuntime: Runtime = {
  routers: new Map(),
  httpsRouters: new Map(),
  connections: new Map(),
  tls: undefined,
  errors: [],
  enabledRouters: new Map(),
  usedPools: new Set(),
  usedState: new Set(),
  report: emptyRuntimeReport,
  udp: emptyUdpRuntime,
};

export interface DataPlaneOptions {
  /** Run the health checks here (default true); a worker follows the primary's instead. */
  readonly checksHealth?: boolean;
  /** One of several processes: a metrics scrape then answers for all of them. */
  readonly isWorker?: boolean;
  /** Serve the UDP entryPoints here (default true); with workers the primary serves them. */
  readonly serveUdp?: boolean;
  /** Where `rest@internal` sends the configurations it receives: the REST provider, here or in the primary. */
  readonly submitRestConfiguration?: (config: Record<string, unknown>) => void;
  /** Where ACME challenge answers come from: the control plane beside it, or the primary over IPC. */
  readonly acmeChallenges?: AcmeChallengeSource | undefined;
}

/**
 * What serves traffic in one process: the entryPoints' sockets, the current Runtime and the upstream pools.
 * Each new configuration is compiled beside the live one and swapped in atomically; requests in flight
 * finish on the Runtime they started with.
 */
export class DataPlane {
  readonly #log: Logger;
  readonly #pools = new UpstreamPools();
  readonly #state = new StateRegistry();
  /** Server health: checked here in a single process; followed from the primary's messages in a worker. */
  readonly health: HealthMonitor;
  readonly #entryPoints = new Map<string, EntryPoint>();
  readonly #udp: UdpEntryPoints | undefined;
  readonly #settings: RuntimeSettings;
  #runtime: Runtime = emptyRuntime;
  #isTerminating = false;
  /** Local plugins, once loaded; until then configurations wait in `#pending`. */
  #plugins: PluginCatalog | undefined;
  readonly #pluginsLoaded: Promise<PluginCatalog> | undefined;
  #pending: MergedConfig | undefined;
  readonly #telemetry: Telemetry;
  /** The generated default certificate, once made; configurations wait for it as for the plugins. */
  #defaultCertificate: ServingCertificate | undefined;
  readonly #defaultCertificateMade: Promise<void>;

  constructor(config: StaticConfig, log: Logger, options: DataPlaneOptions = {}) {
    const acmeChallenges = options.acmeChallenges;
    this.#log = log;
    this.health = new HealthMonitor({ isActive: options.checksHealth ?? true, log });
    this.#udp = (options.serveUdp ?? true) ? new UdpEntryPoints(config, log) : undefined;
    const telemetry = new Telemetry(config, junctionVersion(), log);
    this.#telemetry = telemetry;
    const metrics = telemetry.metrics;
    const exposition = metrics === undefined ? undefined : options.isWorker === true ? workerExposition(metrics) : localExposition(metrics);
    this.#settings = runtimeSettings(config, {
      isTerminating: () => this.#isTerminating,
      prometheus: exposition,
      acmeChallenges: options.acmeChallenges,
      submitRestConfiguration: options.submitRestConfiguration,
    });
    this.#pluginsLoaded = this.#loadPlugins();
    this.#defaultCertificateMade = generateDefaultCertificate().then((certificate) => {
      this.#defaultCertificate = certificate;
      this.#applyPending();
    });
    for (const { name, address, config: entryPoint } of listEntryPoints(config)) {
      if (address.protocol === 'udp') continue;
      const { transport, forwardedHeaders, http, proxyProtocol } = entryPoint;
      const options = {
        name,
        host: address.host,
        port: address.port,
        http: {
          name,
          forwardedHeaders,
          readTimeoutMs: transport.respondingTimeouts.readTimeout,
          writeTimeoutMs: transport.respondingTimeouts.writeTimeout,
          idleTimeoutMs: transport.respondingTimeouts.idleTimeout,
          keepAliveMaxRequests: transport.keepAliveMaxRequests,
          keepAliveMaxTimeMs: transport.keepAliveMaxTime,
          maxHeaderBytes: http.maxHeaderBytes,
          sanitizePath: http.sanitizePath,
          encodeQuerySemicolons: http.encodeQuerySemicolons,
          underscoreHeaders: http.underscoreHeadersStrategy,
          http2: { ...entryPoint.http2, idleTimeoutMs: transport.respondingTimeouts.idleTimeout },
          telemetry: telemetry.forEntryPoint(name),
        },
        proxyProtocol: proxyProtocol === undefined ? undefined : { insecure: proxyProtocol.insecure, trustedIPs: proxyProtocol.trustedIPs },
        readTimeoutMs: transport.respondingTimeouts.readTimeout,
        requestAcceptGraceTimeoutMs: transport.lifeCycle.requestAcceptGraceTimeout,
        graceTimeOutMs: transport.lifeCycle.graceTimeOut,
        acmeChallenges,
        allowAcmeBypass: entryPoint.allowACMEByPass,
      };
      this.#entryPoints.set(name, new EntryPoint(options, () => this.#runtime, log));
    }
  }

  /**
   * Loads the local plugins once, before anything is built with them: a build is synchronous, an import is
   * not. Configurations that arrive meanwhile wait and are applied once the plugins are loaded.
   */
  #loadPlugins(): Promise<PluginCatalog> | undefined {
    const settings = this.#settings.plugins;
    const names = Object.keys(settings.local);
    if (names.length === 0) {
      this.#plugins = { declared: [], catalog: settings.catalog, modules: new Map(), failure: undefined };
      return undefined;
    }
    const log = this.#log;
    log.info('loading plugins', { plugins: names.join(', ') });
    return loadPluginCatalog(settings, process.cwd())
      .then((catalog) => {
        if (catalog.failure !== undefined) log.error('plugins are disabled because an error has occurred', { error: catalog.failure });
        else log.info('plugins loaded', { plugins: names.join(', ') });
        this.#plugins = catalog;
        this.#applyPending();
        return catalog;
      });
  }

  #applyPending(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) this.apply(pending);
  }

  /** Binds every entryPoint once the plugins are loaded; on failure closes those already bound and rejects. */
  async listen(): Promise<void> {
    await this.#defaultCertificateMade;
    const plugins = await this.#pluginsLoaded;
    if (plugins?.failure !== undefined && this.#settings.plugins.abortOnFailure) {
      throw new Error(`plugin: failed to create plugin builder: ${plugins.failure}`);
    }
    try {
      await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.listen()));
      await this.#udp?.listen();
    } catch (error) {
      await this.stop();
      throw error;
    }
    for (const [name, entryPoint] of this.#entryPoints) this.#log.info('entryPoint listening', { entryPointName: name, port: entryPoint.port });
  }

  /** Compiles a configuration and swaps it in; returns the faults found while compiling. */
  apply(merged: MergedConfig): readonly ConfigError[] {
    if (this.#plugins === undefined || this.#defaultCertificate === undefined) {
      this.#pending = merged;
      return [];
    }
    const runtime = buildRuntime(merged, this.#settings, {
      pools: this.#pools,
      state: this.#state,
      log: this.#log,
      plugins: this.#plugins,
      defaultCertificate: this.#defaultCertificate,
      health: this.health,
    });
    this.#runtime = runtime;
    this.#udp?.switch(runtime.udp);
    this.#pools.retainOnly(runtime.usedPools);
    this.#state.retainOnly(runtime.usedState);
    this.#telemetry.configApplied();
    const routers = [...runtime.enabledRouters].map(([entryPoint, names]) => `${entryPoint}: ${names.length}`).join(', ');
    this.#log.info('configuration applied', { routers });
    return runtime.errors;
  }

  /** Reopens the access log file after an outside rotation (SIGUSR1). */
  reopenLogs(): void {
    this.#telemetry.reopen();
  }

  /** Marks the start of shutdown: `ping@internal` answers its terminating status from now on. */
  beginTermination(): void {
    this.#isTerminating = true;
  }

  port(entryPoint: string): number | undefined {
    return this.#entryPoints.get(entryPoint)?.port ?? this.#udp?.port(entryPoint);
  }

  get runtime(): Runtime {
    return this.#runtime;
  }

  /** Drains every entryPoint within its graceTimeOut, then closes the upstream pools. */
  async stop(): Promise<void> {
    this.#isTerminating = true;
    await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.shutdown()).concat(this.#udp?.shutdown() ?? []));
    this.#state.close();
    await this.#pools.close();
    await this.#telemetry.close();
  }
}
