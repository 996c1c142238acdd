import type { ConfigError } from '../config/errors.js';
import { listEntryPoints, type StaticConfig } from '../config/static/static-config.js';
import { HttpEntryPoint } from '../entrypoints/http-entrypoint.js';
import type { Logger } from '../observability/logger.js';
import { buildRuntime, type Runtime } from '../runtime/build-runtime.js';
import type { MergedConfig } from '../runtime/merged-config.js';
import type { RuntimeSettings } from '../runtime/runtime-settings.js';
import { StateRegistry } from '../runtime/state-registry.js';
import { UpstreamPools } from '../runtime/upstream-pools.js';
import { runtimeSettings } from './runtime-settings-from-static.js';

const emptyRuntime: Runtime = { routers: new Map(), errors: [], enabledRouters: new Map(), usedPools: new Set(), usedState: new Set() };

/**
 * What serves traffic in one process: the entryPoints' sockets, the current Runtime and the upstream pools.
 * Each new configuration is compiled beside the live one and swapped in atomically; requests in flight
 * finish on the Runtime they started with.
 */
export class DataPlane {
  readonly #log: Logger;
  readonly #pools = new UpstreamPools();
  readonly #state = new StateRegistry();
  readonly #entryPoints = new Map<string, HttpEntryPoint>();
  readonly #settings: RuntimeSettings;
  #runtime: Runtime = emptyRuntime;
  #isTerminating = false;

  constructor(config: StaticConfig, log: Logger) {
    this.#log = log;
    this.#settings = runtimeSettings(config, () => this.#isTerminating);
    for (const { name, address, config: entryPoint } of listEntryPoints(config)) {
      if (address.protocol === 'udp') {
        log.warn('UDP entryPoints are not supported yet; not listening', { entryPointName: name });
        continue;
      }
      const { transport, forwardedHeaders, http } = entryPoint;
      const options = {
        name,
        host: address.host,
        port: address.port,
        forwardedHeaders: { insecure: forwardedHeaders.insecure, trustedIPs: forwardedHeaders.trustedIPs, connection: forwardedHeaders.connection },
        readTimeoutMs: transport.respondingTimeouts.readTimeout,
        writeTimeoutMs: transport.respondingTimeouts.writeTimeout,
        idleTimeoutMs: transport.respondingTimeouts.idleTimeout,
        requestAcceptGraceTimeoutMs: transport.lifeCycle.requestAcceptGraceTimeout,
        graceTimeOutMs: transport.lifeCycle.graceTimeOut,
        maxHeaderBytes: http.maxHeaderBytes,
        sanitizePath: http.sanitizePath,
      };
      this.#entryPoints.set(name, new HttpEntryPoint(options, () => this.#runtime, log));
    }
  }

  /** Binds every entryPoint; on failure closes those already bound and rejects. */
  async listen(): Promise<void> {
    try {
      await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.listen()));
    } catch (error) {
      await this.stop();
      throw error;
    }
    for (const [name, entryPoint] of this.#entryPoints) this.#log.info('entryPoint listening', { entryPointName: name, port: entryPoint.port });
  }

  /** Compiles a configuration and swaps it in; returns the faults found while compiling. */
  apply(merged: MergedConfig): readonly ConfigError[] {
    const runtime = buildRuntime(merged, this.#settings, { pools: this.#pools, state: this.#state, log: this.#log });
    this.#runtime = runtime;
    this.#pools.retainOnly(runtime.usedPools);
    this.#state.retainOnly(runtime.usedState);
    const routers = [...runtime.enabledRouters].map(([entryPoint, names]) => `${entryPoint}: ${names.length}`).join(', ');
    this.#log.info('configuration applied', { routers });
    return runtime.errors;
  }

  /** Marks the start of shutdown: `ping@internal` answers its terminating status from now on. */
  beginTermination(): void {
    this.#isTerminating = true;
  }

  port(entryPoint: string): number | undefined {
    return this.#entryPoints.get(entryPoint)?.port;
  }

  get runtime(): Runtime {
    return this.#runtime;
  }

  /** Drains every entryPoint within its graceTimeOut, then closes the upstream pools. */
  async stop(): Promise<void> {
    this.#isTerminating = true;
    await Promise.all([...this.#entryPoints.values()].map((entryPoint) => entryPoint.shutdown()));
    this.#state.close();
    await this.#pools.close();
  }
}
