import { decodeDynamicConfig, type DynamicConfig } from '../config/dynamic/dynamic-config.js';
import { ConfigError } from '../config/errors.js';
import { defaultTlsName, type MergedCertificate, type MergedConfig, type MergedItem } from '../runtime/merged-config.js';
import { itemOfPath } from '../runtime/runtime-report.js';
import type { DroppedRouter, ProviderSnapshot } from './provider.js';

type DroppedSection = 'services' | 'middlewares' | 'serversTransports' | 'tcpServices' | 'tcpMiddlewares' | 'tcpServersTransports' | 'tlsOptions' | 'udpServices';
const droppedSections: readonly DroppedSection[] = ['services', 'middlewares', 'serversTransports', 'tcpServices', 'tcpMiddlewares', 'tcpServersTransports', 'tlsOptions', 'udpServices'];

export interface DecodedSnapshot {
  readonly config: DynamicConfig;
  /** Names declared in the snapshot but dropped by decoding, per section that routers reference. */
  readonly dropped: Readonly<Record<DroppedSection, readonly string[]>>;
  readonly errors: readonly ConfigError[];
  readonly locate: ((path: string) => string | undefined) | undefined;
  /** Routers dropped by decoding or rejected by the provider, with the faults that left them out. */
  readonly droppedRouters: readonly DroppedRouter[];
}

function locateError(error: ConfigError, locate: DecodedSnapshot['locate']): ConfigError {
  const location = locate?.(error.path);
  return location === undefined ? error : new ConfigError(error.path, `${error.reason} (${location})`);
}

/** Decodes a provider's snapshot, locating each fault where the provider wrote it. */
export function decodeSnapshot(snapshot: ProviderSnapshot): DecodedSnapshot {
  const { config, errors } = decodeDynamicConfig(snapshot.config);
  const all = [...snapshot.errors, ...errors.map((error) => locateError(error, snapshot.locate))];
  return {
    config,
    errors: all,
    locate: snapshot.locate,
    dropped: droppedNames(snapshot.config, config),
    droppedRouters: [...droppedRouters(snapshot.config, config, all), ...(snapshot.rejectedRouters ?? [])],
  };
}

/** Routers that decoding left out, with their faults, so the API can show them as disabled. */
function droppedRouters(raw: unknown, decoded: DynamicConfig, errors: readonly ConfigError[]): DroppedRouter[] {
  const dropped: DroppedRouter[] = [];
  for (const protocol of ['http', 'tcp', 'udp'] as const) {
    for (const name of Object.keys(sectionOf(sectionOf(raw, protocol), 'routers'))) {
      if (decoded[protocol]?.routers?.[name] !== undefined) continue;
      const faults = errors.filter((error) => {
        const item = itemOfPath(error.path);
        return item?.protocol === protocol && item.section === 'routers' && item.name === name;
      });
      dropped.push({ protocol, name, errors: faults.map((error) => error.message) });
    }
  }
  return dropped;
}

function sectionOf(value: unknown, key: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const entry = Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
  return entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
}

/** Names a provider declared that decoding left out, so references to them read "invalid", not "missing". */
function droppedNames(raw: unknown, decoded: DynamicConfig): DecodedSnapshot['dropped'] {
  const missing = (top: 'http' | 'tcp' | 'tls' | 'udp', section: string, decodedSection: Record<string, unknown> | undefined): string[] =>
    Object.keys(sectionOf(sectionOf(raw, top), section)).filter((name) => decodedSection?.[name] === undefined);
  return {
    services: missing('http', 'services', decoded.http?.services),
    middlewares: missing('http', 'middlewares', decoded.http?.middlewares),
    serversTransports: missing('http', 'serversTransports', decoded.http?.serversTransports),
    tcpServices: missing('tcp', 'services', decoded.tcp?.services),
    tcpMiddlewares: missing('tcp', 'middlewares', decoded.tcp?.middlewares),
    tcpServersTransports: missing('tcp', 'serversTransports', decoded.tcp?.serversTransports),
    tlsOptions: missing('tls', 'options', decoded.tls?.options),
    udpServices: missing('udp', 'services', decoded.udp?.services),
  };
}

/** Merges every provider's latest snapshot into one configuration with qualified names (`api@file`). */
export function mergeSnapshots(snapshots: ReadonlyMap<string, DecodedSnapshot>): { merged: MergedConfig; errors: ConfigError[] } {
  const section = (): Map<string, MergedItem<never>> => new Map();
  const http = { routers: section(), services: section(), middlewares: section(), serversTransports: section() };
  const tcp = { routers: section(), services: section(), middlewares: section(), serversTransports: section() };
  const udp = { routers: section(), services: section() };
  const tls = { certificates: [] as MergedCertificate[], options: section(), stores: section() };
  const errors: ConfigError[] = [];
  const invalid = Object.fromEntries(droppedSections.map((name) => [name, new Set<string>()])) as Record<DroppedSection, Set<string>>;
  const defaultOptionsProviders: string[] = [];
  const defaultStoreProviders: string[] = [];
  const droppedRouters: DroppedRouter[] = [];
  const providers = [...snapshots.keys()].sort();
  for (const provider of providers) {
    const snapshot = snapshots.get(provider)!;
    errors.push(...snapshot.errors);
    for (const name of droppedSections) {
      for (const dropped of snapshot.dropped[name]) invalid[name].add(name === 'tlsOptions' && dropped === defaultTlsName ? dropped : `${dropped}@${provider}`);
    }
    for (const router of snapshot.droppedRouters) droppedRouters.push({ ...router, name: `${router.name}@${provider}` });
    const { config } = snapshot;
    for (const kind of ['http', 'tcp'] as const) {
      const target = kind === 'http' ? http : tcp;
      const source = config[kind];
      if (source === undefined) continue;
      for (const key of ['routers', 'services', 'middlewares', 'serversTransports'] as const) {
        for (const [name, item] of Object.entries(source[key] ?? {})) {
          target[key].set(`${name}@${provider}`, { provider, name, config: item as never });
        }
      }
    }
    for (const key of ['routers', 'services'] as const) {
      for (const [name, item] of Object.entries(config.udp?.[key] ?? {})) udp[key].set(`${name}@${provider}`, { provider, name, config: item as never });
    }
    (config.tls?.certificates ?? []).forEach((certificate, index) => tls.certificates.push({ provider, index, config: certificate }));
    // TLS options and stores named `default` are global, as in Traefik; other names are qualified.
    for (const [name, options] of Object.entries(config.tls?.options ?? {})) {
      if (name === defaultTlsName) defaultOptionsProviders.push(provider);
      tls.options.set(name === defaultTlsName ? name : `${name}@${provider}`, { provider, name, config: options as never });
    }
    for (const [name, store] of Object.entries(config.tls?.stores ?? {})) {
      if (name === defaultTlsName) defaultStoreProviders.push(provider);
      tls.stores.set(name === defaultTlsName ? name : `${name}@${provider}`, { provider, name, config: store as never });
    }
  }
  // Two providers defining `default` leave no default at all, so what depends on it fails visibly, as in Traefik.
  if (defaultOptionsProviders.length > 1) {
    tls.options.delete(defaultTlsName);
    invalid.tlsOptions.add(defaultTlsName);
    errors.push(new ConfigError('tls.options.default', `default TLS options defined in multiple providers: ${defaultOptionsProviders.join(', ')}`));
  }
  if (defaultStoreProviders.length > 1) {
    tls.stores.delete(defaultTlsName);
    errors.push(new ConfigError('tls.stores.default', `default TLS store defined in multiple providers: ${defaultStoreProviders.join(', ')}`));
  }
  const merged: MergedConfig = {
    http,
    tcp,
    udp,
    tls,
    invalid,
    droppedRouters,
    locate: (provider, path) => snapshots.get(provider)?.locate?.(path),
  };
  return { merged, errors };
}

export interface AggregatorOptions {
  /** `providers.providersThrottleDuration`: at most one new snapshot per provider per this many milliseconds. */
  readonly throttleMs: number;
  /** Providers whose first snapshot the first configuration waits for, so start-up applies them together. */
  readonly expectedProviders?: readonly string[];
  /** How long the first configuration waits for the expected providers at most. */
  readonly initialWaitMs?: number;
  /** Receives each new merged configuration with every fault found so far. */
  readonly apply: (merged: MergedConfig, errors: readonly ConfigError[]) => void;
}

/**
 * Keeps the latest snapshot of every provider and hands on merged configurations. Each provider is throttled on
 * its own, as in Traefik: its first snapshot is applied at once, later ones at most once per `throttleMs`,
 * always the newest; a burst from one provider never delays another's.
 */
export class Aggregator {
  readonly #options: AggregatorOptions;
  /** The snapshots merges read: each provider's last one let through its throttle. */
  readonly #snapshots = new Map<string, DecodedSnapshot>();
  /** Per provider, the newest snapshot waiting for its throttle window to end. */
  readonly #waiting = new Map<string, DecodedSnapshot>();
  readonly #windows = new Map<string, NodeJS.Timeout>();
  #isStarting: boolean;
  #startTimer: NodeJS.Timeout | undefined;

  constructor(options: AggregatorOptions) {
    this.#options = options;
    this.#isStarting = (options.expectedProviders ?? []).length > 0;
    if (this.#isStarting) {
      this.#startTimer = setTimeout(() => this.#endStart(), options.initialWaitMs ?? 5000);
      this.#startTimer.unref();
    }
  }

  #endStart(): void {
    if (!this.#isStarting) return;
    this.#isStarting = false;
    clearTimeout(this.#startTimer);
    if (this.#snapshots.size === 0) return;
    this.#applyMerged();
    for (const provider of this.#snapshots.keys()) this.#openWindow(provider);
  }

  /** Records a provider's new snapshot; it is applied now or when that provider's throttle window ends. */
  update(provider: string, snapshot: ProviderSnapshot): void {
    const decoded = decodeSnapshot(snapshot);
    if (this.#isStarting) {
      this.#snapshots.set(provider, decoded);
      if ((this.#options.expectedProviders ?? []).every((name) => this.#snapshots.has(name))) this.#endStart();
      return;
    }
    if (this.#windows.has(provider)) {
      this.#waiting.set(provider, decoded);
      return;
    }
    this.#letThrough(provider, decoded);
  }

  #letThrough(provider: string, decoded: DecodedSnapshot): void {
    this.#snapshots.set(provider, decoded);
    this.#applyMerged();
    this.#openWindow(provider);
  }

  #applyMerged(): void {
    const { merged, errors } = mergeSnapshots(this.#snapshots);
    this.#options.apply(merged, errors);
  }

  #openWindow(provider: string): void {
    if (this.#options.throttleMs <= 0) return;
    const window = setTimeout(() => {
      this.#windows.delete(provider);
      const next = this.#waiting.get(provider);
      if (next === undefined) return;
      this.#waiting.delete(provider);
      this.#letThrough(provider, next);
    }, this.#options.throttleMs);
    window.unref();
    this.#windows.set(provider, window);
  }

  close(): void {
    clearTimeout(this.#startTimer);
    for (const window of this.#windows.values()) clearTimeout(window);
    this.#windows.clear();
    this.#waiting.clear();
  }
}
