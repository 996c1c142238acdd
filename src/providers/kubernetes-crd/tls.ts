import type { KubernetesObject } from '@kubernetes/client-node';
import { makeId } from './naming.js';
import { listTraefik } from './resources.js';
import { caFromSecret, certificateFromSecret } from './secret-values.js';
import { defined, type TranslationContext } from './translation-context.js';

interface TlsOptionSpec {
  readonly minVersion?: string;
  readonly maxVersion?: string;
  readonly cipherSuites?: readonly string[];
  readonly curvePreferences?: readonly string[];
  readonly clientAuth?: { readonly secretNames?: readonly string[]; readonly clientAuthType?: string };
  readonly sniStrict?: boolean;
  readonly alpnProtocols?: readonly string[];
  readonly disableSessionTickets?: boolean;
}

interface TlsStoreSpec {
  readonly defaultCertificate?: { readonly secretName: string };
  readonly defaultGeneratedCert?: { readonly resolver?: string; readonly domain?: Record<string, unknown> };
  readonly certificates?: ReadonlyArray<{ readonly secretName: string }>;
}

/**
 * Adds the certificate of a Secret to `tls.certificates` (once per Secret), in the given stores. A Secret that
 * cannot be read is reported; the caller decides whether its object stays.
 */
export function addSecretCertificate(context: TranslationContext, object: KubernetesObject, namespace: string, secretName: string, field: string, stores?: readonly string[]): boolean {
  const key = `${namespace}/${secretName}`;
  if (context.certificates.has(key)) return true;
  const pair = certificateFromSecret(context, namespace, secretName, field);
  if (!pair.ok) {
    context.fault(object, pair.field, pair.reason);
    return false;
  }
  context.certificates.set(key, defined({ certFile: pair.value.certFile, keyFile: pair.value.keyFile, stores }));
  return true;
}

/** The name of a TLSOption or TLSStore: `<namespace>-<name>`, or `default` for the one that replaces the default. */
function tlsId(object: KubernetesObject): string {
  const name = object.metadata?.name ?? '';
  return name === 'default' ? 'default' : makeId(object.metadata?.namespace ?? '', name);
}

/** Translates TLSOptions; a `default` defined in several namespaces is refused, as Traefik does. */
export function translateTlsOptions(context: TranslationContext): void {
  const defaults: KubernetesObject[] = [];
  for (const object of listTraefik<TlsOptionSpec>(context.snapshot, 'tlsOption')) {
    const namespace = object.metadata?.namespace ?? '';
    const spec = object.spec ?? {};
    const caFiles: string[] = [];
    for (const [index, secretName] of (spec.clientAuth?.secretNames ?? []).entries()) {
      const ca = caFromSecret(context, namespace, secretName, `spec.clientAuth.secretNames[${index}]`);
      if (ca.ok) caFiles.push(ca.value);
      else context.fault(object, ca.field, ca.reason);
    }
    if (object.metadata?.name === 'default') defaults.push(object);
    context.config.tls.options[tlsId(object)] = defined({
      minVersion: spec.minVersion,
      maxVersion: spec.maxVersion,
      cipherSuites: spec.cipherSuites,
      curvePreferences: spec.curvePreferences,
      clientAuth: spec.clientAuth === undefined ? undefined : defined({ caFiles: caFiles.length > 0 ? caFiles : undefined, clientAuthType: spec.clientAuth.clientAuthType }),
      sniStrict: spec.sniStrict,
      alpnProtocols: spec.alpnProtocols,
      disableSessionTickets: spec.disableSessionTickets,
    });
  }
  if (defaults.length > 1) {
    delete context.config.tls.options['default'];
    for (const object of defaults) context.fault(object, 'metadata.name', `default TLS options defined in several namespaces: ${defaults.map((item) => item.metadata?.namespace).join(', ')}`);
  }
}

/** Translates TLSStores, with their default certificate and the certificates of their Secrets. */
export function translateTlsStores(context: TranslationContext): void {
  const defaults: KubernetesObject[] = [];
  for (const object of listTraefik<TlsStoreSpec>(context.snapshot, 'tlsStore')) {
    const namespace = object.metadata?.namespace ?? '';
    const spec = object.spec ?? {};
    const id = tlsId(object);
    const store: Record<string, unknown> = {};
    if (spec.defaultCertificate !== undefined) {
      const pair = certificateFromSecret(context, namespace, spec.defaultCertificate.secretName, 'spec.defaultCertificate.secretName');
      if (!pair.ok) {
        context.fault(object, pair.field, pair.reason);
        continue;
      }
      store['defaultCertificate'] = pair.value;
    }
    if (spec.defaultGeneratedCert !== undefined) store['defaultGeneratedCert'] = defined({ ...spec.defaultGeneratedCert });
    // A certificate whose Secret is missing is reported and skipped; the store keeps the others.
    for (const [index, certificate] of (spec.certificates ?? []).entries()) {
      addSecretCertificate(context, object, namespace, certificate.secretName, `spec.certificates[${index}].secretName`, [id]);
    }
    if (object.metadata?.name === 'default') defaults.push(object);
    context.config.tls.stores[id] = store;
  }
  if (defaults.length > 1) {
    delete context.config.tls.stores['default'];
    for (const object of defaults) context.fault(object, 'metadata.name', `default TLS store defined in several namespaces: ${defaults.map((item) => item.metadata?.namespace).join(', ')}`);
  }
}
