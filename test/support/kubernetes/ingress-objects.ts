import type { Upstream } from '../upstream.js';
import type { KubeObject } from './api-server.js';
import { endpointSliceFor } from './cluster-scenario.js';

/** One path of an Ingress rule: `path` of `pathType` to port 80 of `service`. */
export interface IngressPath {
  readonly path?: string;
  readonly pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  readonly service: string;
  readonly port?: number | string;
}

export interface IngressShape {
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly ingressClassName?: string;
  readonly rules?: ReadonlyArray<{ readonly host?: string; readonly paths: readonly IngressPath[] }>;
  readonly defaultBackend?: { readonly service: string; readonly port?: number | string };
  readonly tls?: ReadonlyArray<{ readonly hosts?: readonly string[]; readonly secretName: string }>;
}

function backend(service: string, port: number | string = 80): Record<string, unknown> {
  return { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } };
}

/** A `networking.k8s.io/v1` Ingress written the short way. */
export function ingress(name: string, shape: IngressShape): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: shape.namespace ?? 'default',
      ...(shape.annotations === undefined ? {} : { annotations: shape.annotations }),
      ...(shape.labels === undefined ? {} : { labels: shape.labels }),
    },
    spec: {
      ...(shape.ingressClassName === undefined ? {} : { ingressClassName: shape.ingressClassName }),
      ...(shape.defaultBackend === undefined ? {} : { defaultBackend: backend(shape.defaultBackend.service, shape.defaultBackend.port) }),
      ...(shape.tls === undefined ? {} : { tls: shape.tls }),
      ...(shape.rules === undefined
        ? {}
        : {
          rules: shape.rules.map((rule) => ({
            ...(rule.host === undefined ? {} : { host: rule.host }),
            http: { paths: rule.paths.map((path) => ({ path: path.path ?? '/', pathType: path.pathType ?? 'Prefix', backend: backend(path.service, path.port) })) },
          })),
        }),
    },
  };
}

/** An IngressClass naming a controller (`traefik.io/ingress-controller` is Traefik's, and Junction's). */
export function ingressClass(name: string, controller: string, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, ...(annotations === undefined ? {} : { annotations }) },
    spec: { controller },
  };
}

/** A Service with one port `http` (80), and unless `annotations` say otherwise nothing else. */
export function service(name: string, options: { namespace?: string; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: options.namespace ?? 'default', ...(options.annotations === undefined ? {} : { annotations: options.annotations }) },
    spec: { ports: [{ name: 'http', port: 80 }], ...options.spec },
  };
}

/** A Service played by a local backend: the Service and the EndpointSlice that points it at the backend. */
export function servedBy(backend: Upstream, name = backend.name, options: Parameters<typeof service>[1] = {}): KubeObject[] {
  const object = service(name, options);
  return [object, endpointSliceFor(object, backend)];
}

/** A `kubernetes.io/tls` Secret holding a PEM certificate and key. */
export function tlsSecret(name: string, pair: { readonly cert: string; readonly key: string }, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
  };
}
