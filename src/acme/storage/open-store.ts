import { resolve } from 'node:path';
import { ConfigError, quote } from '../../config/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { AcmeStore } from './acme-store.js';
import { FileStore } from './file-store.js';
import { KubernetesSecretStore } from './kubernetes-secret-store.js';
import { RedisStore } from './redis-store.js';

/** What opening a store needs besides the `storage` value. */
export interface OpenStoreOptions {
  /** The configuration path of the `storage` value, for errors: `certificatesResolvers.le.acme.storage`. */
  readonly path: string;
  /** Resolves a relative file path, as Traefik resolves it against its working directory. */
  readonly cwd: string;
  /** Where shared stores report losing and regaining their backend. */
  readonly logger?: Logger | undefined;
  /** Where the Kubernetes store finds KUBECONFIG or the in-cluster variables. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Opens the store a resolver's `storage` value names: `redis://` and `rediss://` URLs and
 * `kubernetes://<namespace>/<secret-name>` name stores shared by several instances; anything else is the path
 * of an `acme.json` file. Throws a ConfigError at `options.path` for a value no store accepts.
 */
export function openAcmeStore(storage: string, options: OpenStoreOptions): AcmeStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(storage)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FileStore(resolve(options.cwd, storage));
  try {
    if (scheme === 'redis' || scheme === 'rediss') return new RedisStore(storage, { logger: options.logger });
    if (scheme === 'kubernetes') return new KubernetesSecretStore(storage, { logger: options.logger, env: options.env });
  } catch (error) {
    // Only the URL is checked here: the backend is reached later, and its absence is reported then.
    throw new ConfigError(options.path, `invalid storage ${quote(redactPassword(storage))}: ${(error as Error).message}`);
  }
  throw new ConfigError(options.path, `unknown storage ${quote(storage)}; expected a file path, a redis:// URL or kubernetes://<namespace>/<secret-name>`);
}

/** The URL with its password masked, for messages. */
function redactPassword(storage: string): string {
  return storage.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** A key that names the same store for equal `storage` values, so resolvers sharing a file share its store. */
export function storeKey(storage: string, cwd: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(storage) ? storage : resolve(cwd, storage);
}
