import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { kinds } from '../kubernetes/cluster-snapshot.js';
import { secretEntry, tlsCertificateFromSecret } from '../kubernetes/secrets.js';
import { configMapKind } from './resources.js';
import { failure, success, type Outcome, type TranslationContext } from './translation-context.js';

function findSecret(context: TranslationContext, namespace: string, name: string, field: string): Outcome<V1Secret> {
  const secret = context.snapshot.get<V1Secret>(kinds.secret, namespace, name);
  return secret === undefined ? failure(field, `secret ${namespace}/${name} not found`) : success(secret);
}

/** A CA bundle from a Secret: `tls.ca`, else `ca.crt`, else its only entry (as Traefik still accepts). */
export function caFromSecret(context: TranslationContext, namespace: string, name: string, field: string): Outcome<string> {
  const found = findSecret(context, namespace, name, field);
  if (!found.ok) return found;
  const ca = secretEntry(found.value, 'tls.ca') ?? secretEntry(found.value, 'ca.crt');
  if (ca !== undefined) return success(ca);
  const entries = Object.keys(found.value.data ?? {});
  if (entries.length === 1) return success(secretEntry(found.value, entries[0]!)!);
  return failure(field, `secret ${namespace}/${name} contains neither tls.ca nor ca.crt`);
}

/** A CA bundle from a ConfigMap: `tls.ca`, else `ca.crt`. */
export function caFromConfigMap(context: TranslationContext, namespace: string, name: string, field: string): Outcome<string> {
  const configMap = context.snapshot.get<V1ConfigMap>(configMapKind, namespace, name);
  if (configMap === undefined) return failure(field, `configMap ${namespace}/${name} not found`);
  const ca = configMap.data?.['tls.ca'] ?? configMap.data?.['ca.crt'];
  return ca === undefined ? failure(field, `configMap ${namespace}/${name} contains neither tls.ca nor ca.crt`) : success(ca);
}

/** A certificate and its key (`tls.crt`, `tls.key`) from a Secret. */
export function certificateFromSecret(context: TranslationContext, namespace: string, name: string, field: string): Outcome<{ certFile: string; keyFile: string }> {
  const pair = tlsCertificateFromSecret(context.snapshot, namespace, name);
  return pair.ok ? success({ certFile: pair.pair.certFile, keyFile: pair.pair.keyFile }) : failure(field, pair.reason);
}

/**
 * The users of a basicAuth or digestAuth middleware from its Secret: a `kubernetes.io/basic-auth` Secret gives
 * one user with a `{SHA}` hash of its password; any other Secret has exactly one entry with one user per line.
 */
export function authUsers(context: TranslationContext, namespace: string, name: string | undefined, field: string, basicAuthType: boolean): Outcome<string[]> {
  if (name === undefined || name === '') return failure(field, 'auth secret must be set');
  const found = findSecret(context, namespace, name, field);
  if (!found.ok) return found;
  const secret = found.value;
  if (basicAuthType && secret.type === 'kubernetes.io/basic-auth') {
    const username = secretEntry(secret, 'username');
    const password = secret.data?.['password'];
    if (username === undefined || password === undefined) return failure(field, `secret ${namespace}/${name} must contain both username and password keys`);
    const digest = createHash('sha1').update(Buffer.from(password, 'base64')).digest('base64');
    return success([`${username}:{SHA}${digest}`]);
  }
  const entries = Object.keys(secret.data ?? {});
  if (entries.length !== 1) return failure(field, `found ${entries.length} elements for secret ${namespace}/${name}, must be single element exactly`);
  const users = secretEntry(secret, entries[0]!)!.split(/\r?\n/).filter((line) => line !== '');
  if (users.length === 0) return failure(field, `secret ${namespace}/${name} does not contain any credentials`);
  return success(users);
}

/** A value of a Secret's entry, for `urn:k8s:secret:<name>:<key>` in plugin configuration. */
export function secretValue(context: TranslationContext, namespace: string, urn: string, field: string): Outcome<string> {
  const parts = urn.split(':');
  if (parts.length !== 5) return failure(field, `malformed secret URN ${JSON.stringify(urn)}`);
  const found = findSecret(context, namespace, parts[3]!, field);
  if (!found.ok) return found;
  const value = secretEntry(found.value, parts[4]!);
  return value === undefined ? failure(field, `key ${JSON.stringify(parts[4])} not found in secret ${namespace}/${parts[3]}`) : success(value);
}
