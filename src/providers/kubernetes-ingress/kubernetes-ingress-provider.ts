import { NetworkingV1Api } from '@kubernetes/client-node';
import { ConfigError } from '../../config/errors.js';
import type { KubernetesIngressProviderConfig } from '../../config/static/static-config.js';
import type { Logger } from '../../observability/logger.js';
import type { Provider } from '../provider.js';
import { clusterClientConfig } from '../kubernetes/cluster-client.js';
import { kinds, type ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';
import type { WatchedKind } from '../kubernetes/cluster-watcher.js';
import { kubernetesProvider, type KubernetesProviderSpec } from '../kubernetes/kubernetes-provider.js';
import { IngressStatusPublisher } from './ingress-status.js';
import { translateIngresses } from './translate-ingresses.js';

/** The provider's name, the `@` suffix of its routers and services, as in Traefik. */
export const kubernetesIngressProviderName = 'kubernetes';
const optionsPath = 'providers.kubernetesIngress';

/**
 * The kinds the Ingress provider reads, as Traefik's client: the label selector narrows Ingresses only;
 * IngressClasses and Nodes are cluster-scoped and left out with `disableClusterScopeResources`.
 */
export function ingressWatchedKinds(options: KubernetesIngressProviderConfig): WatchedKind[] {
  const watched: WatchedKind[] = [
    { kind: kinds.ingress, labelSelector: options.labelSelector },
    { kind: kinds.service },
    { kind: kinds.endpointSlice },
    { kind: kinds.secret },
  ];
  if (!options.disableClusterScopeResources) {
    if (!options.disableIngressClassLookup) watched.push({ kind: kinds.ingressClass });
    watched.push({ kind: kinds.node });
  }
  return watched;
}

/** Faults of the options that Traefik's provider refuses at start (`Init`). */
function checkOptions(options: KubernetesIngressProviderConfig): ConfigError | undefined {
  if (options.reportNodeInternalIPs && options.ingressEndpoint !== undefined) {
    return new ConfigError(`${optionsPath}.reportNodeInternalIPs`, 'reportNodeInternalIPs and ingressEndpoint are mutually exclusive');
  }
  if (options.reportNodeInternalIPs && options.disableClusterScopeResources) {
    return new ConfigError(`${optionsPath}.reportNodeInternalIPs`, 'reportNodeInternalIPs and disableClusterScopeResources are mutually exclusive');
  }
  return undefined;
}

export interface KubernetesIngressProviderSettings {
  readonly options: KubernetesIngressProviderConfig;
  readonly defaultRuleSyntax: 'v2' | 'v3';
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly backoffMs?: KubernetesProviderSpec['backoffMs'];
}

/** Traefik's Kubernetes Ingress provider: Ingresses in, routers and services `@kubernetes` out, status written back. */
export function kubernetesIngressProvider(settings: KubernetesIngressProviderSettings): Provider {
  const { options, log } = settings;
  const fault = checkOptions(options);
  if (fault !== undefined) {
    return { name: kubernetesIngressProviderName, run: async (push) => push({ config: {}, errors: [fault] }) };
  }
  let publisher: IngressStatusPublisher | undefined;
  if (options.ingressEndpoint !== undefined || options.reportNodeInternalIPs) {
    try {
      const { config } = clusterClientConfig(options, settings.env);
      publisher = new IngressStatusPublisher(config.makeApiClient(NetworkingV1Api), options, log);
    } catch {
      // The provider itself reports the client fault when it starts.
    }
  }
  if (options.allowExternalNameServices) log.info('ExternalName service loading is enabled, please ensure that this is expected (see allowExternalNameServices option)');
  return kubernetesProvider({
    name: kubernetesIngressProviderName,
    optionsPath,
    client: options,
    namespaces: options.namespaces,
    throttleMs: options.throttleDuration,
    watched: ingressWatchedKinds(options),
    translate: (snapshot: ClusterSnapshot) => {
      void publisher?.sync(snapshot);
      return translateIngresses(snapshot, { ...options, defaultRuleSyntax: settings.defaultRuleSyntax });
    },
    log,
    ...(settings.env === undefined ? {} : { env: settings.env }),
    ...(settings.backoffMs === undefined ? {} : { backoffMs: settings.backoffMs }),
  });
}
