import type { KubernetesObject } from '@kubernetes/client-node';
import { makeId, normalize } from './naming.js';
import { listTraefik } from './resources.js';
import { caFromConfigMap, caFromSecret, certificateFromSecret } from './secret-values.js';
import { defined, type TranslationContext } from './translation-context.js';

type Spec = Record<string, unknown>;
type RootCa = { readonly secret?: string; readonly configMap?: string };

/** Reads the CA bundles and client certificates a transport names; each unreadable one is reported and skipped. */
function transportSecrets(context: TranslationContext, object: KubernetesObject, spec: Spec, field: string): { rootCAs: string[]; certificates: Array<{ certFile: string; keyFile: string }> } {
  const namespace = object.metadata?.namespace ?? '';
  const rootCAs: string[] = [];
  for (const [index, name] of ((spec['rootCAsSecrets'] as string[] | undefined) ?? []).entries()) {
    const ca = caFromSecret(context, namespace, name, `${field}rootCAsSecrets[${index}]`);
    if (ca.ok) rootCAs.push(ca.value);
    else context.fault(object, ca.field, ca.reason);
  }
  for (const [index, rootCa] of ((spec['rootCAs'] as RootCa[] | undefined) ?? []).entries()) {
    const where = `${field}rootCAs[${index}]`;
    if (rootCa.secret !== undefined && rootCa.configMap !== undefined) {
      context.fault(object, where, 'both secret and configMap are defined');
      continue;
    }
    const ca = rootCa.secret !== undefined ? caFromSecret(context, namespace, rootCa.secret, `${where}.secret`) : caFromConfigMap(context, namespace, rootCa.configMap ?? '', `${where}.configMap`);
    if (ca.ok) rootCAs.push(ca.value);
    else context.fault(object, ca.field, ca.reason);
  }
  const certificates: Array<{ certFile: string; keyFile: string }> = [];
  for (const [index, name] of ((spec['certificatesSecrets'] as string[] | undefined) ?? []).entries()) {
    const pair = certificateFromSecret(context, namespace, name, `${field}certificatesSecrets[${index}]`);
    if (pair.ok) certificates.push(pair.value);
    else context.fault(object, pair.field, pair.reason);
  }
  return { rootCAs, certificates };
}

const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);

/** Translates ServersTransports into `http.serversTransports.<namespace>-<name>`, CAs and certificates read from Secrets. */
export function translateServersTransports(context: TranslationContext): void {
  for (const object of listTraefik<Spec>(context.snapshot, 'serversTransport')) {
    const spec = object.spec ?? {};
    const { rootCAs, certificates } = transportSecrets(context, object, spec, 'spec.');
    const rest = Object.fromEntries(Object.entries(spec).filter(([key]) => !['rootCAsSecrets', 'rootCAs', 'certificatesSecrets'].includes(key)));
    context.config.http.serversTransports[normalize(makeId(object.metadata?.namespace ?? '', object.metadata?.name ?? ''))] = defined({
      ...rest,
      rootCAs: nonEmpty(rootCAs),
      certificates: nonEmpty(certificates),
    });
  }
}

/** Translates ServersTransportTCPs into `tcp.serversTransports.<namespace>-<name>`. */
export function translateServersTransportsTcp(context: TranslationContext): void {
  for (const object of listTraefik<Spec>(context.snapshot, 'serversTransportTCP')) {
    const spec = object.spec ?? {};
    const transport: Spec = Object.fromEntries(Object.entries(spec).filter(([key]) => key !== 'tls'));
    const tls = spec['tls'] as Spec | undefined;
    if (tls !== undefined) {
      const { rootCAs, certificates } = transportSecrets(context, object, tls, 'spec.tls.');
      const rest = Object.fromEntries(Object.entries(tls).filter(([key]) => !['rootCAsSecrets', 'rootCAs', 'certificatesSecrets'].includes(key)));
      transport['tls'] = defined({ ...rest, rootCAs: nonEmpty(rootCAs), certificates: nonEmpty(certificates) });
    }
    context.config.tcp.serversTransports[normalize(makeId(object.metadata?.namespace ?? '', object.metadata?.name ?? ''))] = transport;
  }
}
