import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { ConfigError, quote } from '../../config/errors.js';
import { kinds, type ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';
import type { Translation } from '../kubernetes/kubernetes-provider.js';
import type { DroppedRouter } from '../provider.js';
import { endpointAddresses, joinHostPort, type EndpointConditions } from '../kubernetes/services.js';
import { readMeshSettings, type MeshScheme, type MeshServiceSettings, type TrafficType } from './annotations.js';
import { servicePortKey, type PortTable } from './port-table.js';

/** The `providers.kubernetesMesh` options a translation reads. */
export interface MeshTranslationOptions {
  readonly defaultMode: TrafficType;
  readonly ignoreNamespaces: readonly string[];
  readonly limitHTTPPort: number;
}

/** The port tables of TCP and UDP Services, kept by the provider across translations. */
export interface MeshPortTables {
  readonly tcp: PortTable;
  readonly udp: PortTable;
}

/** First proxy port of each traffic type, as Traefik Mesh's controller fixes them. */
export const firstMeshPort = { http: 5000, tcp: 10000, udp: 15000 } as const;

/** Priority of a Service's own HTTP router, before Traefik Mesh adds the rule's operator count. */
const servicePriority = 1;

type Items = Record<string, unknown>;

interface MeshConfig {
  readonly http: { routers: Items; services: Items; middlewares: Items };
  readonly tcp: { routers: Items; services: Items };
  readonly udp: { routers: Items; services: Items };
}

/**
 * Whether Traefik Mesh reads a Service: in the watched namespaces (the watcher's job), not in an ignored one
 * nor `kube-system`, not `default/kubernetes`, not one of the mesh's own (`app: maesh` or `jaeger`), and not
 * of type ExternalName.
 */
function isMeshService(service: V1Service, options: MeshTranslationOptions): boolean {
  const namespace = service.metadata?.namespace ?? '';
  if (namespace === 'kube-system' || options.ignoreNamespaces.includes(namespace)) return false;
  if (namespace === 'default' && service.metadata?.name === 'kubernetes') return false;
  const app = service.metadata?.labels?.['app'];
  if (app === 'maesh' || app === 'jaeger') return false;
  return service.spec?.type !== 'ExternalName';
}

/** Whether a Service port can carry a traffic type: UDP ports UDP traffic, TCP ports (the default) the rest. */
function canCarry(port: V1ServicePort, trafficType: TrafficType): boolean {
  const protocol = port.protocol ?? 'TCP';
  return trafficType === 'udp' ? protocol === 'UDP' : protocol === 'TCP';
}

/** Traefik Mesh reads an Endpoints object's addresses: the ready endpoints only. */
const isReady = (conditions: EndpointConditions): boolean => conditions.ready !== false;

/**
 * The rule of a Service's HTTP routers, as Traefik Mesh writes it: its mesh names, current and legacy, and its
 * ClusterIP. Differs from Traefik Mesh for a Service without a ClusterIP (headless): the ClusterIP alternative,
 * which would be `Host(\`None\`)` there, is left out.
 */
function httpRule(service: V1Service, name: string, namespace: string): string {
  const hosts = [`${name}.${namespace}.traefik.mesh`, `${name}.${namespace}.maesh`];
  const clusterIp = service.spec?.clusterIP ?? '';
  if (clusterIp !== '' && clusterIp !== 'None') hosts.push(clusterIp);
  return hosts.map((host) => `Host(\`${host}\`)`).join(' || ');
}

/** Traefik Mesh's router priority: the kind of router, in thousands, plus the count of `&&` and `||` of its rule. */
function rulePriority(rule: string, priority: number): number {
  return priority * 1000 + (rule.match(/&&|\|\|/g)?.length ?? 0);
}

/** The name Traefik Mesh gives the router and the service of a Service port: `<namespace>-<name>-<port>`. */
function routerKey(service: V1Service, port: V1ServicePort): string {
  return `${service.metadata?.namespace ?? ''}-${service.metadata?.name ?? ''}-${port.port}`;
}

/** Translates mesh Services one at a time, collecting what they give and the faults that leave parts out. */
class MeshTranslator {
  readonly config: MeshConfig = { http: { routers: {}, services: {}, middlewares: {} }, tcp: { routers: {}, services: {} }, udp: { routers: {}, services: {} } };
  readonly errors: ConfigError[] = [];
  /** Routers left out for a fault of their Service, so the API lists them disabled with it. */
  readonly rejectedRouters: DroppedRouter[] = [];

  constructor(readonly snapshot: ClusterSnapshot, readonly options: MeshTranslationOptions) {}

  /** Records a fault of a Service and the routers it costs: those of `ports` (`<namespace>-<name>-<port>`). */
  fault(service: V1Service, reason: string, routers?: { readonly trafficType: TrafficType; readonly ports: readonly V1ServicePort[] }): void {
    const error = new ConfigError(`Service ${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`, reason);
    this.errors.push(error);
    if (routers === undefined) return;
    for (const port of routers.ports) this.rejectedRouters.push({ protocol: routers.trafficType, name: routerKey(service, port), errors: [error.message] });
  }

  addresses(service: V1Service, port: V1ServicePort): Array<{ readonly address: string; readonly port: number }> {
    return endpointAddresses(this.snapshot, service.metadata?.namespace ?? '', service.metadata?.name ?? '', port.name ?? '', isReady);
  }

  http(service: V1Service, settings: MeshServiceSettings): void {
    const namespace = service.metadata?.namespace ?? '';
    const name = service.metadata?.name ?? '';
    const middlewares = settings.middlewares.map((middleware) => {
      const key = `${namespace}-${name}-${middleware.suffix}`;
      this.config.http.middlewares[key] = middleware.config;
      return key;
    });
    const rule = httpRule(service, name, namespace);
    (service.spec?.ports ?? []).forEach((port, index) => {
      // As Traefik Mesh: the n-th port of a Service is served on the n-th HTTP port of the proxy.
      if (index >= this.options.limitHTTPPort) {
        this.fault(service, `spec.ports[${index}]: no HTTP entryPoint left for port ${port.port} (limitHTTPPort is ${this.options.limitHTTPPort})`, { trafficType: 'http', ports: [port] });
        return;
      }
      if (!canCarry(port, 'http')) {
        this.fault(service, `spec.ports[${index}]: protocol ${quote(port.protocol ?? '')} cannot carry http traffic`);
        return;
      }
      const key = routerKey(service, port);
      this.config.http.services[key] = { loadBalancer: { servers: this.servers(service, port, settings.scheme), passHostHeader: true } };
      this.config.http.routers[key] = {
        entryPoints: [`http-${firstMeshPort.http + index}`],
        ...(middlewares.length === 0 ? {} : { middlewares }),
        service: key,
        rule,
        priority: rulePriority(rule, servicePriority),
      };
    });
  }

  servers(service: V1Service, port: V1ServicePort, scheme: MeshScheme): Array<{ url: string }> {
    return this.addresses(service, port).map(({ address, port: targetPort }) => ({ url: `${scheme}://${joinHostPort(address, targetPort)}` }));
  }

  /** TCP and UDP Services: one router per port on the entryPoint of the proxy port the table gave it. */
  layer4(service: V1Service, trafficType: 'tcp' | 'udp', mapped: ReadonlyMap<string, number>, table: PortTable): void {
    const namespace = service.metadata?.namespace ?? '';
    const name = service.metadata?.name ?? '';
    (service.spec?.ports ?? []).forEach((port, index) => {
      if (!canCarry(port, trafficType)) {
        this.fault(service, `spec.ports[${index}]: protocol ${quote(port.protocol ?? 'TCP')} cannot carry ${trafficType} traffic`);
        return;
      }
      const proxyPort = mapped.get(servicePortKey(namespace, name, port.port));
      if (proxyPort === undefined) {
        const limit = trafficType === 'tcp' ? 'limitTCPPort' : 'limitUDPPort';
        this.fault(service, `spec.ports[${index}]: no ${trafficType.toUpperCase()} port left in ${table.min}-${table.max} for port ${port.port} (${limit} is ${table.limit})`, { trafficType, ports: [port] });
        return;
      }
      const key = routerKey(service, port);
      const servers = this.addresses(service, port).map(({ address, port: targetPort }) => ({ address: joinHostPort(address, targetPort) }));
      const section = this.config[trafficType];
      section.services[key] = { loadBalancer: { servers } };
      section.routers[key] = trafficType === 'tcp'
        ? { entryPoints: [`tcp-${proxyPort}`], service: key, rule: 'HostSNI(`*`)' }
        : { entryPoints: [`udp-${proxyPort}`], service: key };
    });
  }

  result(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [name, section] of Object.entries(this.config)) {
      const kept = Object.fromEntries(Object.entries(section as Record<string, Items>).filter(([, items]) => Object.keys(items).length > 0));
      if (Object.keys(kept).length > 0) result[name] = kept;
    }
    return result;
  }
}

/**
 * Translates the cluster's Services into the dynamic configuration Traefik Mesh's controller gives its proxies:
 * per port of an HTTP Service a router `<namespace>-<name>-<port>` on entryPoint `http-<5000 + port index>`
 * matching the Service's mesh names and ClusterIP, with the middlewares of its annotations; per port of a TCP or
 * UDP Service a router on `tcp-<port>` / `udp-<port>` from the port tables; servers from the ready endpoints.
 * A Service whose annotations are wrong gets nothing, and the fault names it and the annotation.
 */
export function translateMeshServices(snapshot: ClusterSnapshot, options: MeshTranslationOptions, tables: MeshPortTables): Translation {
  const translator = new MeshTranslator(snapshot, options);
  const services: Array<{ service: V1Service; settings: MeshServiceSettings }> = [];
  for (const service of snapshot.list<V1Service>(kinds.service)) {
    if (!isMeshService(service, options)) continue;
    const settings = readMeshSettings(service.metadata?.annotations ?? {}, options.defaultMode);
    if (!settings.ok) {
      // Once the traffic type is known, so are the routers the fault costs (of the ports that could carry it).
      const trafficType = settings.trafficType;
      const ports = trafficType === undefined ? [] : (service.spec?.ports ?? []).filter((port) => canCarry(port, trafficType));
      translator.fault(service, `annotation ${quote(settings.annotation)}: ${settings.reason}`, trafficType === undefined ? undefined : { trafficType, ports });
      continue;
    }
    services.push({ service, settings: settings.value });
  }

  // New ports are given in namespace and name order, then as each Service lists them: the same whatever the events.
  const keysOf = (trafficType: 'tcp' | 'udp'): string[] => services
    .filter(({ settings }) => settings.trafficType === trafficType)
    .flatMap(({ service }) => (service.spec?.ports ?? [])
      .filter((port) => canCarry(port, trafficType))
      .map((port) => servicePortKey(service.metadata?.namespace ?? '', service.metadata?.name ?? '', port.port)));
  const mapped = { tcp: tables.tcp.update(keysOf('tcp')), udp: tables.udp.update(keysOf('udp')) };

  for (const { service, settings } of services) {
    if (settings.trafficType === 'http') translator.http(service, settings);
    else translator.layer4(service, settings.trafficType, mapped[settings.trafficType], tables[settings.trafficType]);
  }
  return { config: translator.result(), errors: translator.errors, rejectedRouters: translator.rejectedRouters };
}
