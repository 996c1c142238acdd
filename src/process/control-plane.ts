import type { AcmeEngine } from '../acme/acme-engine.js';
import { acmeProviderName, acmeResolverNames } from '../acme/acme-resolvers.js';
import { ChallengeBoard, type AcmeChallengeSource } from '../acme/challenge-board.js';
import { formatConfigErrors, type ConfigError } from '../config/errors.js';
import type { StaticConfig } from '../config/static/static-config.js';
import type { Logger, LogLevel } from '../observability/logger.js';
import { Aggregator } from '../providers/aggregator.js';
import { FileProvider } from '../providers/file/file-provider.js';
import { httpProvider } from '../providers/http/http-provider.js';
import { internalSnapshot } from '../providers/internal/internal-provider.js';
import type { Provider } from '../providers/provider.js';
import { RestProvider } from '../providers/rest/rest-provider.js';
import type { MergedConfig } from '../runtime/merged-config.js';

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
  const http = config.providers.http;
  if (http !== undefined) providers.push(httpProvider(http, log.with({ providerName: 'http' })));
  const kubernetesCRD = config.providers.kubernetesCRD;
  if (kubernetesCRD !== undefined) {
    providers.push(onDemand('kubernetescrd', async () => (await import('../providers/kubernetes-crd/kubernetes-crd-provider.js')).kubernetesCRDProvider(kubernetesCRD, log)));
  }
  const kubernetesMesh = config.providers.kubernetesMesh;
  if (kubernetesMesh !== undefined) {
    const meshLog = log.with({ providerName: 'kubernetesmesh' });
    providers.push(onDemand('kubernetesmesh', async () => (await import('../providers/kubernetes-mesh/kubernetes-mesh-provider.js')).kubernetesMeshProvider({ options: kubernetesMesh, log: meshLog })));
  }
  const kubernetesIngress = config.providers.kubernetesIngress;
  if (kubernetesIngress !== undefined) {
    // Named `kubernetes` as in Traefik: its routers and services are `…@kubernetes`.
    const ingressLog = log.with({ providerName: 'kubernetes' });
    const settings = { options: kubernetesIngress, defaultRuleSyntax: config.core.defaultRuleSyntax, log: ingressLog };
    providers.push(onDemand('kubernetes', async () => (await import('../providers/kubernetes-ingress/kubernetes-ingress-provider.js')).kubernetesIngressProvider(settings)));
  }
  return providers;
}

/** A provider whose module loads when it starts: the Kubernetes client takes seconds to import, which no other configuration should pay. */
function onDemand(name: string, load: () => Promise<Provider>): Provider {
  return {
    name,
    async run(push, signal) {
      await (await load()).run(push, signal);
    },
  };
}

/**
 * Watches the providers and hands on each new merged configuration, once. `apply` compiles it (serving it
 * or only validating it) and returns the faults found; each fault is logged once, when it appears.
 */
export class ControlPlane {
  readonly #config: StaticConfig;
  readonly #log: Logger;
  readonly #providers: Provider[];
  readonly #aggregator: Aggregator;
  readonly #stop = new AbortController();
  /** The REST provider, when enabled: `rest@internal` hands it the configurations it receives. */
  readonly rest: RestProvider | undefined;
  /** The certificate resolvers: they read each configuration and push their certificates as providers do. */
  #acme: AcmeEngine | undefined;
  /** Where the resolvers publish their challenges; present when a resolver is configured. */
  readonly #board: ChallengeBoard | undefined;
  #reportedErrors = new Set<string>();
  #latest: MergedConfig | undefined;

  constructor(config: StaticConfig, log: Logger, apply: (merged: MergedConfig) => readonly ConfigError[]) {
    this.#config = config;
    this.#log = log;
    this.#providers = configuredProviders(config, log);
    this.rest = config.providers.rest === undefined ? undefined : new RestProvider();
    if (this.rest !== undefined) this.#providers.push(this.rest);
    const resolvers = acmeResolverNames(config);
    this.#board = resolvers.length === 0 ? undefined : new ChallengeBoard();
    this.#aggregator = new Aggregator({
      throttleMs: config.providers.providersThrottleDuration,
      // The first configuration waits for the stored certificates too, so that a restart serves them at once.
      expectedProviders: ['internal', ...this.#providers.map((provider) => provider.name), ...resolvers.map(acmeProviderName)],
      apply: (merged, providerErrors) => {
        this.#latest = merged;
        this.#reportErrors([...providerErrors, ...apply(merged)]);
        this.#acme?.onConfiguration(merged);
      },
    });
  }

  /** Where the ACME challenges this instance presents (or its shared stores hold) are answered from. */
  get challenges(): AcmeChallengeSource | undefined {
    return this.#board;
  }

  /** The last configuration handed on, if any. */
  get latest(): MergedConfig | undefined {
    return this.#latest;
  }

  /** Starts the internal provider and every configured provider. */
  start(): void {
    this.#aggregator.update('internal', internalSnapshot(this.#config));
    if (this.#board !== undefined) void this.#startAcme(this.#board);
    for (const provider of this.#providers) {
      provider
        .run((snapshot) => this.#aggregator.update(provider.name, snapshot), this.#stop.signal)
        .catch((error: unknown) => this.#log.error('provider stopped', { providerName: provider.name, error: (error as Error).message }));
    }
  }

  /** Loads the ACME client on demand: it takes seconds to import, which no configuration without resolvers should pay. */
  async #startAcme(board: ChallengeBoard): Promise<void> {
    try {
      const { AcmeEngine } = await import('../acme/acme-engine.js');
      if (this.#stop.signal.aborted) return;
      const engine = new AcmeEngine({ config: this.#config, log: this.#log, env: process.env, cwd: process.cwd(), board, push: (provider, snapshot) => this.#aggregator.update(provider, snapshot) });
      this.#acme = engine;
      engine.start();
      if (this.#latest !== undefined) engine.onConfiguration(this.#latest);
    } catch (error) {
      this.#log.error('certificate resolvers stopped', { error: (error as Error).message });
    }
  }

  #reportErrors(errors: readonly ConfigError[]): void {
    const current = new Set(formatConfigErrors(errors).split('\n').filter((line) => line !== ''));
    for (const line of current) if (!this.#reportedErrors.has(line)) this.#log.error(`configuration error: ${line}`);
    this.#reportedErrors = current;
  }

  stop(): void {
    this.#stop.abort();
    this.#aggregator.close();
    void this.#acme?.close();
  }
}
