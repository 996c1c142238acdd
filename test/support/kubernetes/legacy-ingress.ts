import type { KubeObject } from './api-server.js';

/**
 * The seeds' Traefik 1.x Ingresses (`extensions/v1beta1`, removed in Kubernetes 1.22 and never read by Traefik v3
 * nor Junction) in the modern form the scenario READMEs give: `networking.k8s.io/v1` with `pathType: Prefix` and
 * `backend.service`, `traefik.frontend.rule.type: PathPrefixStrip` as a stripPrefix Middleware attached with
 * `router.middlewares`, and `traefik.ingress.kubernetes.io/priority` as `router.priority`. The `service-weights`
 * annotation stays as written: Junction's Ingress provider reads it as an extension kept from Traefik 1.x. Another
 * rule type throws, so that no scenario runs against a silently different configuration.
 */

const legacyApiVersion = 'extensions/v1beta1';
const annotation = {
  ruleType: 'traefik.frontend.rule.type',
  priority: 'traefik.ingress.kubernetes.io/priority',
  routerPriority: 'traefik.ingress.kubernetes.io/router.priority',
  routerMiddlewares: 'traefik.ingress.kubernetes.io/router.middlewares',
} as const;

interface LegacyBackend {
  readonly serviceName?: string;
  readonly servicePort?: string | number;
}
interface LegacyPath {
  readonly path?: string;
  readonly backend?: LegacyBackend;
}
interface LegacySpec {
  readonly backend?: LegacyBackend;
  readonly tls?: unknown;
  readonly ingressClassName?: string;
  readonly rules?: ReadonlyArray<{ readonly host?: string; readonly http?: { readonly paths?: readonly LegacyPath[] } }>;
}

function modernBackend(backend: LegacyBackend | undefined): Record<string, unknown> {
  const port = backend?.servicePort;
  return { service: { name: backend?.serviceName ?? '', port: typeof port === 'number' || /^\d+$/.test(String(port)) ? { number: Number(port) } : { name: port } } };
}

/** Whether a manifest is a Traefik 1.x era Ingress. */
export function isLegacyIngress(object: KubeObject): boolean {
  return object.apiVersion === legacyApiVersion && object.kind === 'Ingress';
}

/** One legacy Ingress as its modern equivalent: the Ingress, and the Middleware its PathPrefixStrip becomes. */
export function modernIngress(legacy: KubeObject): KubeObject[] {
  const { name } = legacy.metadata;
  const namespace = legacy.metadata.namespace ?? 'default';
  const annotations: Record<string, string> = { ...(legacy.metadata.annotations ?? {}) };
  const spec = (legacy['spec'] ?? {}) as LegacySpec;
  const objects: KubeObject[] = [];

  const ruleType = annotations[annotation.ruleType];
  delete annotations[annotation.ruleType];
  if (ruleType !== undefined && ruleType !== 'PathPrefix') {
    if (ruleType !== 'PathPrefixStrip') throw new Error(`Ingress ${namespace}/${name}: rule type ${ruleType} has no modern form here`);
    const prefixes = [...new Set((spec.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.path ?? '/')))].filter((path) => path !== '/');
    // Stripping "/" changes nothing, so an Ingress with only "/" gets no Middleware.
    if (prefixes.length > 0) {
      const middleware = `${name}-strip`;
      objects.push({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: middleware, namespace }, spec: { stripPrefix: { prefixes } } });
      annotations[annotation.routerMiddlewares] = `${namespace}-${middleware}@kubernetescrd`;
    }
  }
  const priority = annotations[annotation.priority];
  if (priority !== undefined) {
    delete annotations[annotation.priority];
    annotations[annotation.routerPriority] = priority;
  }

  objects.unshift({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...legacy.metadata, namespace, annotations },
    spec: {
      ...(spec.ingressClassName === undefined ? {} : { ingressClassName: spec.ingressClassName }),
      ...(spec.backend === undefined ? {} : { defaultBackend: modernBackend(spec.backend) }),
      ...(spec.tls === undefined ? {} : { tls: spec.tls }),
      rules: (spec.rules ?? []).map((rule) => ({
        ...(rule.host === undefined ? {} : { host: rule.host }),
        http: { paths: (rule.http?.paths ?? []).map((path) => ({ path: path.path ?? '/', pathType: 'Prefix', backend: modernBackend(path.backend) })) },
      })),
    },
  });
  return objects;
}

/** The manifests with every legacy Ingress in its modern form, other objects unchanged. */
export function modernIngresses(objects: readonly KubeObject[]): KubeObject[] {
  return objects.flatMap((object) => (isLegacyIngress(object) ? modernIngress(object) : [object]));
}

/** Whether the manifests hold objects the Kubernetes Ingress provider reads (so that it must run). */
export function holdsIngresses(objects: readonly KubeObject[]): boolean {
  return objects.some((object) => (object.kind === 'Ingress' || object.kind === 'IngressClass') && object.apiVersion.startsWith('networking.k8s.io/'));
}
