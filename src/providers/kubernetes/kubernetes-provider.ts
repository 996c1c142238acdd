import { ConfigError } from '../../config/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Provider, ProviderSnapshot } from '../provider.js';
import { clusterClientConfig, type ClusterClientOptions } from './cluster-client.js';
import type { ClusterSnapshot } from './cluster-snapshot.js';
import { ClusterWatcher, type WatchedKind } from './cluster-watcher.js';

/**
 * A translation's result: Traefik-shaped dynamic configuration, the faults of the objects left out, and the
 * routers those faults cost (so the API shows them disabled with the fault).
 */
export type Translation = Pick<ProviderSnapshot, 'config' | 'errors' | 'rejectedRouters'>;

export interface KubernetesProviderSpec {
  /** Provider name, the `@` suffix of its items: `kubernetes`, `kubernetescrd`. */
  readonly name: string;
  /** Static configuration path of the provider's options, for faults in them: `providers.kubernetesIngress`. */
  readonly optionsPath: string;
  readonly client: ClusterClientOptions;
  readonly namespaces: readonly string[];
  /** `throttleDuration`: at most one new configuration per this many milliseconds (0: as they come). */
  readonly throttleMs: number;
  readonly watched: readonly WatchedKind[];
  readonly translate: (snapshot: ClusterSnapshot) => Translation;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Backoff bounds for broken lists and watches (ms); tests shorten them. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
}

/**
 * A provider that watches Kubernetes objects and pushes their translation. Bursts of changes are coalesced
 * (and throttled with `throttleMs`); a translation equal to the last one pushed is not pushed again, so resyncs
 * and unrelated changes never rebuild the runtime.
 */
export function kubernetesProvider(spec: KubernetesProviderSpec): Provider {
  return {
    name: spec.name,
    async run(push, signal) {
      let client;
      try {
        client = clusterClientConfig(spec.client, spec.env);
      } catch (error) {
        push({ config: {}, errors: [new ConfigError(spec.optionsPath, (error as Error).message)] });
        return;
      }
      spec.log.info(`creating ${client.source} Kubernetes client`, { endpoint: client.config.getCurrentCluster()?.server ?? '' });

      let lastPushed: string | undefined;
      let lastPushAt = -Infinity;
      let timer: NodeJS.Timeout | undefined;
      const pushCurrent = (): void => {
        timer = undefined;
        lastPushAt = Date.now();
        const translation = spec.translate(watcher.snapshot());
        const fingerprint = JSON.stringify([translation.config, translation.errors.map((error) => error.message)]);
        if (fingerprint === lastPushed) return;
        lastPushed = fingerprint;
        spec.log.debug(`${spec.name} provider: configuration read (${translation.errors.length} errors)`);
        const snapshot: ProviderSnapshot = translation;
        push(snapshot);
      };
      const schedule = (): void => {
        if (timer !== undefined || signal.aborted) return;
        timer = setTimeout(pushCurrent, Math.max(0, lastPushAt + spec.throttleMs - Date.now()));
      };

      const watcher = new ClusterWatcher(client.config, spec.watched, {
        namespaces: spec.namespaces,
        onChange: schedule,
        onError: (message) => spec.log.error(message),
        ...(spec.backoffMs === undefined ? {} : { initialBackoffMs: spec.backoffMs.initial, maxBackoffMs: spec.backoffMs.max }),
      });
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        watcher.stop();
      }, { once: true });
      await watcher.start();
      if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
}
