import { KubernetesObjectApi, makeInformer, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { kindKey, snapshotFromGroups, type ClusterSnapshot, type ResourceKind } from './cluster-snapshot.js';

/** A kind to watch, with the label selector that narrows it (Traefik applies the provider's selector to some kinds only). */
export interface WatchedKind {
  readonly kind: ResourceKind;
  readonly labelSelector?: string;
}

export interface ClusterWatcherOptions {
  /** Namespaces to watch; empty for every namespace. Cluster-scoped kinds are watched once. */
  readonly namespaces: readonly string[];
  /** Called on every change after the first complete list of every kind, and on each failure to reach the API. */
  readonly onChange: () => void;
  readonly onError: (message: string) => void;
  /** First and largest wait before a failed list or watch is tried again (ms); doubles in between. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface Watch {
  readonly kind: ResourceKind;
  readonly namespace: string | undefined;
  readonly informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  synced: boolean;
  backoffMs: number;
  retry: NodeJS.Timeout | undefined;
}

function collectionPath(kind: ResourceKind, namespace: string | undefined): string {
  const base = kind.group === '' ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
  return namespace === undefined ? `${base}/${kind.plural}` : `${base}/namespaces/${namespace}/${kind.plural}`;
}

/**
 * Keeps a cache of the watched kinds with the official client's informers (list, then watch from the listed
 * resourceVersion; a 410 Gone relists). A broken list or watch is retried with exponential backoff, and the
 * cache keeps its last content meanwhile, so a provider never loses its configuration to an API outage.
 */
export class ClusterWatcher {
  readonly #watches: Watch[] = [];
  readonly #options: ClusterWatcherOptions;
  #stopped = false;

  constructor(config: KubeConfig, watched: readonly WatchedKind[], options: ClusterWatcherOptions) {
    this.#options = options;
    const objects = KubernetesObjectApi.makeApiClient(config);
    const namespaces: readonly (string | undefined)[] = options.namespaces.length === 0 ? [undefined] : options.namespaces;
    for (const { kind, labelSelector } of watched) {
      for (const namespace of kind.namespaced ? namespaces : [undefined]) {
        const apiVersion = kind.group === '' ? kind.version : `${kind.group}/${kind.version}`;
        const selector = labelSelector === undefined || labelSelector === '' ? undefined : labelSelector;
        let watch: Watch;
        const list = async () => {
          const result = await objects.list(apiVersion, kind.kind, namespace, undefined, undefined, undefined, undefined, selector);
          watch.synced = true;
          watch.backoffMs = this.#options.initialBackoffMs ?? 500;
          return result;
        };
        const informer = makeInformer(config, collectionPath(kind, namespace), list, selector);
        watch = { kind, namespace, informer, synced: false, backoffMs: options.initialBackoffMs ?? 500, retry: undefined };
        this.#watches.push(watch);
      }
    }
  }

  /** Whether every kind has been listed once: before that a snapshot would be partial. */
  get isSynced(): boolean {
    return this.#watches.every((watch) => watch.synced);
  }

  /** Starts every informer; resolves once each has tried its first list (successfully or not). */
  async start(): Promise<void> {
    await Promise.all(this.#watches.map((watch) => {
      const changed = (): void => {
        if (this.isSynced) this.#options.onChange();
      };
      watch.informer.on('add', changed);
      watch.informer.on('update', changed);
      watch.informer.on('delete', changed);
      watch.informer.on('error', (error: unknown) => this.#retry(watch, error));
      return this.#startOne(watch);
    }));
  }

  async #startOne(watch: Watch): Promise<void> {
    const wasSynced = this.isSynced;
    try {
      await watch.informer.start();
    } catch (error) {
      this.#retry(watch, error);
      return;
    }
    // The first complete list of the last kind makes the cache whole: that is the first configuration.
    if (!wasSynced && this.isSynced) this.#options.onChange();
  }

  #retry(watch: Watch, error: unknown): void {
    if (this.#stopped || watch.retry !== undefined) return;
    const where = `${collectionPath(watch.kind, watch.namespace)}`;
    const reason = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
    this.#options.onError(`cannot watch ${where}: ${reason}; retrying in ${watch.backoffMs} ms`);
    watch.retry = setTimeout(() => {
      watch.retry = undefined;
      void this.#startOne(watch);
    }, watch.backoffMs);
    watch.backoffMs = Math.min(watch.backoffMs * 2, this.#options.maxBackoffMs ?? 30_000);
  }

  /** The current content of the cache: every object of every watched kind. */
  snapshot(): ClusterSnapshot {
    const groups = new Map<string, KubernetesObject[]>();
    for (const watch of this.#watches) {
      const key = kindKey(watch.kind);
      groups.set(key, [...(groups.get(key) ?? []), ...watch.informer.list()]);
    }
    return snapshotFromGroups(groups);
  }

  stop(): void {
    this.#stopped = true;
    for (const watch of this.#watches) {
      clearTimeout(watch.retry);
      void watch.informer.stop();
    }
  }
}
