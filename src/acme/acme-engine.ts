import type { StaticConfig } from '../config/static/static-config.js';
import { acmeProviderName, acmeResolverNames, certificatesSnapshot } from './acme-resolvers.js';
import { ConfigError } from '../config/errors.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderSnapshot } from '../providers/provider.js';
import type { MergedConfig } from '../runtime/merged-config.js';
import { AcmeResolver } from './acme-resolver.js';
import type { ChallengeBoard } from './challenge-board.js';
import { collectDomainRequests } from './domains.js';
import type { AcmeStore, StoredCertificate } from './storage/acme-store.js';
import { openAcmeStore, storeKey } from './storage/open-store.js';

export interface AcmeEngineOptions {
  readonly config: StaticConfig;
  readonly log: Logger;
  /** Pushes a resolver's snapshot to the aggregator under `<resolver>.acme`. */
  readonly push: (provider: string, snapshot: ProviderSnapshot) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where the challenges this instance presents are published for the data path. */
  readonly board: ChallengeBoard;
}

/**
 * Every ACME certificate resolver of the process that runs the providers: reads each merged configuration
 * for the domains each resolver must serve, and pushes each resolver's certificates as a provider snapshot,
 * so that every process serves them through the ordinary configuration path.
 */
export class AcmeEngine {
  /** The challenges this instance presents, and the stores to ask for others'. */
  readonly board: ChallengeBoard;
  readonly #resolvers = new Map<string, AcmeResolver>();
  readonly #stores = new Map<string, AcmeStore>();
  readonly #options: AcmeEngineOptions;

  constructor(options: AcmeEngineOptions) {
    this.#options = options;
    this.board = options.board;
    const { config, log } = options;
    for (const name of acmeResolverNames(config)) {
      const acme = config.certificatesResolvers[name]!.acme!;
      const push = (certificates: readonly StoredCertificate[]): void => options.push(acmeProviderName(name), certificatesSnapshot(certificates));
      let store: AcmeStore;
      try {
        const key = storeKey(acme.storage, options.cwd);
        store = this.#stores.get(key) ?? openAcmeStore(acme.storage, { path: `certificatesResolvers.${name}.acme.storage`, cwd: options.cwd, logger: log, env: options.env });
        this.#stores.set(key, store);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        log.error(`configuration error: ${error.message}`);
        // The resolver serves nothing, but its routers keep serving with the default certificate.
        queueMicrotask(() => push([]));
        continue;
      }
      this.#resolvers.set(name, new AcmeResolver({ name, config: acme, store, board: this.board, log, env: options.env, publish: push }));
    }
    this.board.useStores([...this.#stores.values()].filter((store) => store.shared));
  }

  /** Loads every resolver's stored certificates and serves them. */
  start(): void {
    for (const resolver of this.#resolvers.values()) void resolver.start();
  }

  /** Reads a merged configuration for the domains each resolver must serve, and orders what is missing. */
  onConfiguration(merged: MergedConfig): void {
    const requests = collectDomainRequests(merged, this.#options.config);
    for (const [name, resolver] of this.#resolvers) resolver.want(requests.get(name) ?? []);
  }

  async close(): Promise<void> {
    for (const resolver of this.#resolvers.values()) resolver.close();
    await Promise.all([...this.#stores.values()].map((store) => store.close().catch(() => undefined)));
  }
}
