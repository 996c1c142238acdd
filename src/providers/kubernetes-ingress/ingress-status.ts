import type { NetworkingV1Api, V1Ingress, V1IngressLoadBalancerIngress, V1Node, V1Service } from '@kubernetes/client-node';
import { quote } from '../../config/errors.js';
import type { Logger } from '../../observability/logger.js';
import { kinds, type ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';
import { servedIngresses, type IngressClassFilter } from './ingress-class.js';

/** What the status of the served Ingresses says: `ingressEndpoint`, or the nodes' internal IPs. */
export interface IngressStatusOptions extends IngressClassFilter {
  readonly ingressEndpoint?: { readonly ip?: string; readonly hostname?: string; readonly publishedService?: string };
  readonly reportNodeInternalIPs: boolean;
}

/** The load balancer entries to publish, nothing to publish, or why they cannot be known. */
export type DesiredStatus =
  | { readonly kind: 'publish'; readonly ingress: V1IngressLoadBalancerIngress[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly reason: string };

function nodeAddresses(snapshot: ClusterSnapshot, type: 'InternalIP' | 'ExternalIP'): string[] {
  return snapshot.list<V1Node>(kinds.node).flatMap((node) => (node.status?.addresses ?? []).filter((address) => address.type === type).map((address) => address.address));
}

/** Copies a published Service's address as Traefik does, by Service type. */
function publishedServiceStatus(snapshot: ClusterSnapshot, published: string, options: IngressStatusOptions): DesiredStatus {
  const [namespace, name] = published.split('/') as [string, string];
  const service = snapshot.get<V1Service>(kinds.service, namespace, name);
  if (service === undefined) return { kind: 'error', reason: `published service ${quote(published)} does not exist` };
  const protocolPorts = (port: 'port' | 'nodePort') => (service.spec?.ports ?? []).map((entry) => ({ port: entry[port] ?? 0, protocol: entry.protocol ?? 'TCP' }));
  switch (service.spec?.type ?? 'ClusterIP') {
    case 'LoadBalancer': {
      const ingress = service.status?.loadBalancer?.ingress;
      // As Traefik: nothing to copy until the cloud gives the Service its address.
      if (ingress === undefined) return { kind: 'none' };
      return { kind: 'publish', ingress: ingress.map((entry) => ({ ...(entry.ip !== undefined && { ip: entry.ip }), ...(entry.hostname !== undefined && { hostname: entry.hostname }), ...(entry.ports !== undefined && { ports: entry.ports }) })) };
    }
    case 'ClusterIP':
      return { kind: 'publish', ingress: (service.spec?.externalIPs ?? []).map((ip) => ({ ip, ports: protocolPorts('port') })) };
    case 'NodePort':
      if (options.disableClusterScopeResources) return { kind: 'error', reason: 'a NodePort published service needs the nodes, which disableClusterScopeResources does not read' };
      return { kind: 'publish', ingress: nodeAddresses(snapshot, 'ExternalIP').map((ip) => ({ ip, ports: protocolPorts('nodePort') })) };
    case 'ExternalName':
      return { kind: 'publish', ingress: [{ hostname: service.spec?.externalName ?? '' }] };
    default:
      return { kind: 'error', reason: `published service ${quote(published)} has unsupported type ${quote(service.spec?.type)}` };
  }
}

/** Computes the status every served Ingress should carry, as Traefik's provider does. */
export function desiredIngressStatus(snapshot: ClusterSnapshot, options: IngressStatusOptions): DesiredStatus {
  if (options.reportNodeInternalIPs) {
    const ips = nodeAddresses(snapshot, 'InternalIP');
    if (ips.length === 0) return { kind: 'error', reason: 'no node has an internal IP address to report' };
    return { kind: 'publish', ingress: ips.map((ip) => ({ ip })) };
  }
  const endpoint = options.ingressEndpoint;
  if (endpoint === undefined) return { kind: 'none' };
  const published = endpoint.publishedService ?? '';
  if (published !== '') return publishedServiceStatus(snapshot, published, options);
  if ((endpoint.ip ?? '') === '' && (endpoint.hostname ?? '') === '') return { kind: 'error', reason: 'ingressEndpoint needs publishedService, ip or hostname' };
  return { kind: 'publish', ingress: [{ ...((endpoint.ip ?? '') !== '' && { ip: endpoint.ip }), ...((endpoint.hostname ?? '') !== '' && { hostname: endpoint.hostname }) }] };
}

/** Compares two status lists by their hostname and IP pairs, as Traefik does before writing. */
export function isSameStatus(current: readonly V1IngressLoadBalancerIngress[], desired: readonly V1IngressLoadBalancerIngress[]): boolean {
  if (current.length !== desired.length) return false;
  const known = new Set(current.map((entry) => `${entry.hostname ?? ''}${entry.ip ?? ''}`));
  return desired.every((entry) => known.has(`${entry.hostname ?? ''}${entry.ip ?? ''}`));
}

/**
 * Writes the desired status to the served Ingresses whose status differs, with the status subresource. A write
 * changes the Ingress, which brings a new snapshot where the status already matches: no loop. One write per
 * Ingress is in flight at a time; a failed write is logged and tried again on the next change.
 */
export class IngressStatusPublisher {
  readonly #api: NetworkingV1Api;
  readonly #options: IngressStatusOptions;
  readonly #log: Logger;
  readonly #writing = new Set<string>();
  #lastError = '';

  constructor(api: NetworkingV1Api, options: IngressStatusOptions, log: Logger) {
    this.#api = api;
    this.#options = options;
    this.#log = log;
  }

  /** Brings the served Ingresses of a snapshot to the desired status; returns once the writes it started end. */
  async sync(snapshot: ClusterSnapshot): Promise<void> {
    const desired = desiredIngressStatus(snapshot, this.#options);
    if (desired.kind === 'error') {
      // Said once until it changes: every change in the cluster would repeat it.
      if (desired.reason !== this.#lastError) this.#log.error(`cannot publish the Ingress status: ${desired.reason}`);
      this.#lastError = desired.reason;
      return;
    }
    this.#lastError = '';
    if (desired.kind === 'none') return;
    const writes = servedIngresses(snapshot, this.#options)
      .filter((ingress) => !isSameStatus(ingress.status?.loadBalancer?.ingress ?? [], desired.ingress))
      .map((ingress) => this.#write(ingress, desired.ingress));
    await Promise.all(writes);
  }

  async #write(ingress: V1Ingress, status: V1IngressLoadBalancerIngress[]): Promise<void> {
    const namespace = ingress.metadata?.namespace ?? '';
    const name = ingress.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    if (this.#writing.has(key)) return;
    this.#writing.add(key);
    try {
      await this.#api.replaceNamespacedIngressStatus({ name, namespace, body: { ...ingress, status: { loadBalancer: { ingress: status } } } });
      this.#log.debug('published Ingress status', { namespace, ingress: name });
    } catch (error) {
      const reason = (error as { body?: unknown; message?: string }).message ?? String(error);
      this.#log.error(`cannot update the status of Ingress ${key}: ${reason}`, { namespace, ingress: name });
    } finally {
      this.#writing.delete(key);
    }
  }
}
