import { makeId, normalize } from './naming.js';
import { listTraefik } from './resources.js';
import { nameAndService, type LoadBalancerSpec } from './load-balancer.js';
import { defined, failure, success, type Outcome, type TranslationContext } from './translation-context.js';

/** A TraefikService's spec: exactly one of its kinds. */
export interface TraefikServiceSpec {
  readonly weighted?: { readonly services?: readonly LoadBalancerSpec[]; readonly sticky?: { readonly cookie?: Record<string, unknown> } };
  readonly mirroring?: LoadBalancerSpec & { readonly mirrors?: readonly LoadBalancerSpec[]; readonly mirrorBody?: boolean; readonly maxBodySize?: number };
  readonly failover?: { readonly service: LoadBalancerSpec; readonly fallback: LoadBalancerSpec; readonly errors?: Record<string, unknown> };
  readonly highestRandomWeight?: { readonly services?: readonly LoadBalancerSpec[] };
}

type Services = Record<string, unknown>;

/** Names each referenced service, adding the load balancers of Kubernetes Services to `generated`. */
function referTo(context: TranslationContext, namespace: string, spec: LoadBalancerSpec, field: string, generated: Services): Outcome<string> {
  const named = nameAndService(context, namespace, spec);
  if (!named.ok) return failure(named.field === '' ? field : `${field}.${named.field}`, named.reason);
  if (named.value.service !== undefined) generated[named.value.name] = named.value.service;
  return success(named.value.name);
}

/** A weighted round robin over services (a TraefikService, or a route with several services). */
export function weightedService(context: TranslationContext, namespace: string, weighted: NonNullable<TraefikServiceSpec['weighted']>, field: string, generated: Services): Outcome<Record<string, unknown>> {
  const services: Array<{ name: string; weight: number }> = [];
  for (const [index, spec] of (weighted.services ?? []).entries()) {
    const name = referTo(context, namespace, spec, `${field}[${index}]`, generated);
    if (!name.ok) return name;
    services.push({ name: name.value, weight: spec.weight ?? 1 });
  }
  return success({ weighted: defined({ services, sticky: weighted.sticky?.cookie === undefined ? undefined : { cookie: weighted.sticky.cookie } }) });
}

function traefikService(context: TranslationContext, namespace: string, spec: TraefikServiceSpec, generated: Services): Outcome<Record<string, unknown>> {
  if (spec.weighted !== undefined) return weightedService(context, namespace, spec.weighted, 'spec.weighted.services', generated);
  if (spec.mirroring !== undefined) {
    const main = referTo(context, namespace, spec.mirroring, 'spec.mirroring', generated);
    if (!main.ok) return main;
    const mirrors: Array<Record<string, unknown>> = [];
    for (const [index, mirror] of (spec.mirroring.mirrors ?? []).entries()) {
      const name = referTo(context, namespace, mirror, `spec.mirroring.mirrors[${index}]`, generated);
      if (!name.ok) return name;
      mirrors.push(defined({ name: name.value, percent: mirror.percent }));
    }
    return success({ mirroring: defined({ service: main.value, mirrors, mirrorBody: spec.mirroring.mirrorBody, maxBodySize: spec.mirroring.maxBodySize }) });
  }
  if (spec.highestRandomWeight !== undefined) {
    const services: Array<{ name: string; weight: number }> = [];
    for (const [index, service] of (spec.highestRandomWeight.services ?? []).entries()) {
      const name = referTo(context, namespace, service, `spec.highestRandomWeight.services[${index}]`, generated);
      if (!name.ok) return name;
      services.push({ name: name.value, weight: service.weight ?? 1 });
    }
    return success({ highestRandomWeight: { services } });
  }
  if (spec.failover !== undefined) {
    const service = referTo(context, namespace, spec.failover.service, 'spec.failover.service', generated);
    if (!service.ok) return service;
    const fallback = referTo(context, namespace, spec.failover.fallback, 'spec.failover.fallback', generated);
    if (!fallback.ok) return fallback;
    return success({ failover: defined({ service: service.value, fallback: fallback.value, errors: spec.failover.errors }) });
  }
  return failure('spec', 'unspecified service type: expected weighted, mirroring, failover or highestRandomWeight');
}

/** Translates every TraefikService into `http.services.<namespace>-<name>` (and the Kubernetes Services it uses). */
export function translateTraefikServices(context: TranslationContext): void {
  for (const object of listTraefik<TraefikServiceSpec>(context.snapshot, 'traefikService')) {
    const namespace = object.metadata?.namespace ?? '';
    const generated: Services = {};
    const built = traefikService(context, namespace, object.spec ?? {}, generated);
    if (!built.ok) {
      context.fault(object, built.field, built.reason);
      continue;
    }
    Object.assign(context.config.http.services, generated);
    context.config.http.services[normalize(makeId(namespace, object.metadata?.name ?? ''))] = built.value;
  }
}
