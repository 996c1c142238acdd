import { makeId, normalize } from './naming.js';
import { listTraefik } from './resources.js';
import { middlewareNames, nameAndService, type LoadBalancerSpec, type ObjectReference } from './load-balancer.js';
import { authUsers, caFromSecret, certificateFromSecret, secretValue } from './secret-values.js';
import { defined, failure, success, type Outcome, type TranslationContext } from './translation-context.js';

type Spec = Record<string, unknown>;
type Converter = (context: TranslationContext, namespace: string, id: string, value: Spec, field: string) => Outcome<Spec>;

interface ClientTlsSecrets {
  readonly caSecret?: string;
  readonly certSecret?: string;
  readonly insecureSkipVerify?: boolean;
  readonly caOptional?: boolean;
}

/** A client TLS section whose CA and certificate come from Secrets (forwardAuth, rateLimit's Redis). */
function clientTls(context: TranslationContext, namespace: string, tls: ClientTlsSecrets, field: string): Outcome<Spec> {
  const result: Spec = defined({ insecureSkipVerify: tls.insecureSkipVerify, caOptional: tls.caOptional });
  if (tls.caSecret !== undefined && tls.caSecret !== '') {
    const ca = caFromSecret(context, namespace, tls.caSecret, `${field}.caSecret`);
    if (!ca.ok) return ca;
    result['ca'] = ca.value;
  }
  if (tls.certSecret !== undefined && tls.certSecret !== '') {
    const pair = certificateFromSecret(context, namespace, tls.certSecret, `${field}.certSecret`);
    if (!pair.ok) return pair;
    result['cert'] = pair.value.certFile;
    result['key'] = pair.value.keyFile;
  }
  return success(result);
}

function withoutKeys(value: Spec, ...keys: string[]): Spec {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** Replaces `urn:k8s:secret:<name>:<key>` strings anywhere in a plugin's configuration with the Secret's value. */
function resolveSecretUrns(context: TranslationContext, namespace: string, value: unknown, field: string): Outcome<unknown> {
  if (typeof value === 'string') return value.startsWith('urn:k8s:secret:') ? secretValue(context, namespace, value, field) : success(value);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const [index, item] of value.entries()) {
      const resolved = resolveSecretUrns(context, namespace, item, `${field}[${index}]`);
      if (!resolved.ok) return resolved;
      items.push(resolved.value);
    }
    return success(items);
  }
  if (value !== null && typeof value === 'object') {
    const entries: Spec = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveSecretUrns(context, namespace, item, `${field}.${key}`);
      if (!resolved.ok) return resolved;
      entries[key] = resolved.value;
    }
    return success(entries);
  }
  return success(value);
}

/** Middleware kinds whose Kubernetes form differs from the file form: Secrets, references, services. */
const converters: Record<string, Converter> = {
  basicAuth(context, namespace, _id, value, field) {
    const users = authUsers(context, namespace, value['secret'] as string | undefined, `${field}.secret`, true);
    return users.ok ? success({ ...withoutKeys(value, 'secret'), users: users.value }) : users;
  },
  digestAuth(context, namespace, _id, value, field) {
    const users = authUsers(context, namespace, value['secret'] as string | undefined, `${field}.secret`, false);
    return users.ok ? success({ ...withoutKeys(value, 'secret'), users: users.value }) : users;
  },
  forwardAuth(context, namespace, _id, value, field) {
    if (typeof value['address'] !== 'string' || value['address'] === '') return failure(`${field}.address`, 'forward authentication requires an address');
    if (value['tls'] === undefined) return success(value);
    const tls = clientTls(context, namespace, value['tls'] as ClientTlsSecrets, `${field}.tls`);
    return tls.ok ? success({ ...value, tls: tls.value }) : tls;
  },
  chain(context, namespace, _id, value, field) {
    const names = middlewareNames(context, namespace, value['middlewares'] as ObjectReference[] | undefined, `${field}.middlewares`);
    return names.ok ? success({ middlewares: names.value }) : names;
  },
  errors(context, namespace, id, value, field) {
    const named = nameAndService(context, namespace, (value['service'] ?? {}) as LoadBalancerSpec);
    if (!named.ok) return failure(named.field === '' ? `${field}.service` : `${field}.service.${named.field}`, named.reason);
    let service = named.value.name;
    if (named.value.service !== undefined) {
      // As Traefik: the errors middleware gets its own copy of a Kubernetes Service's load balancer.
      service = `${id}-errorpage-service`;
      context.config.http.services[service] = named.value.service;
    }
    return success({ ...value, service });
  },
  rateLimit(context, namespace, _id, value, field) {
    const redis = value['redis'] as Spec | undefined;
    if (redis === undefined) return success(value);
    const converted: Spec = withoutKeys(redis, 'secret', 'tls');
    if (typeof redis['secret'] === 'string' && redis['secret'] !== '') {
      const users = secretEntries(context, namespace, redis['secret'], `${field}.redis.secret`);
      if (!users.ok) return users;
      Object.assign(converted, users.value);
    }
    if (redis['tls'] !== undefined) {
      const tls = clientTls(context, namespace, redis['tls'] as ClientTlsSecrets, `${field}.redis.tls`);
      if (!tls.ok) return tls;
      converted['tls'] = tls.value;
    }
    return success({ ...value, redis: converted });
  },
  plugin(context, namespace, _id, value, field) {
    const resolved = resolveSecretUrns(context, namespace, value, field);
    return resolved.ok ? success(resolved.value as Spec) : resolved;
  },
};

/** Redis credentials: the `username` and `password` entries of a Secret. */
function secretEntries(context: TranslationContext, namespace: string, name: string, field: string): Outcome<{ username: string; password: string }> {
  const username = secretValue(context, namespace, `urn:k8s:secret:${name}:username`, field);
  const password = secretValue(context, namespace, `urn:k8s:secret:${name}:password`, field);
  if (!username.ok || !password.ok) return failure(field, `secret ${namespace}/${name} must contain both username and password keys`);
  return success({ username: username.value, password: password.value });
}

/** Translates every Middleware into `http.middlewares.<namespace>-<name>`; one with a fault is left out. */
export function translateMiddlewares(context: TranslationContext): void {
  for (const object of listTraefik<Spec>(context.snapshot, 'middleware')) {
    const namespace = object.metadata?.namespace ?? '';
    const id = normalize(makeId(namespace, object.metadata?.name ?? ''));
    const middleware: Spec = {};
    let fault: { field: string; reason: string } | undefined;
    for (const [kind, value] of Object.entries(object.spec ?? {})) {
      if (value === null || value === undefined) continue;
      const convert = converters[kind];
      const converted = convert === undefined || typeof value !== 'object' ? success(value as Spec) : convert(context, namespace, id, value as Spec, `spec.${kind}`);
      if (!converted.ok) {
        fault = converted;
        break;
      }
      middleware[kind] = converted.value;
    }
    if (fault !== undefined) {
      context.fault(object, fault.field, fault.reason);
      continue;
    }
    context.config.http.middlewares[id] = middleware;
  }
}

/** Translates every MiddlewareTCP into `tcp.middlewares.<namespace>-<name>` (inFlightConn, ipAllowList, ipWhiteList). */
export function translateMiddlewaresTcp(context: TranslationContext): void {
  for (const object of listTraefik<Spec>(context.snapshot, 'middlewareTCP')) {
    const namespace = object.metadata?.namespace ?? '';
    context.config.tcp.middlewares[normalize(makeId(namespace, object.metadata?.name ?? ''))] = defined({ ...(object.spec ?? {}) });
  }
}
