import { decodeDynamicConfig, type DynamicConfig } from '../config/dynamic/dynamic-config.js';
import { ConfigError } from '../config/errors.js';
import type { MergedConfig, MergedItem } from '../runtime/merged-config.js';
import type { ProviderSnapshot } from './provider.js';

/** Sections of the dynamic configuration that later stages do not read yet. */
const unsupportedSections = ['tcp', 'tls'] as const;

export interface DecodedSnapshot {
  readonly config: DynamicConfig;
  /** Names declared in the snapshot but dropped by decoding, per `http` section, and `udp` services. */
  readonly dropped: Readonly<Record<'services' | 'middlewares' | 'serversTransports' | 'udpServices', readonly string[]>>;
  readonly errors: readonly ConfigError[];
  readonly locate: ((path: string) => string | undefined) | undefined;
}

function locateError(error: ConfigError, locate: DecodedSnapshot['locate']): ConfigError {
  const location = locate?.(error.path);
  return location === undefined ? error : new ConfigError(error.path, `${error.reason} (${location})`);
}

/** Decodes a provider's snapshot, locating each fault where the provider wrote it. */
export function decodeSnapshot(snapshot: ProviderSnapshot): DecodedSnapshot {
  const { config, errors } = decodeDynamicConfig(snapshot.config);
  const all = [...snapshot.errors, ...errors.map((error) => locateError(error, snapshot.locate))];
  for (const section of unsupportedSections) {
    if (config[section] !== undefined && config[section] !== null) {
      all.push(locateError(new ConfigError(section, `${section.toUpperCase()} configuration is not supported yet; ignored`), snapshot.locate));
    }
  }
  return { config, errors: all, locate: snapshot.locate, dropped: droppedNames(snapshot.config, config) };
}

function sectionOf(value: unknown, key: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const entry = Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
  return entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
}

/** Names a provider declared that decoding left out, so references to them read "invalid", not "missing". */
function droppedNames(raw: unknown, decoded: DynamicConfig): DecodedSnapshot['dropped'] {
  const rawHttp = sectionOf(raw, 'http');
  const missing = (section: 'services' | 'middlewares' | 'serversTransports'): string[] =>
    Object.keys(sectionOf(rawHttp, section)).filter((name) => decoded.http?.[section]?.[name] === undefined);
  const rawUdpServices = sectionOf(sectionOf(raw, 'udp'), 'services');
  const udpServices = Object.keys(rawUdpServices).filter((name) => decoded.udp?.services?.[name] === undefined);
  return { services: missing('services'), middlewares: missing('middlewares'), serversTransports: missing('serversTransports'), udpServices };
}

/** Merges every provider's latest snapshot into one configuration with qualified names (`api@file`). */
export function mergeSnapshots(snapshots: ReadonlyMap<string, DecodedSnapshot>): { merged: MergedConfig; errors: ConfigError[] } {
  const routers = new Map<string, MergedItem<never>>();
  const services = new Map<string, MergedItem<never>>();
  const middlewares = new Map<string, MergedItem<never>>();
  const serversTransports = new Map<string, MergedItem<never>>();
  const udpRouters = new Map<string, MergedItem<never>>();
  const udpServices = new Map<string, MergedItem<never>>();
  const errors: ConfigError[] = [];
  const invalid = { services: new Set<string>(), middlewares: new Set<string>(), serversTransports: new Set<string>(), udpServices: new Set<string>() };
  const providers = [...snapshots.keys()].sort();
  for (const provider of providers) {
    const snapshot = snapshots.get(provider)!;
    errors.push(...snapshot.errors);
    for (const section of ['services', 'middlewares', 'serversTransports', 'udpServices'] as const) {
      for (const name of snapshot.dropped[section]) invalid[section].add(`${name}@${provider}`);
    }
    const { http, udp } = snapshot.config;
    const sections = [
      [routers, http?.routers],
      [services, http?.services],
      [middlewares, http?.middlewares],
      [serversTransports, http?.serversTransports],
      [udpRouters, udp?.routers],
      [udpServices, udp?.services],
    ] as const;
    for (const [target, section] of sections) {
      for (const [name, config] of Object.entries(section ?? {})) {
        target.set(`${name}@${provider}`, { provider, name, config: config as never });
      }
    }
  }
  const merged: MergedConfig = {
    http: { routers, services, middlewares, serversTransports },
    udp: { routers: udpRouters, services: udpServices },
    invalid,
    locate: (provider, path) => snapshots.get(provider)?.locate?.(path),
  };
  return { merged, errors };
}

export interface AggregatorOptions {
  /** `providers.providersThrottleDuration`: at most one new configuration per this many milliseconds. */
  readonly throttleMs: number;
  /** Providers whose first snapshot the first configuration waits for, so start-up applies them together. */
  readonly expectedProviders?: readonly string[];
  /** How long the first configuration waits for the expected providers at most. */
  readonly initialWaitMs?: number;
  /** Receives each new merged configuration with every fault found so far. */
  readonly apply: (merged: MergedConfig, errors: readonly ConfigError[]) => void;
}

/**
 * Keeps the latest snapshot of every provider and hands on merged configurations. A burst of pushes is
 * throttled: the first is applied at once, later ones at most once per `throttleMs`, always the newest.
 */
export class Aggregator {
  readonly #options: AggregatorOptions;
  readonly #snapshots = new Map<string, DecodedSnapshot>();
  #window: NodeJS.Timeout | undefined;
  #isPending = false;
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
    if (this.#snapshots.size > 0) this.#applyNow();
  }

  /** Records a provider's new snapshot; the merged result is applied now or when the throttle window ends. */
  update(provider: string, snapshot: ProviderSnapshot): void {
    this.#snapshots.set(provider, decodeSnapshot(snapshot));
    if (this.#isStarting) {
      if ((this.#options.expectedProviders ?? []).every((name) => this.#snapshots.has(name))) this.#endStart();
      return;
    }
    if (this.#window !== undefined) {
      this.#isPending = true;
      return;
    }
    this.#applyNow();
  }

  #applyNow(): void {
    this.#isPending = false;
    const { merged, errors } = mergeSnapshots(this.#snapshots);
    this.#options.apply(merged, errors);
    if (this.#options.throttleMs <= 0) return;
    this.#window = setTimeout(() => {
      this.#window = undefined;
      if (this.#isPending) this.#applyNow();
    }, this.#options.throttleMs);
    this.#window.unref();
  }

  close(): void {
    clearTimeout(this.#startTimer);
    clearTimeout(this.#window);
    this.#window = undefined;
  }
}

