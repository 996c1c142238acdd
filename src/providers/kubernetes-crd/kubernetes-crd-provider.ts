import type { Logger } from '../../observability/logger.js';
import type { KubernetesCRDProviderConfig } from '../../config/static/static-config.js';
import { kinds, traefikKinds } from '../kubernetes/cluster-snapshot.js';
import type { WatchedKind } from '../kubernetes/cluster-watcher.js';
import { kubernetesProvider } from '../kubernetes/kubernetes-provider.js';
import type { Provider } from '../provider.js';
import { providerName } from './naming.js';
import type { CrdTranslationOptions } from './options.js';
import { configMapKind, traefikGroups } from './resources.js';
import { translateCustomResources } from './translate.js';

/**
 * The kinds the CRD provider watches: Traefik's resources of both groups (narrowed by `labelSelector`, as
 * Traefik applies it to its own resources only), and the Services, EndpointSlices, Secrets, ConfigMaps and
 * (unless cluster-scope lookups are disabled) Nodes they refer to.
 */
export function watchedKinds(config: Pick<KubernetesCRDProviderConfig, 'labelSelector' | 'disableClusterScopeResources'>): WatchedKind[] {
  const labelSelector = config.labelSelector;
  return [
    ...traefikGroups.flatMap((group) => Object.values(traefikKinds(group)).map((kind) => ({ kind, labelSelector }))),
    { kind: kinds.service },
    { kind: kinds.endpointSlice },
    { kind: kinds.secret },
    { kind: configMapKind },
    ...(config.disableClusterScopeResources ? [] : [{ kind: kinds.node }]),
  ];
}

/** The Kubernetes CRD provider (`providers.kubernetesCRD`), named `kubernetescrd`. */
export function kubernetesCRDProvider(config: KubernetesCRDProviderConfig, log: Logger, env?: NodeJS.ProcessEnv): Provider {
  const options: CrdTranslationOptions = {
    ingressClass: config.ingressClass,
    allowCrossNamespace: config.allowCrossNamespace,
    crossProviderNamespaces: config.crossProviderNamespaces,
    allowExternalNameServices: config.allowExternalNameServices,
    allowEmptyServices: config.allowEmptyServices,
    nativeLBByDefault: config.nativeLBByDefault,
    disableClusterScopeResources: config.disableClusterScopeResources,
  };
  const providerLog = log.with({ providerName });
  if (config.allowCrossNamespace) providerLog.warn('cross-namespace references between IngressRoutes and resources are enabled (allowCrossNamespace)');
  return kubernetesProvider({
    name: providerName,
    optionsPath: 'providers.kubernetesCRD',
    client: config,
    namespaces: config.namespaces,
    throttleMs: config.throttleDuration,
    watched: watchedKinds(config),
    translate: (snapshot) => translateCustomResources(snapshot, options),
    log: providerLog,
    ...(env === undefined ? {} : { env }),
  });
}
