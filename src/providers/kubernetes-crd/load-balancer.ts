import type { V1Service } from '@kubernetes/client-node';
import { kinds } from '../kubernetes/cluster-snapshot.js';
import { resolveServiceServers, type ServicePortReference } from '../kubernetes/services.js';
import { normalize, providerName } from './naming.js';
import { isCrossProviderAllowed, namespaceOr, resolveReference } from './references.js';
import { defined, failure, success, type Outcome, type TranslationContext } from './translation-context.js';

/** A reference to a Middleware: `{name, namespace}`. */
export interface ObjectReference {
  readonly name: string;
  readonly namespace?: string;
}

/** What a route, a TraefikService or an errors middleware says about one service it uses (Traefik's LoadBalancerSpec). */
export interface LoadBalancerSpec {
  readonly name: string;
  readonly namespace?: string;
  /** `Service` (default) or `TraefikService`. */
  readonly kind?: string;
  readonly port?: number | string;
  readonly scheme?: string;
  readonly strategy?: string;
  readonly passHostHeader?: boolean;
  readonly responseForwarding?: { readonly flushInterval?: string };
  readonly serversTransport?: string;
  readonly sticky?: { readonly cookie?: Record<string, unknown> };
  readonly healthCheck?: Record<string, unknown>;
  readonly passiveHealthCheck?: Record<string, unknown>;
  readonly nativeLB?: boolean;
  readonly nodePortLB?: boolean;
  readonly weight?: number;
  readonly percent?: number;
  readonly middlewares?: readonly ObjectReference[];
}

/** The name a service reference is known by, and the load balancer generated for it when it is a Kubernetes Service. */
export interface NamedService {
  readonly name: string;
  readonly service?: Record<string, unknown>;
}

const strategies = new Set(['wrr', 'p2c', 'hrw', 'leasttime']);
const schemes = new Set(['http', 'https', 'h2c']);

function hasPort(port: number | string | undefined): port is number | string {
  return port !== undefined && port !== 0 && port !== '';
}

/**
 * The generated name of a referenced service (Traefik's `fullServiceName`): `<namespace>-<name>-<port>` for a
 * Kubernetes Service, `<namespace>-<name>` for a TraefikService, `name@provider` kept for another provider's.
 */
export function fullServiceName(namespace: string, name: string, port: number | string | undefined): string {
  if (hasPort(port)) return normalize(`${namespace}-${name}-${port}`);
  const at = name.lastIndexOf('@');
  if (at === -1) return normalize(`${namespace}-${name}`);
  const [base, provider] = [name.slice(0, at), name.slice(at + 1)];
  if (provider === providerName) return normalize(`${namespace}-${base}`);
  return `${normalize(base)}@${provider}`;
}

/** Resolves a load balancer's `serversTransport` to the name of a ServersTransport, as Traefik does. */
export function serversTransportKey(context: TranslationContext, parentNamespace: string, name: string): Outcome<string> {
  if (!name.includes('@')) return success(normalize(`${parentNamespace}-${name}`));
  if (!context.options.allowCrossNamespace && name.endsWith(`@${providerName}`)) {
    return failure('serversTransport', `${JSON.stringify(name)}: namespace-name@${providerName} references need allowCrossNamespace`);
  }
  if (!isCrossProviderAllowed(context.options, parentNamespace)) {
    return failure('serversTransport', `${JSON.stringify(name)}: namespace ${JSON.stringify(parentNamespace)} is not in crossProviderNamespaces`);
  }
  return success(name);
}

/** Resolves a list of middleware references; the first refused one fails them all. */
export function middlewareNames(context: TranslationContext, parentNamespace: string, references: readonly ObjectReference[] | undefined, field: string): Outcome<string[]> {
  const names: string[] = [];
  for (const [index, reference] of (references ?? []).entries()) {
    const resolved = resolveReference(context.options, parentNamespace, reference.namespace, reference.name);
    if (!resolved.ok) return failure(`${field}[${index}]`, `middleware ${resolved.reason}`);
    names.push(resolved.name);
  }
  return success(names);
}

function portReference(port: number | string): ServicePortReference {
  return typeof port === 'number' ? { number: port } : /^\d+$/.test(port) ? { number: Number(port) } : { name: port };
}

/** Builds the load balancer of a Kubernetes Service reference (Traefik's `buildServersLB`). */
function serversLoadBalancer(context: TranslationContext, namespace: string, spec: LoadBalancerSpec): Outcome<Record<string, unknown>> {
  if (spec.strategy !== undefined && spec.strategy !== '' && spec.strategy !== 'RoundRobin' && !strategies.has(spec.strategy)) {
    return failure('strategy', `load-balancer strategy ${JSON.stringify(spec.strategy)} is not supported`);
  }
  if (spec.scheme !== undefined && spec.scheme !== '' && !schemes.has(spec.scheme)) return failure('scheme', `invalid scheme ${JSON.stringify(spec.scheme)}`);
  if (!hasPort(spec.port)) return failure('port', 'service port not defined');
  const kubeService = context.snapshot.get<V1Service>(kinds.service, namespace, spec.name);
  if (kubeService === undefined) return failure('', `service ${namespace}/${spec.name} not found`);
  if (spec.healthCheck !== undefined && kubeService.spec?.type !== 'ExternalName') {
    return failure('healthCheck', `healthCheck is allowed only for ExternalName services: ${namespace}/${spec.name}`);
  }
  const resolved = resolveServiceServers(context.snapshot, namespace, spec.name, portReference(spec.port), {
    allowExternalNameServices: context.options.allowExternalNameServices,
    nativeLB: spec.nativeLB ?? context.options.nativeLBByDefault,
    nodePortLB: spec.nodePortLB ?? false,
    disableClusterScopeResources: context.options.disableClusterScopeResources,
    ...(spec.scheme !== undefined && spec.scheme !== '' ? { serversScheme: spec.scheme } : {}),
  });
  if (!resolved.ok) return failure('', resolved.reason);
  if (resolved.servers.length === 0 && !context.options.allowEmptyServices) return failure('', `no servers found for ${namespace}/${spec.name}`);

  let serversTransport: string | undefined;
  if (spec.serversTransport !== undefined && spec.serversTransport !== '') {
    const key = serversTransportKey(context, namespace, spec.serversTransport);
    if (!key.ok) return key;
    serversTransport = key.value;
  }
  const loadBalancer = defined({
    servers: resolved.servers.map((server) => ({ url: server.url })),
    strategy: spec.strategy === undefined || spec.strategy === '' || spec.strategy === 'RoundRobin' ? undefined : spec.strategy,
    passHostHeader: spec.passHostHeader ?? true,
    responseForwarding: spec.responseForwarding?.flushInterval === undefined || spec.responseForwarding.flushInterval === '' ? undefined : { flushInterval: spec.responseForwarding.flushInterval },
    sticky: spec.sticky?.cookie === undefined ? undefined : { cookie: spec.sticky.cookie },
    healthCheck: spec.healthCheck,
    passiveHealthCheck: spec.passiveHealthCheck,
    serversTransport,
  });
  const service: Record<string, unknown> = { loadBalancer };
  if (spec.middlewares !== undefined && spec.middlewares.length > 0) {
    const names = middlewareNames(context, namespace, spec.middlewares, 'middlewares');
    if (!names.ok) return names;
    service['middlewares'] = names.value;
  }
  return success(service);
}

/**
 * Names a service reference and, for a Kubernetes Service, builds its load balancer (Traefik's `nameAndService`).
 * Cross-namespace references need allowCrossNamespace; `name@provider` references need crossProviderNamespaces.
 */
export function nameAndService(context: TranslationContext, parentNamespace: string, spec: LoadBalancerSpec): Outcome<NamedService> {
  if (typeof spec.name !== 'string' || spec.name === '') return failure('name', 'service name is empty');
  const crossProvider = spec.name.includes('@');
  const namespace = crossProvider ? (spec.namespace ?? '') : namespaceOr(spec.namespace, parentNamespace);
  if (!crossProvider && !context.options.allowCrossNamespace && namespace !== parentNamespace) {
    return failure('namespace', `service ${namespace}/${spec.name} is not in the parent resource namespace ${parentNamespace} (allowCrossNamespace is false)`);
  }
  if (crossProvider && !isCrossProviderAllowed(context.options, parentNamespace)) {
    return failure('name', `service ${JSON.stringify(spec.name)}: namespace ${JSON.stringify(parentNamespace)} is not in crossProviderNamespaces`);
  }
  switch (spec.kind ?? 'Service') {
    case '':
    case 'Service': {
      const built = serversLoadBalancer(context, namespace, spec);
      if (!built.ok) return built;
      return success({ name: fullServiceName(namespace, spec.name, spec.port), service: built.value });
    }
    case 'TraefikService':
      return success({ name: fullServiceName(namespace, spec.name, undefined) });
    default:
      return failure('kind', `unsupported service kind ${JSON.stringify(spec.kind)}`);
  }
}
