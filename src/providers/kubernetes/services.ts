import type { V1EndpointSlice, V1Node, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { quote } from '../../config/errors.js';
import { kinds, type ClusterSnapshot } from './cluster-snapshot.js';

/** A backend's reference to a port of a Kubernetes Service: by number or by name, as an Ingress writes it. */
export type ServicePortReference = { readonly number: number } | { readonly name: string };

/** How a Service's servers are found, from the provider's options and the Service's annotations. */
export interface ServerResolution {
  readonly allowExternalNameServices: boolean;
  /** Use the Service's ClusterIP (Kubernetes balances) instead of its endpoints. */
  readonly nativeLB: boolean;
  /** Use the internal IPs of the nodes and the port's nodePort (NodePort Services only). */
  readonly nodePortLB: boolean;
  /** Nodes cannot be read (`disableClusterScopeResources`). */
  readonly disableClusterScopeResources: boolean;
  /** Scheme forced by an annotation (`service.serversscheme`); otherwise derived from the port. */
  readonly serversScheme?: string;
}

/** The servers behind a Service port, or why there are none to give. */
export type ServiceServers =
  | { readonly ok: true; readonly servers: ReadonlyArray<{ readonly url: string }>; readonly service: V1Service }
  | { readonly ok: false; readonly reason: string };

/** Formats a port reference as Traefik names it in service names: the port name, else its number. */
export function portKey(port: ServicePortReference): string {
  return 'name' in port ? port.name : String(port.number);
}

/** Joins a host and a port, bracketing IPv6 addresses as Go's `net.JoinHostPort`. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Picks the scheme Traefik uses for a Service port: https for port 443 or a port name starting with https. */
export function schemeOf(port: V1ServicePort, portName: string, forced: string | undefined): string {
  if (forced !== undefined && forced !== '') return forced;
  return port.port === 443 || portName.startsWith('https') ? 'https' : 'http';
}

function findPort(service: V1Service, reference: ServicePortReference): V1ServicePort | undefined {
  return (service.spec?.ports ?? []).find((port) =>
    'number' in reference ? port.port === reference.number : port.name !== undefined && port.name !== '' && port.name === reference.name,
  );
}

function nodeInternalIps(snapshot: ClusterSnapshot): string[] {
  return snapshot.list<V1Node>(kinds.node).flatMap((node) =>
    (node.status?.addresses ?? []).filter((address) => address.type === 'InternalIP').map((address) => address.address));
}

/**
 * Resolves a Service port to the servers Traefik's Kubernetes providers would generate: ExternalName as one
 * server (when allowed), the ClusterIP with nativeLB, the nodes with nodePortLB, else the serving addresses of
 * the Service's EndpointSlices on the slice port named as the Service port. An empty list is a success: the
 * caller decides with `allowEmptyServices`.
 */
export function resolveServiceServers(snapshot: ClusterSnapshot, namespace: string, name: string, reference: ServicePortReference, resolution: ServerResolution): ServiceServers {
  const service = snapshot.get<V1Service>(kinds.service, namespace, name);
  if (service === undefined) return { ok: false, reason: `service ${quote(`${namespace}/${name}`)} does not exist` };
  const type = service.spec?.type ?? 'ClusterIP';
  if (type === 'ExternalName' && !resolution.allowExternalNameServices) {
    return { ok: false, reason: `service ${quote(`${namespace}/${name}`)} is of type ExternalName, which allowExternalNameServices does not allow` };
  }
  const port = findPort(service, reference);
  if (port === undefined) return { ok: false, reason: `service ${quote(`${namespace}/${name}`)} has no port ${quote(portKey(reference))}` };
  const portName = port.name ?? '';
  const scheme = schemeOf(port, portName, resolution.serversScheme);
  const ok = (servers: Array<{ url: string }>): ServiceServers => ({ ok: true, servers, service });

  if (resolution.nodePortLB && type === 'NodePort') {
    if (resolution.disableClusterScopeResources) return { ok: false, reason: 'nodePortLB needs the nodes, which disableClusterScopeResources does not read' };
    const addresses = nodeInternalIps(snapshot);
    if (addresses.length === 0 || port.nodePort === undefined) return { ok: false, reason: `no node internal IP or nodePort for service ${quote(`${namespace}/${name}`)}` };
    return ok(addresses.map((address) => ({ url: `${scheme}://${joinHostPort(address, port.nodePort!)}` })));
  }
  if (type === 'ExternalName') return ok([{ url: `${scheme}://${joinHostPort(service.spec?.externalName ?? '', port.port)}` }]);
  if (resolution.nativeLB) {
    const clusterIp = service.spec?.clusterIP ?? '';
    if (clusterIp === 'None') return { ok: false, reason: `service ${quote(`${namespace}/${name}`)} is headless: nativeLB needs a clusterIP` };
    if (clusterIp === '') return { ok: false, reason: `service ${quote(`${namespace}/${name}`)} has no clusterIP for nativeLB` };
    return ok([{ url: `${scheme}://${joinHostPort(clusterIp, port.port)}` }]);
  }
  return ok(endpointServers(snapshot, namespace, name, portName, scheme));
}

/** The conditions of an EndpointSlice endpoint, as the API gives them (a missing condition means true). */
export interface EndpointConditions {
  readonly ready?: boolean | null;
  readonly serving?: boolean | null;
  readonly terminating?: boolean | null;
}

/**
 * Lists the addresses of a Service's EndpointSlices that `isUsable` keeps, once each, with the port of the slice
 * port named as the Service port ("" for a single unnamed port), as Traefik finds it.
 */
export function endpointAddresses(
  snapshot: ClusterSnapshot,
  namespace: string,
  serviceName: string,
  portName: string,
  isUsable: (conditions: EndpointConditions) => boolean,
): Array<{ readonly address: string; readonly port: number }> {
  const seen = new Set<string>();
  const found: Array<{ address: string; port: number }> = [];
  for (const slice of snapshot.list<V1EndpointSlice>(kinds.endpointSlice)) {
    if (slice.metadata?.namespace !== namespace || slice.metadata.labels?.['kubernetes.io/service-name'] !== serviceName) continue;
    const port = (slice.ports ?? []).find((candidate) => candidate.name !== undefined && candidate.name !== null && candidate.name === portName)?.port;
    if (port === undefined || port === null || port === 0) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (!isUsable(endpoint.conditions ?? {})) continue;
      for (const address of endpoint.addresses ?? []) {
        if (seen.has(address)) continue;
        seen.add(address);
        found.push({ address, port });
      }
    }
  }
  return found;
}

/**
 * Lists the serving, non-terminating addresses of a Service's EndpointSlices, once each. Differs from Traefik,
 * which keeps terminating endpoints as fenced servers (sticky sessions only): Junction leaves them out.
 */
function endpointServers(snapshot: ClusterSnapshot, namespace: string, serviceName: string, portName: string, scheme: string): Array<{ url: string }> {
  const isServing = (conditions: EndpointConditions): boolean => conditions.serving !== false && conditions.terminating !== true;
  return endpointAddresses(snapshot, namespace, serviceName, portName, isServing).map(({ address, port }) => ({ url: `${scheme}://${joinHostPort(address, port)}` }));
}
