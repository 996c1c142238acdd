import type { V1Ingress, V1IngressClass } from '@kubernetes/client-node';
import { kinds, type ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';

/** The legacy annotation naming an Ingress's controller, still honoured by Traefik. */
export const ingressClassAnnotation = 'kubernetes.io/ingress.class';
/** The controller an IngressClass names for Traefik (and Junction) to serve its Ingresses. */
export const traefikIngressController = 'traefik.io/ingress-controller';
const defaultAnnotationClass = 'traefik';

/** The part of the provider's options that decides which Ingresses it serves. */
export interface IngressClassFilter {
  readonly ingressClass: string;
  readonly disableIngressClassLookup: boolean;
  readonly disableClusterScopeResources: boolean;
}

/** The IngressClasses of Traefik's controller, narrowed to `ingressClass` when set; none when lookup is off. */
function ownIngressClasses(snapshot: ClusterSnapshot, filter: IngressClassFilter): Set<string> {
  if (filter.disableIngressClassLookup || filter.disableClusterScopeResources) return new Set();
  return new Set(
    snapshot.list<V1IngressClass>(kinds.ingressClass)
      .filter((ingressClass) => ingressClass.spec?.controller === traefikIngressController)
      .map((ingressClass) => ingressClass.metadata?.name ?? '')
      .filter((name) => filter.ingressClass === '' || name === filter.ingressClass),
  );
}

/**
 * Lists the Ingresses the provider serves, as Traefik decides: one with `ingressClassName` when that
 * IngressClass names Traefik's controller (and is `ingressClass` when set); otherwise by the legacy annotation,
 * equal to `ingressClass`, or absent, empty or `traefik` when `ingressClass` is unset. As in Traefik, the
 * IngressClass default-class annotation plays no part.
 */
export function servedIngresses(snapshot: ClusterSnapshot, filter: IngressClassFilter): V1Ingress[] {
  const classes = ownIngressClasses(snapshot, filter);
  return snapshot.list<V1Ingress>(kinds.ingress).filter((ingress) => {
    const className = ingress.spec?.ingressClassName;
    if (className !== undefined && className !== null) return classes.has(className);
    const annotated = ingress.metadata?.annotations?.[ingressClassAnnotation] ?? '';
    return annotated === filter.ingressClass || (filter.ingressClass === '' && annotated === defaultAnnotationClass);
  });
}
