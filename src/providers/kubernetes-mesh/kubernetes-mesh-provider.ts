import type { KubernetesMeshProviderConfig } from '../../config/static/static-config.js';
import type { Logger } from '../../observability/logger.js';
import { kinds } from '../kubernetes/cluster-snapshot.js';
import type { WatchedKind } from '../kubernetes/cluster-watcher.js';
import { kubernetesProvider, type KubernetesProviderSpec } from '../kubernetes/kubernetes-provider.js';
import type { Provider } from '../provider.js';
import { PortTable } from './port-table.js';
import { firstMeshPort, translateMeshServices, type MeshPortTables } from './translate-services.js';

/** The provider's name, the `@` suffix of its routers, services and middlewares. */
export const kubernetesMeshProviderName = 'kubernetesmesh';

/** The kinds the mesh provider reads: Services and the EndpointSlices that give their ready endpoints. */
export const meshWatchedKinds: readonly WatchedKind[] = [{ kind: kinds.service }, { kind: kinds.endpointSlice }];

export interface KubernetesMeshProviderSettings {
  readonly options: KubernetesMeshProviderConfig;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly backoffMs?: KubernetesProviderSpec['backoffMs'];
}

/**
 * What Traefik Mesh's controller does for its proxies, done inside Junction: the Services of the watched
 * namespaces and their EndpointSlices in, mesh routers, services and middlewares `@kubernetesmesh` out.
 */
export function kubernetesMeshProvider(settings: KubernetesMeshProviderSettings): Provider {
  const { options } = settings;
  // Kept for the provider's life: a TCP or UDP Service port stays on its proxy port while it exists.
  const tables: MeshPortTables = {
    tcp: new PortTable(firstMeshPort.tcp, options.limitTCPPort),
    udp: new PortTable(firstMeshPort.udp, options.limitUDPPort),
  };
  const translationOptions = { defaultMode: options.defaultMode, ignoreNamespaces: options.ignoreNamespaces, limitHTTPPort: options.limitHTTPPort };
  return kubernetesProvider({
    name: kubernetesMeshProviderName,
    optionsPath: 'providers.kubernetesMesh',
    client: options,
    namespaces: options.watchNamespaces,
    throttleMs: options.throttleDuration,
    watched: meshWatchedKinds,
    translate: (snapshot) => translateMeshServices(snapshot, translationOptions, tables),
    log: settings.log,
    ...(settings.env === undefined ? {} : { env: settings.env }),
    ...(settings.backoffMs === undefined ? {} : { backoffMs: settings.backoffMs }),
  });
}
