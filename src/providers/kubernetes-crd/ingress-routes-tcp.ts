import { resolveServiceServers } from '../kubernetes/services.js';
import { makeId, routeKey } from './naming.js';
import { listTraefik } from './resources.js';
import { ingressClassOf, namespaceOr, resolveReference, servesClass } from './references.js';
import { serversTransportKey, type ObjectReference } from './load-balancer.js';
import { routerTls, type RouteTls } from './ingress-routes.js';
import { addSecretCertificate } from './tls.js';
import { defined, failure, success, type Outcome, type TranslationContext } from './translation-context.js';

/** A TCP or UDP route's reference to a Kubernetes Service port. */
interface PortServiceSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly port: number | string;
  readonly weight?: number;
  readonly nativeLB?: boolean;
  readonly nodePortLB?: boolean;
  readonly proxyProtocol?: { readonly version?: number };
  readonly serversTransport?: string;
  readonly terminationDelay?: number;
  readonly tls?: boolean;
}

interface RouteSpec<R> {
  readonly ingressClassName?: string;
  readonly entryPoints?: readonly string[];
  readonly routes?: readonly R[];
  readonly tls?: RouteTls;
}

interface TcpRoute {
  readonly match?: string;
  readonly priority?: number;
  readonly syntax?: string;
  readonly middlewares?: readonly ObjectReference[];
  readonly services?: readonly PortServiceSpec[];
}

/** The `host:port` addresses of a Service port for TCP and UDP (no scheme), with `tls` for a TCP Service that asks. */
function addresses(context: TranslationContext, parentNamespace: string, spec: PortServiceSpec, protocol: 'tcp' | 'udp'): Outcome<Array<{ address: string; tls?: true }>> {
  const namespace = namespaceOr(spec.namespace, parentNamespace);
  if (!context.options.allowCrossNamespace && namespace !== parentNamespace) {
    return failure('namespace', `${protocol} service ${namespace}/${spec.name} is not in the parent resource namespace ${parentNamespace} (allowCrossNamespace is false)`);
  }
  const port = typeof spec.port === 'number' || /^\d+$/.test(String(spec.port)) ? { number: Number(spec.port) } : { name: String(spec.port) };
  const resolved = resolveServiceServers(context.snapshot, namespace, spec.name, port, {
    allowExternalNameServices: context.options.allowExternalNameServices,
    nativeLB: spec.nativeLB ?? context.options.nativeLBByDefault,
    nodePortLB: spec.nodePortLB ?? false,
    disableClusterScopeResources: context.options.disableClusterScopeResources,
  });
  if (!resolved.ok) return failure('', resolved.reason);
  if (resolved.servers.length === 0 && !context.options.allowEmptyServices) return failure('', `no servers found for ${namespace}/${spec.name}`);
  // As Traefik: a Service marked `tls` is dialled with TLS, on every server it resolves to.
  const tls: { tls?: true } = protocol === 'tcp' && spec.tls === true ? { tls: true } : {};
  return success(resolved.servers.map((server) => ({ address: server.url.replace(/^[a-z0-9]+:\/\//, ''), ...tls })));
}

/** The services of a TCP or UDP route: one load balancer, or a weighted service over one per Service port. */
function routeServices(
  serviceName: string,
  services: readonly PortServiceSpec[],
  loadBalancer: (spec: PortServiceSpec) => Outcome<Record<string, unknown>>,
  report: (field: string, reason: string) => void,
  field: string,
): Record<string, unknown> {
  const generated: Record<string, unknown> = {};
  for (const [index, spec] of services.entries()) {
    const built = loadBalancer(spec);
    if (!built.ok) {
      // As Traefik: a Service that cannot be resolved is reported and skipped; the route keeps its name.
      report(built.field === '' ? `${field}[${index}]` : `${field}[${index}].${built.field}`, built.reason);
      continue;
    }
    if (services.length === 1) {
      generated[serviceName] = { loadBalancer: built.value };
      break;
    }
    const key = `${serviceName}-${spec.name}-${spec.port}`;
    generated[key] = { loadBalancer: built.value };
    const weighted = (generated[serviceName] ??= { weighted: { services: [] } }) as { weighted: { services: unknown[] } };
    weighted.weighted.services.push({ name: key, weight: spec.weight ?? 1 });
  }
  return generated;
}

/** Translates IngressRouteTCPs: one router per route named `<namespace>-<name>-<hash of match>`. */
export function translateIngressRoutesTcp(context: TranslationContext): void {
  for (const object of listTraefik<RouteSpec<TcpRoute>>(context.snapshot, 'ingressRouteTCP')) {
    const spec = object.spec ?? {};
    if (!servesClass(context.options.ingressClass, ingressClassOf(spec, object.metadata?.annotations))) continue;
    const namespace = object.metadata?.namespace ?? '';
    const objectName = object.metadata?.name ?? object.metadata?.generateName ?? '';
    if (spec.tls !== undefined && spec.tls.passthrough !== true && spec.tls.secretName !== undefined && spec.tls.secretName !== '') {
      addSecretCertificate(context, object, namespace, spec.tls.secretName, 'spec.tls.secretName');
    }
    for (const [index, route] of (spec.routes ?? []).entries()) {
      const field = `spec.routes[${index}]`;
      if (route.match === undefined || route.match === '') {
        context.fault(object, `${field}.match`, 'empty match rule');
        continue;
      }
      const serviceName = makeId(namespace, routeKey(route.match, objectName));
      const reject = (where: string, reason: string): void => context.fault(object, where, reason, { protocol: 'tcp', name: serviceName });
      const middlewares: string[] = [];
      const refused = (route.middlewares ?? []).map((reference, position) => ({ position, resolved: resolveReference(context.options, namespace, reference.namespace, reference.name) }));
      const firstRefused = refused.find(({ resolved }) => !resolved.ok);
      if (firstRefused !== undefined && !firstRefused.resolved.ok) {
        reject(`${field}.middlewares[${firstRefused.position}]`, `middleware ${firstRefused.resolved.reason}`);
        continue;
      }
      for (const { resolved } of refused) if (resolved.ok) middlewares.push(resolved.name);
      const generated = routeServices(
        serviceName,
        route.services ?? [],
        (service) => {
          const servers = addresses(context, namespace, service, 'tcp');
          if (!servers.ok) return servers;
          let serversTransport: string | undefined;
          if (service.serversTransport !== undefined && service.serversTransport !== '') {
            const key = serversTransportKey(context, namespace, service.serversTransport);
            if (!key.ok) return key;
            serversTransport = key.value;
          }
          return success(defined({
            servers: servers.value,
            proxyProtocol: service.proxyProtocol === undefined ? undefined : { version: service.proxyProtocol.version ?? 2 },
            terminationDelay: serversTransport === undefined ? service.terminationDelay : undefined,
            serversTransport,
          }));
        },
        (where, reason) => context.fault(object, where, reason),
        `${field}.services`,
      );
      const tls = routerTls(context, namespace, spec.tls, 'tcp');
      if (!tls.ok) {
        reject(tls.field, tls.reason);
        continue;
      }
      Object.assign(context.config.tcp.services, generated);
      context.config.tcp.routers[serviceName] = defined({
        entryPoints: spec.entryPoints,
        middlewares: middlewares.length > 0 ? middlewares : undefined,
        rule: route.match,
        priority: route.priority === undefined || route.priority === 0 ? undefined : route.priority,
        ruleSyntax: route.syntax === undefined || route.syntax === '' ? undefined : route.syntax,
        service: serviceName,
        tls: tls.value,
      });
    }
  }
}

/** Translates IngressRouteUDPs: one router per route named `<namespace>-<name>-<index>`. */
export function translateIngressRoutesUdp(context: TranslationContext): void {
  for (const object of listTraefik<RouteSpec<{ readonly services?: readonly PortServiceSpec[] }>>(context.snapshot, 'ingressRouteUDP')) {
    const spec = object.spec ?? {};
    if (!servesClass(context.options.ingressClass, ingressClassOf(spec, object.metadata?.annotations))) continue;
    const namespace = object.metadata?.namespace ?? '';
    const objectName = object.metadata?.name ?? object.metadata?.generateName ?? '';
    for (const [index, route] of (spec.routes ?? []).entries()) {
      const serviceName = makeId(namespace, `${objectName}-${index}`);
      const generated = routeServices(
        serviceName,
        route.services ?? [],
        (service) => {
          const servers = addresses(context, namespace, service, 'udp');
          return servers.ok ? success({ servers: servers.value }) : servers;
        },
        (where, reason) => context.fault(object, where, reason),
        `spec.routes[${index}].services`,
      );
      Object.assign(context.config.udp.services, generated);
      context.config.udp.routers[serviceName] = defined({ entryPoints: spec.entryPoints, service: serviceName });
    }
  }
}
