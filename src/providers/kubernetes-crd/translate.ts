import type { Translation } from '../kubernetes/kubernetes-provider.js';
import type { ClusterSnapshot } from '../kubernetes/cluster-snapshot.js';
import { translateIngressRoutes } from './ingress-routes.js';
import { translateIngressRoutesTcp, translateIngressRoutesUdp } from './ingress-routes-tcp.js';
import { translateMiddlewares, translateMiddlewaresTcp } from './middlewares.js';
import type { CrdTranslationOptions } from './options.js';
import { translateServersTransports, translateServersTransportsTcp } from './servers-transports.js';
import { translateTlsOptions, translateTlsStores } from './tls.js';
import { translateTraefikServices } from './traefik-services.js';
import { TranslationContext } from './translation-context.js';

/**
 * Translates the Traefik custom resources of both API groups into the dynamic configuration Traefik's
 * Kubernetes CRD provider generates, with the faults of the objects (or routes) left out.
 */
export function translateCustomResources(snapshot: ClusterSnapshot, options: CrdTranslationOptions): Translation {
  const context = new TranslationContext(snapshot, options);
  // Stores first: their certificates are listed once, in their stores, before routes name the same Secrets.
  translateTlsStores(context);
  translateIngressRoutes(context);
  translateIngressRoutesTcp(context);
  translateIngressRoutesUdp(context);
  translateTlsOptions(context);
  translateMiddlewares(context);
  translateMiddlewaresTcp(context);
  translateTraefikServices(context);
  translateServersTransports(context);
  translateServersTransportsTcp(context);
  return { config: context.result(), errors: context.errors, rejectedRouters: context.rejectedRouters };
}
