import { compileHttpRule, type RuleSyntax } from '../../rules/http-rule.js';
import { routeName } from './naming.js';
import { getTraefik, listTraefik } from './resources.js';
import { ingressClassOf, namespaceOr, resolveReference, servesClass } from './references.js';
import { middlewareNames, nameAndService, type LoadBalancerSpec, type ObjectReference } from './load-balancer.js';
import { weightedService } from './traefik-services.js';
import { addSecretCertificate } from './tls.js';
import { defined, failure, success, type Outcome, type TranslationContext } from './translation-context.js';

/** The TLS section shared by IngressRoute and IngressRouteTCP. */
export interface RouteTls {
  readonly secretName?: string;
  readonly options?: ObjectReference;
  readonly store?: ObjectReference;
  readonly certResolver?: string;
  readonly domains?: ReadonlyArray<Record<string, unknown>>;
  readonly passthrough?: boolean;
}

/**
 * A router's `tls` from a route's TLS section, with its TLSOption reference resolved: undefined without a
 * TLS section, a failure when the reference is refused. `passthrough` is carried only for TCP routers.
 */
export function routerTls(context: TranslationContext, namespace: string, tls: RouteTls | undefined, kind: 'http' | 'tcp'): Outcome<Record<string, unknown> | undefined> {
  if (tls === undefined) return success(undefined);
  const passthrough = kind === 'tcp' && tls.passthrough === true ? true : undefined;
  const router = defined({ passthrough, certResolver: tls.certResolver, domains: tls.domains });
  if (tls.options?.name !== undefined && tls.options.name !== '') {
    const options = resolveReference(context.options, namespace, tls.options.namespace, tls.options.name);
    if (!options.ok) return failure('spec.tls.options', `TLSOption ${options.reason}`);
    router['options'] = options.name;
  }
  return success(router);
}

interface IngressRouteSpec {
  readonly ingressClassName?: string;
  readonly entryPoints?: readonly string[];
  readonly routes?: ReadonlyArray<{
    readonly match?: string;
    readonly kind?: string;
    readonly priority?: number;
    readonly syntax?: string;
    readonly middlewares?: readonly ObjectReference[];
    readonly services?: readonly LoadBalancerSpec[];
    readonly observability?: Record<string, unknown>;
  }>;
  readonly tls?: RouteTls;
  readonly parentRefs?: readonly ObjectReference[];
}

/**
 * Why a match rule cannot be compiled, found here so that the fault names its IngressRoute. Without a `syntax`
 * the rule passes when either syntax reads it: the static default syntax decides, and the runtime checks again.
 */
function checkRule(match: string, syntax: string | undefined): string | undefined {
  const syntaxes: RuleSyntax[] = syntax === 'v2' || syntax === 'v3' ? [syntax] : ['v3', 'v2'];
  let reason: string | undefined;
  for (const candidate of syntaxes) {
    try {
      compileHttpRule(match, candidate);
      return undefined;
    } catch (error) {
      reason ??= (error as Error).message;
    }
  }
  return syntax !== undefined && syntax !== '' && syntax !== 'v2' && syntax !== 'v3' ? `unknown rule syntax ${JSON.stringify(syntax)}` : reason;
}

/**
 * Translates every IngressRoute of the provider's class: one router per route named
 * `<namespace>-<name>-<hash of match>`, its service a Kubernetes Service's load balancer, a weighted service over
 * several, or a TraefikService. A route with a fault is left out and reported; the object's other routes stay.
 */
export function translateIngressRoutes(context: TranslationContext): void {
  for (const object of listTraefik<IngressRouteSpec>(context.snapshot, 'ingressRoute')) {
    const spec = object.spec ?? {};
    if (!servesClass(context.options.ingressClass, ingressClassOf(spec, object.metadata?.annotations))) continue;
    const namespace = object.metadata?.namespace ?? '';
    const objectName = object.metadata?.name ?? object.metadata?.generateName ?? '';
    const parents = parentRouterNames(context, namespace, spec.parentRefs ?? []);
    if (!parents.ok) {
      context.fault(object, parents.field, parents.reason);
      continue;
    }
    if (spec.tls?.secretName !== undefined && spec.tls.secretName !== '') {
      // As Traefik: a TLS secret that cannot be read is reported; the routes are still served (default certificate).
      addSecretCertificate(context, object, namespace, spec.tls.secretName, 'spec.tls.secretName');
    }
    for (const [index, route] of (spec.routes ?? []).entries()) {
      const field = `spec.routes[${index}]`;
      // The router a fault leaves out has a name only once the route has a rule.
      const name = route.match === undefined || route.match === '' ? undefined : routeName(namespace, objectName, route.match);
      const reject = (where: string, reason: string): void => context.fault(object, where, reason, name === undefined ? undefined : { protocol: 'http', name });
      if (route.kind !== undefined && route.kind !== '' && route.kind !== 'Rule') {
        reject(`${field}.kind`, `unsupported match kind ${JSON.stringify(route.kind)}; only "Rule" is supported`);
        continue;
      }
      if (route.match === undefined || name === undefined) {
        context.fault(object, `${field}.match`, 'empty match rule');
        continue;
      }
      const ruleFault = checkRule(route.match, route.syntax);
      if (ruleFault !== undefined) {
        reject(`${field}.match`, ruleFault);
        continue;
      }
      const middlewares = middlewareNames(context, namespace, route.middlewares, `${field}.middlewares`);
      if (!middlewares.ok) {
        reject(middlewares.field, middlewares.reason);
        continue;
      }
      const generated: Record<string, unknown> = {};
      let service: string | undefined;
      const services = route.services ?? [];
      if (services.length > 1) {
        const weighted = weightedService(context, namespace, { services }, `${field}.services`, generated);
        if (!weighted.ok) {
          reject(weighted.field, weighted.reason);
          continue;
        }
        generated[name] = weighted.value;
        service = name;
      } else if (services.length === 1) {
        const named = nameAndService(context, namespace, services[0]!);
        if (!named.ok) {
          reject(named.field === '' ? `${field}.services[0]` : `${field}.services[0].${named.field}`, named.reason);
          continue;
        }
        if (named.value.service !== undefined) {
          generated[name] = named.value.service;
          service = name;
        } else {
          service = named.value.name;
        }
      }
      const tls = routerTls(context, namespace, spec.tls, 'http');
      if (!tls.ok) {
        reject(tls.field, tls.reason);
        continue;
      }
      Object.assign(context.config.http.services, generated);
      context.config.http.routers[name] = defined({
        entryPoints: spec.entryPoints,
        middlewares: middlewares.value.length > 0 ? middlewares.value : undefined,
        priority: route.priority === undefined || route.priority === 0 ? undefined : route.priority,
        ruleSyntax: route.syntax === undefined || route.syntax === '' ? undefined : route.syntax,
        rule: route.match,
        service,
        observability: route.observability,
        tls: tls.value,
        parentRefs: parents.value.length > 0 ? parents.value : undefined,
      });
    }
  }
}

/**
 * Multi-layer routing: the routers of the parent IngressRoutes, every route of each, by Traefik's names. The
 * parent defaults to the child's namespace; another namespace needs allowCrossNamespace.
 */
function parentRouterNames(context: TranslationContext, namespace: string, references: readonly ObjectReference[]): Outcome<string[]> {
  const names: string[] = [];
  for (const [index, reference] of references.entries()) {
    const parentNamespace = namespaceOr(reference.namespace, namespace);
    if (!context.options.allowCrossNamespace && parentNamespace !== namespace) {
      return failure(`spec.parentRefs[${index}]`, `cross-namespace reference to parent IngressRoute ${parentNamespace}/${reference.name} not allowed`);
    }
    const parent = getTraefik<IngressRouteSpec>(context.snapshot, 'ingressRoute', parentNamespace, reference.name);
    if (parent === undefined) return failure(`spec.parentRefs[${index}]`, `parent IngressRoute ${parentNamespace}/${reference.name} does not exist`);
    for (const route of parent.spec?.routes ?? []) names.push(routeName(parentNamespace, parent.metadata?.name ?? '', route.match ?? ''));
  }
  return success(names);
}
