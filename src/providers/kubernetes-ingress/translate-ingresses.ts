import { createHash } from 'node:crypto';
import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1IngressRule, V1Service } from '@kubernetes/client-node';
import { ConfigError, quote } from '../../config/errors.js';
import type { DroppedRouter } from '../provider.js';
import { kinds, type ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';
import { tlsCertificateFromSecret, type PemPair } from '../kubernetes/secrets.js';
import { portKey, resolveServiceServers, type ServicePortReference } from '../kubernetes/services.js';
import { parseRouterAnnotations, parseServiceAnnotations, type PathMatcher, type RouterAnnotations } from './annotations.js';
import { servedIngresses, type IngressClassFilter } from './ingress-class.js';
import { hostRule, normalizeName, pathRule } from './ingress-rule.js';
import { allocateWeights, parseServiceWeights, type ServiceWeights, type WeightedBackend } from './service-weights.js';

/** The provider options a translation reads (`providers.kubernetesIngress`), and the default rule syntax. */
export interface IngressTranslationOptions extends IngressClassFilter {
  readonly allowEmptyServices: boolean;
  readonly allowExternalNameServices: boolean;
  readonly nativeLBByDefault: boolean;
  readonly strictPrefixMatching: boolean;
  /** Unset: every namespace may refer to other providers' middlewares, TLS options and serversTransports. */
  readonly crossProviderNamespaces?: readonly string[];
  readonly defaultRuleSyntax: 'v2' | 'v3';
}

/** What a translation gives: plain dynamic configuration, and the faults of the Ingresses left out in part. */
export interface IngressTranslation {
  readonly config: Record<string, unknown>;
  readonly errors: readonly ConfigError[];
  /** Routers a fault left out whose names are known (weighted paths), so the API lists them disabled. */
  readonly rejectedRouters: readonly DroppedRouter[];
}

/** Name and service of the router an Ingress's default backend gets, as in Traefik. */
const defaultRouterName = 'default-router';
const defaultServiceName = 'default-backend';
/** Go's math.MinInt32: the default backend loses to every other router. */
const defaultBackendPriority = -2_147_483_648;

const pathMatchers: readonly string[] = ['Path', 'PathPrefix', 'PathRegexp'];

/** Names an Ingress and one of its fields in a fault: `Ingress default/app spec.rules[0].host`. */
function ingressPath(ingress: V1Ingress, field: string): string {
  return `Ingress ${ingress.metadata?.namespace ?? ''}/${ingress.metadata?.name ?? ''}${field === '' ? '' : ` ${field}`}`;
}

function portReference(backend: V1IngressBackend): ServicePortReference | undefined {
  const port = backend.service?.port;
  if (port?.name !== undefined && port.name !== '') return { name: port.name };
  if (port?.number !== undefined) return { number: port.number };
  return undefined;
}

/** The load balancer a Kubernetes Service becomes. */
interface LoadBalancerService {
  readonly loadBalancer: { readonly servers: ReadonlyArray<{ readonly url: string }> } & Readonly<Record<string, unknown>>;
}

/** The paths of one Ingress that give the same router, whose backends share its traffic by `service-weights`. */
interface WeightedPath {
  readonly key: string;
  /** The router of the first path; every path of the group builds the same one. */
  readonly router: Record<string, unknown>;
  /** `host/path`, as 1.x named the path in its faults. */
  readonly where: string;
  readonly backends: Array<WeightedBackend & { readonly service: string }>;
  /** Faults of backends left out: the split cannot be honoured, so the path is left out too. */
  readonly faults: ConfigError[];
}

/** What becomes of a weighted path's router: a `weighted` service of its own, or left out for its faults. */
type WeightedRouterPlan =
  | { readonly kind: 'weighted'; readonly service: Record<string, unknown> }
  | { readonly kind: 'rejected'; readonly faults: readonly ConfigError[] };

/** Traefik's name of the router of an Ingress path: `<namespace>-<ingress>-<host><path>`, normalised. */
function routerKey(ingress: V1Ingress, rule: V1IngressRule, path: V1HTTPIngressPath): string {
  return normalizeName(`${ingress.metadata?.namespace ?? ''}-${ingress.metadata?.name ?? ''}-${rule.host ?? ''}${path.path ?? ''}`);
}

/** The first 10 bytes of the SHA-256 of a rule in hex: Traefik's suffix for routers that share a name. */
function ruleHash(rule: string): string {
  return createHash('sha256').update(rule).digest('hex').slice(0, 20);
}

class IngressTranslator {
  readonly #routers: Record<string, unknown> = {};
  readonly #services: Record<string, unknown> = {};
  readonly #certificates = new Map<string, PemPair>();
  /** Servers of each declared load balancer, which `service-weights` shares a percentage between. */
  readonly #serverCounts = new Map<string, number>();
  readonly #errors: ConfigError[] = [];
  readonly #rejectedRouters: DroppedRouter[] = [];

  constructor(readonly snapshot: ClusterSnapshot, readonly options: IngressTranslationOptions) {}

  translate(): IngressTranslation {
    for (const ingress of servedIngresses(this.snapshot, this.options)) this.#ingress(ingress);
    const config: Record<string, unknown> = { http: { routers: this.#routers, services: this.#services } };
    // Certificates in the order of their `<namespace>-<secret>` keys, as Traefik sorts them.
    const certificates = [...this.#certificates.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, pair]) => pair);
    if (certificates.length > 0) config.tls = { certificates };
    return { config, errors: this.#errors, rejectedRouters: this.#rejectedRouters };
  }

  #fail(ingress: V1Ingress, field: string, reason: string): void {
    this.#errors.push(new ConfigError(ingressPath(ingress, field), reason));
  }

  /** Reports faults that leave out a whole Ingress, and lists each router its paths would have given. */
  #failIngress(ingress: V1Ingress, faults: ReadonlyArray<{ readonly path: string; readonly reason: string }>): void {
    const from = this.#errors.length;
    for (const fault of faults) this.#fail(ingress, fault.path, fault.reason);
    const errors = this.#errors.slice(from).map((error) => error.message);
    for (const rule of ingress.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) this.#rejectedRouters.push({ protocol: 'http', name: routerKey(ingress, rule, path), errors });
    }
  }

  #ingress(ingress: V1Ingress): void {
    const namespace = ingress.metadata?.namespace ?? '';
    const annotations = parseRouterAnnotations(ingress.metadata?.annotations);
    if (!annotations.ok) return this.#failIngress(ingress, annotations.errors);
    const router = annotations.value;
    const weights = parseServiceWeights(ingress.metadata?.annotations);
    if (!weights.ok) return this.#failIngress(ingress, [weights.error]);
    const crossProvider = this.options.crossProviderNamespaces;
    if (crossProvider !== undefined && !crossProvider.includes(namespace)) {
      if ((router.middlewares ?? []).length > 0) {
        return this.#failIngress(ingress, [{ path: 'metadata.annotations', reason: `middlewares of other providers are not allowed from namespace ${quote(namespace)} (crossProviderNamespaces)` }]);
      }
      if (typeof router.tls?.options === 'string' && router.tls.options !== '') {
        return this.#failIngress(ingress, [{ path: 'metadata.annotations', reason: `TLS options of other providers are not allowed from namespace ${quote(namespace)} (crossProviderNamespaces)` }]);
      }
    }
    this.#tls(ingress);
    const spec = ingress.spec ?? {};
    if ((spec.rules ?? []).length === 0 && spec.defaultBackend !== undefined) this.#defaultBackend(ingress, spec.defaultBackend, router);

    const routers = new Map<string, Array<Record<string, unknown>>>();
    const weightedPaths = new Map<string, WeightedPath>();
    (spec.rules ?? []).forEach((rule, ruleIndex) => {
      (rule.http?.paths ?? []).forEach((path, pathIndex) => {
        const field = `spec.rules[${ruleIndex}].http.paths[${pathIndex}]`;
        if (weights.value !== undefined) return this.#weightedPath(ingress, weightedPaths, rule, path, router, field);
        const key = routerKey(ingress, rule, path);
        // A path left out is listed under the router name it would have had, with its faults.
        const from = this.#errors.length;
        const serviceName = this.#backendService(ingress, path.backend, `${field}.backend`);
        const built = serviceName === undefined ? undefined : this.#router(rule, path, router, serviceName);
        if (typeof built === 'string') this.#fail(ingress, `${field}.pathType`, built);
        if (built === undefined || typeof built === 'string') {
          return void this.#rejectedRouters.push({ protocol: 'http', name: key, errors: this.#errors.slice(from).map((error) => error.message) });
        }
        routers.set(key, [...(routers.get(key) ?? []), built]);
      });
    });
    const plans = new Map<Record<string, unknown>, WeightedRouterPlan>();
    if (weights.value !== undefined) this.#splitWeightedPaths(ingress, weights.value, weightedPaths, routers, plans);
    for (const [key, sharing] of routers) {
      // Routers of one Ingress with the same name get a hash of their rule, as in Traefik.
      for (const built of sharing) this.#addRouter(ingress, sharing.length === 1 ? key : `${key}-${ruleHash(String(built.rule))}`, built, plans.get(built));
    }
  }

  /**
   * Adds a router; one that splits its traffic by `service-weights` gets its `weighted` service under its own name,
   * and one refused for its weights is listed as rejected under the name it would have had.
   */
  #addRouter(ingress: V1Ingress, name: string, router: Record<string, unknown>, plan: WeightedRouterPlan | undefined): void {
    if (plan?.kind === 'rejected') return void this.#rejectedRouters.push({ protocol: 'http', name, errors: plan.faults.map((fault) => fault.message) });
    if (plan?.kind === 'weighted') {
      if (this.#services[name] !== undefined) return this.#fail(ingress, 'metadata.name', `the weighted service ${quote(name)} of a path has the name of a service already defined`);
      this.#services[name] = plan.service;
      router.service = name;
    }
    this.#routers[name] = router;
  }

  /** Adds a path of an Ingress with `service-weights` to the group of the paths that give the same router. */
  #weightedPath(ingress: V1Ingress, groups: Map<string, WeightedPath>, rule: V1IngressRule, path: V1HTTPIngressPath, router: RouterAnnotations, field: string): void {
    const built = this.#router(rule, path, router, '');
    if (typeof built === 'string') return this.#fail(ingress, `${field}.pathType`, built);
    const key = routerKey(ingress, rule, path);
    const groupKey = `${key}\n${String(built.rule)}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { key, router: built, where: `${rule.host ?? ''}${path.path ?? ''}`, backends: [], faults: [] };
      groups.set(groupKey, group);
    }
    const faultsBefore = this.#errors.length;
    const service = this.#backendService(ingress, path.backend, `${field}.backend`);
    if (service === undefined) return void group.faults.push(...this.#errors.slice(faultsBefore));
    // The same backend listed twice on a path is one backend.
    if (group.backends.some((backend) => backend.service === service)) return;
    group.backends.push({ service, serviceName: path.backend.service?.name ?? '', servers: this.#serverCounts.get(service) ?? 0 });
  }

  /**
   * Gives each group of paths one router: to its only backend, or to a `weighted` service over its backends' load
   * balancers. A group whose weights are wrong, or one of whose backends is broken, is left out (1.x left out the
   * whole Ingress; Junction only the path).
   */
  #splitWeightedPaths(
    ingress: V1Ingress,
    weights: ServiceWeights,
    groups: ReadonlyMap<string, WeightedPath>,
    routers: Map<string, Array<Record<string, unknown>>>,
    plans: Map<Record<string, unknown>, WeightedRouterPlan>,
  ): void {
    for (const group of groups.values()) {
      routers.set(group.key, [...(routers.get(group.key) ?? []), group.router]);
      if (group.faults.length > 0) {
        plans.set(group.router, { kind: 'rejected', faults: group.faults });
        continue;
      }
      const allocation = allocateWeights(group.backends, weights.percentages, group.where);
      if (typeof allocation === 'string') {
        const fault = new ConfigError(ingressPath(ingress, weights.field), allocation);
        this.#errors.push(fault);
        plans.set(group.router, { kind: 'rejected', faults: [fault] });
      } else if (group.backends.length === 1) {
        group.router.service = group.backends[0]!.service;
      } else {
        plans.set(group.router, { kind: 'weighted', service: { weighted: { services: group.backends.map((backend, index) => ({ name: backend.service, weight: allocation[index]! })) } } });
      }
    }
  }

  /** Adds the certificates of the Ingress's TLS section; a fault is reported and the routers stay. */
  #tls(ingress: V1Ingress): void {
    const namespace = ingress.metadata?.namespace ?? '';
    (ingress.spec?.tls ?? []).forEach((tls, index) => {
      const secretName = tls.secretName ?? '';
      if (secretName === '' || this.#certificates.has(`${namespace}-${secretName}`)) return;
      const read = tlsCertificateFromSecret(this.snapshot, namespace, secretName);
      if (read.ok) this.#certificates.set(`${namespace}-${secretName}`, read.pair);
      else this.#fail(ingress, `spec.tls[${index}].secretName`, read.reason);
    });
  }

  #defaultBackend(ingress: V1Ingress, backend: V1IngressBackend, router: RouterAnnotations): void {
    if (this.#services[defaultServiceName] !== undefined) return this.#fail(ingress, 'spec.defaultBackend', 'a default backend is already defined by another Ingress');
    if (backend.resource !== undefined) return this.#fail(ingress, 'spec.defaultBackend.resource', 'resource backends are not supported');
    if (backend.service === undefined) return this.#fail(ingress, 'spec.defaultBackend.service', 'missing service');
    const service = this.#service(ingress, backend, 'spec.defaultBackend.service');
    if (service === undefined) return;
    this.#routers[defaultRouterName] = {
      rule: 'PathPrefix("/")',
      ruleSyntax: 'default',
      priority: defaultBackendPriority,
      service: defaultServiceName,
      ...(router.entryPoints !== undefined && { entryPoints: router.entryPoints }),
      ...(router.middlewares !== undefined && { middlewares: router.middlewares }),
      ...(router.tls !== undefined && { tls: router.tls }),
      ...(router.observability !== undefined && { observability: router.observability }),
    };
    this.#services[defaultServiceName] = service;
  }

  /** Declares the service of a path's backend once, under Traefik's `<namespace>-<service>-<port>` name. */
  #backendService(ingress: V1Ingress, backend: V1IngressBackend, field: string): string | undefined {
    if (backend.resource !== undefined) return void this.#fail(ingress, `${field}.resource`, 'resource backends are not supported');
    if (backend.service === undefined) return void this.#fail(ingress, `${field}.service`, 'missing service');
    const port = portReference(backend);
    const name = normalizeName(`${ingress.metadata?.namespace ?? ''}-${backend.service.name}-${port === undefined ? '0' : portKey(port)}`);
    if (this.#services[name] !== undefined) return name;
    const service = this.#service(ingress, backend, `${field}.service`);
    if (service === undefined) return undefined;
    this.#services[name] = service;
    this.#serverCounts.set(name, service.loadBalancer.servers.length);
    return name;
  }

  #service(ingress: V1Ingress, backend: V1IngressBackend, field: string): LoadBalancerService | undefined {
    const namespace = ingress.metadata?.namespace ?? '';
    const serviceName = backend.service?.name ?? '';
    const port = portReference(backend);
    if (port === undefined) return void this.#fail(ingress, `${field}.port`, 'expected a port name or number');
    const target = this.snapshot.get<V1Service>(kinds.service, namespace, serviceName);
    const annotations = parseServiceAnnotations(target?.metadata?.annotations);
    if (!annotations.ok) {
      for (const error of annotations.errors) this.#fail(ingress, field, `service ${quote(`${namespace}/${serviceName}`)} ${error.path}: ${error.reason}`);
      return undefined;
    }
    const settings = annotations.value;
    const crossProvider = this.options.crossProviderNamespaces;
    if (settings.serversTransport !== undefined && crossProvider !== undefined && !crossProvider.includes(namespace)) {
      return void this.#fail(ingress, field, `serversTransports of other providers are not allowed from namespace ${quote(namespace)} (crossProviderNamespaces)`);
    }
    const resolved = resolveServiceServers(this.snapshot, namespace, serviceName, port, {
      allowExternalNameServices: this.options.allowExternalNameServices,
      nativeLB: settings.nativeLB ?? this.options.nativeLBByDefault,
      nodePortLB: settings.nodePortLB,
      disableClusterScopeResources: this.options.disableClusterScopeResources,
      serversScheme: settings.serversScheme,
    });
    if (!resolved.ok) return void this.#fail(ingress, field, resolved.reason);
    if (resolved.servers.length === 0 && !this.options.allowEmptyServices) {
      return void this.#fail(ingress, field, `service ${quote(`${namespace}/${serviceName}`)} has no endpoints ready on port ${quote(portKey(port))} (allowEmptyServices is off)`);
    }
    return {
      ...(settings.middlewares !== undefined && settings.middlewares.length > 0 && { middlewares: settings.middlewares }),
      loadBalancer: {
        servers: resolved.servers.map((server) => ({ url: server.url })),
        ...(settings.passHostHeader !== undefined && { passHostHeader: settings.passHostHeader }),
        ...(settings.sticky !== undefined && { sticky: settings.sticky }),
        ...(settings.serversTransport !== undefined && { serversTransport: settings.serversTransport }),
      },
    };
  }

  /** Builds one path's router, or says why its path matcher is invalid. */
  #router(rule: V1IngressRule, path: V1HTTPIngressPath, router: RouterAnnotations, service: string): Record<string, unknown> | string {
    const ruleSyntax = router.ruleSyntax === 'v2' || ((router.ruleSyntax ?? '') === '' && this.options.defaultRuleSyntax === 'v2') ? 'v2' : 'v3';
    const parts: string[] = [];
    if ((rule.host ?? '') !== '') parts.push(hostRule(rule.host!, ruleSyntax));
    if ((path.path ?? '') !== '') {
      let matcher: PathMatcher = 'PathPrefix';
      const pathType = path.pathType ?? '';
      if (pathType === '' || pathType === 'ImplementationSpecific') {
        const requested = router.pathMatcher ?? '';
        if (requested !== '') {
          if (!pathMatchers.includes(requested)) return `invalid path matcher ${quote(requested)} (router.pathmatcher); expected one of Path, PathPrefix, PathRegexp`;
          matcher = requested as PathMatcher;
        }
      } else if (pathType === 'Exact') {
        matcher = 'Path';
      }
      parts.push(pathRule(matcher, path.path!, this.options.strictPrefixMatching));
    }
    return {
      rule: parts.join(' && '),
      service,
      ...(router.ruleSyntax !== undefined && { ruleSyntax: router.ruleSyntax }),
      ...(router.priority !== undefined && router.priority !== 0 && { priority: router.priority }),
      ...(router.entryPoints !== undefined && { entryPoints: router.entryPoints }),
      ...(router.middlewares !== undefined && { middlewares: router.middlewares }),
      ...(router.tls !== undefined && { tls: router.tls }),
      ...(router.observability !== undefined && { observability: router.observability }),
    };
  }
}

/**
 * Translates the served Ingresses of a snapshot into Traefik's dynamic configuration, with Traefik's names:
 * routers `<namespace>-<ingress>-<host><path>` normalised, services `<namespace>-<service>-<port>`, the
 * default backend as `default-router` / `default-backend`, certificates from `kubernetes.io/tls` Secrets.
 * A fault leaves out only the path (or Ingress) it concerns.
 */
export function translateIngresses(snapshot: ClusterSnapshot, options: IngressTranslationOptions): IngressTranslation {
  return new IngressTranslator(snapshot, options).translate();
}
