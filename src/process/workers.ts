import cluster, { type Worker } from 'node:cluster';
import type { StaticConfig } from '../config/static/static-config.js';
import { Logger, silentLogger } from '../observability/logger.js';
import { buildRuntime } from '../runtime/build-runtime.js';
import { deserializeMergedConfig, serializeMergedConfig, type MergedConfig, type SerializedMergedConfig } from '../runtime/merged-config.js';
import { UpstreamPools } from '../runtime/upstream-pools.js';
import { StateRegistry } from '../runtime/state-registry.js';
import { HealthMonitor } from '../http/services/health-check/health-monitor.js';
import type { ServerStatusChange } from '../http/services/health-check/server-health.js';
import { loadPluginCatalog, type PluginCatalog } from '../http/middlewares/plugin/plugin-catalog.js';
import type { RuntimeSettings } from '../runtime/runtime-settings.js';
import { UdpEntryPoints } from '../entrypoints/udp-entrypoints.js';
import { acmeResolverNames } from '../acme/acme-resolvers.js';
import { answerChallengeQuery, IpcChallengeSource, type ChallengeReplyMessage, type ChallengeRequestMessage } from '../acme/ipc-challenge-source.js';
import { ControlPlane } from './control-plane.js';
import { DataPlane } from './data-plane.js';
import { runtimeSettings } from './runtime-settings-from-static.js';
import { serveClusterMetrics } from '../observability/metrics/cluster-metrics.js';
import { fileRotation } from '../observability/rotating-file-sink.js';

/** Messages from the primary to a worker. */
type ToWorker =
  | { readonly type: 'start'; readonly config: StaticConfig; readonly merged: SerializedMergedConfig | undefined; readonly health: readonly ServerStatusChange[] }
  | { readonly type: 'health'; readonly change: ServerStatusChange }
  | { readonly type: 'config'; readonly merged: SerializedMergedConfig }
  | { readonly type: 'reopen-logs' }
  | { readonly type: 'terminate' }
  | ChallengeReplyMessage;

/** Messages from a worker to the primary. `ready` comes first: messages sent before it would be lost. */
type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'listening' }
  | { readonly type: 'failed'; readonly reason: string }
  /** A configuration `rest@internal` received, for the REST provider the primary runs. */
  | { readonly type: 'rest'; readonly config: Record<string, unknown> }
  | ChallengeRequestMessage;

/** A crash loop is a worker dying within this long after it started; those are restarted with a delay. */
const crashLoopMs = 5000;

/**
 * The primary process with workers: runs the providers and validates each configuration once, then sends it
 * to every worker, which compiles and serves it. Dead workers are restarted; shutdown drains every worker.
 */
export class Primary {
  readonly #config: StaticConfig;
  readonly #log: Logger;
  readonly #count: number;
  readonly #control: ControlPlane;
  readonly #settings: RuntimeSettings;
  /**
   * UDP entryPoints are served here, not by the workers: a dgram socket shared among cluster workers hands
   * each datagram to whichever process reads first, which would split a client's session across processes.
   */
  readonly #udp: UdpEntryPoints;
  /**
   * Health checks run here, once for all workers: the primary keeps the services' state (and the pools the
   * checks use) across reloads as a worker does, and sends every status change to every worker.
   */
  readonly #health: HealthMonitor;
  readonly #pools = new UpstreamPools();
  readonly #state = new StateRegistry();
  /** Local plugins, loaded here too so that validation sees what the workers will run. */
  #plugins: PluginCatalog | undefined;
  readonly #startedAt = new Map<Worker, number>();
  readonly #started = new Set<Worker>();
  #isStopping = false;

  constructor(config: StaticConfig, log: Logger, count: number) {
    this.#config = config;
    this.#log = log;
    this.#count = count;
    // The primary compiles to validate, never to serve: its prometheus@internal only has to exist when metrics do.
    const validationOnly = config.metrics?.prometheus === undefined ? undefined : { contentType: 'text/plain', text: () => Promise.reject(new Error('metrics are served by the workers')) };
    const settings = runtimeSettings(config, { isTerminating: () => false, prometheus: validationOnly });
    this.#settings = settings;
    this.#udp = new UdpEntryPoints(config, log);
    this.#health = new HealthMonitor({ isActive: true, log });
    this.#health.onChange((change) => this.#broadcast({ type: 'health', change }));
    this.#control = new ControlPlane(config, log, (merged) => {
      // Compiled here to find the faults, to run the health checks and to serve UDP; workers compile again to serve, and stay quiet about faults.
      const runtime = buildRuntime(merged, settings, {
        pools: this.#pools,
        state: this.#state,
        health: this.#health,
        log: silentLogger,
        ...(this.#plugins !== undefined ? { plugins: this.#plugins } : {}),
      });
      this.#pools.retainOnly(runtime.usedPools);
      this.#state.retainOnly(runtime.usedState);
      this.#udp.switch(runtime.udp);
      const { errors } = runtime;
      this.#broadcast({ type: 'config', merged: serializeMergedConfig(merged) });
      return errors;
    });
  }

  /** Server health as the checks (run here) see it: the view the API reads with workers. */
  get health(): HealthMonitor {
    return this.#health;
  }

  /** Forks the workers and waits until each one listens; rejects if one cannot bind its sockets. */
  async start(): Promise<void> {
    // Every worker accepts on the shared sockets itself; the kernel spreads connections among them.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ args: [] });
    if (this.#config.metrics?.prometheus !== undefined) serveClusterMetrics();
    this.#plugins = await loadPluginCatalog(this.#settings.plugins, process.cwd());
    await this.#udp.listen();
    const ready = Array.from({ length: this.#count }, () => this.#fork());
    this.#control.start();
    await Promise.all(ready);
    cluster.on('exit', (worker, code, signal) => this.#onExit(worker, code, signal));
    this.#log.info('workers listening', { workers: this.#count });
  }

  #fork(): Promise<void> {
    const worker = cluster.fork();
    this.#startedAt.set(worker, Date.now());
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.type === 'ready') {
          this.#started.add(worker);
          const latest = this.#control.latest;
          worker.send({ type: 'start', config: this.#config, merged: latest === undefined ? undefined : serializeMergedConfig(latest), health: this.#health.snapshot() } satisfies ToWorker);
        }
        if (message.type === 'rest') this.#control.rest?.submit(message.config);
        if (message.type === 'listening') resolve();
        if (message.type === 'failed') reject(new Error(message.reason));
        if (message.type === 'acme-challenge') {
          // The CA's validation request reached this worker: the primary presents the challenges.
          void answerChallengeQuery(this.#control.challenges, message.query)
            .catch(() => undefined)
            .then((reply) => {
              if (worker.isConnected()) worker.send({ type: 'acme-challenge-reply', id: message.id, reply } satisfies ToWorker);
            });
        }
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before listening`)));
    });
  }

  /** Sends to every worker that has been started; one still starting gets the latest configuration with `start`. */
  #broadcast(message: ToWorker): void {
    for (const worker of this.#started) if (worker.isConnected()) worker.send(message);
  }

  #onExit(worker: Worker, code: number | null, signal: string | null): void {
    const startedAt = this.#startedAt.get(worker) ?? 0;
    this.#startedAt.delete(worker);
    this.#started.delete(worker);
    if (this.#isStopping) return;
    this.#log.error('worker died; starting another', { worker: worker.id, code: code ?? undefined, signal: signal ?? undefined });
    const delay = Date.now() - startedAt < crashLoopMs ? 1000 : 0;
    setTimeout(() => {
      if (this.#isStopping) return;
      this.#fork().catch((error: unknown) => this.#log.error('replacement worker failed', { error: (error as Error).message }));
    }, delay).unref();
  }

  /** Has every worker reopen its access log file (SIGUSR1). */
  reopenLogs(): void {
    this.#broadcast({ type: 'reopen-logs' });
  }

  /** Stops the providers and lets every worker drain; resolves when all have exited. */
  async stop(): Promise<void> {
    this.#isStopping = true;
    this.#control.stop();
    this.#state.close();
    void this.#pools.close();
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    await Promise.all([
      this.#udp.shutdown(),
      ...workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            if (worker.isConnected()) worker.send({ type: 'terminate' } satisfies ToWorker);
          }),
      ),
    ]);
  }
}

/** The body of a worker process: waits for the static configuration, serves, drains on request. */
export function runWorker(): void {
  let data: DataPlane | undefined;
  let log: Logger | undefined;
  let isListening = false;
  let isStopping = false;
  let challenges: IpcChallengeSource | undefined;

  const stop = async (): Promise<void> => {
    if (isStopping) return;
    isStopping = true;
    await data?.stop();
    await log?.close();
    process.exit(0);
  };

  process.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'start': {
        const { config } = message;
        log = new Logger({ level: config.log.level, format: config.log.format, ...(config.log.filePath !== undefined ? { filePath: config.log.filePath, rotation: fileRotation(config.log) } : {}) }).with({
          worker: cluster.worker?.id,
        });
        const workerLog = log;
        process.on('uncaughtException', (error) => workerLog.error('unexpected error', { error: error.stack ?? error.message }));
        process.on('unhandledRejection', (reason) => workerLog.error('unexpected rejection', { error: String(reason) }));
        // UDP entryPoints stay in the primary: see Primary.#udp.
        if (acmeResolverNames(config).length > 0) challenges = new IpcChallengeSource((request) => process.send?.(request satisfies FromWorker));
        data = new DataPlane(config, log, {
          checksHealth: false,
          isWorker: true,
          serveUdp: false,
          acmeChallenges: challenges,
          submitRestConfiguration: (rest) => process.send?.({ type: 'rest', config: rest } satisfies FromWorker),
        });
        for (const change of message.health) data.health.apply(change);
        if (message.merged !== undefined) void serve(deserializeMergedConfig(message.merged));
        return;
      }
      case 'config':
        void serve(deserializeMergedConfig(message.merged));
        return;
      case 'health':
        data?.health.apply(message.change);
        return;
      case 'reopen-logs':
        data?.reopenLogs();
        return;
      case 'terminate':
        void stop();
        return;
      case 'acme-challenge-reply':
        challenges?.receive(message);
        return;
    }
  });

  /** Applies a configuration; the first one also opens the sockets, so no request meets an empty table. */
  async function serve(merged: MergedConfig): Promise<void> {
    if (data === undefined || isStopping) return;
    data.apply(merged);
    if (isListening) return;
    isListening = true;
    try {
      await data.listen();
      process.send?.({ type: 'listening' } satisfies FromWorker);
    } catch (error) {
      process.send?.({ type: 'failed', reason: (error as Error).message } satisfies FromWorker);
      process.exit(1);
    }
  }

  process.send?.({ type: 'ready' } satisfies FromWorker);

  // The primary decides when to stop; a signal sent to the whole group starts the same drain.
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('SIGUSR1', () => data?.reopenLogs());
  process.on('disconnect', () => void stop());
}
