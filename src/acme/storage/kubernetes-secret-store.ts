import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../observability/logger.js';
import { accountToJson, certificateToJson, isSameDomainSet, recordFromJson, type AcmeJsonEntry } from './acme-json.js';
import type { AcmeStore, ChallengeAnswer, ResolverRecord, StoreLock, StoredAccount, StoredCertificate } from './acme-store.js';
import { loadKubernetesApi, reasonOf, statusOf, type KubernetesApi, type V1Secret } from './kubernetes-api.js';
import { leaseNameFor, tryLeaseLock } from './kubernetes-lease-lock.js';
import { parseKubernetesSecretUrl, type KubernetesSecretAddress } from './kubernetes-secret-store-url.js';
import type { RenewingLock } from './renewing-lock.js';
import { parseStoredJson } from './stored-json.js';

export interface KubernetesSecretStoreOptions {
  readonly logger?: Logger | undefined;
  /** The cluster to use; by default the one the Kubernetes providers use (service account in a pod, else KUBECONFIG). */
  readonly kubeConfig?: KubeConfig | undefined;
  /** Where KUBECONFIG and the in-cluster variables are read from. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** Secret data keys: what a resolver name must be to name one. */
const secretKey = /^[-._a-zA-Z0-9]+$/;
/** Conditional writes that keep losing to other writers give up after this many tries. */
const maxWriteAttempts = 10;

type SecretData = Record<string, string>;

/** A challenge as the challenge Secret keeps it, with the time after which nobody needs it. */
type StoredChallenge = { readonly expiresAt: number } & ({ readonly keyAuthorization: string } | { readonly certificate: string; readonly key: string });

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
const decode = (value: string, where: string): unknown => parseStoredJson(Buffer.from(value, 'base64').toString('utf8'), where);

/**
 * Keeps resolvers' accounts and certificates in one Kubernetes Secret (type Opaque), one data key per resolver
 * holding its acme.json entry, so that several Junction replicas share them. Every write is conditional on the
 * resourceVersion read and retried on conflict. Locks are `coordination.k8s.io/v1` Leases beside the Secret;
 * challenges in flight live in a second Secret, `<name>-challenges`. Watching the Secret tells a replica what
 * another one saved; a periodic re-read covers events missed while the watch was down.
 */
export class KubernetesSecretStore implements AcmeStore {
  readonly description: string;
  readonly shared = true;
  readonly #address: KubernetesSecretAddress;
  readonly #logger: Logger | undefined;
  readonly #options: KubernetesSecretStoreOptions;
  #api: Promise<KubernetesApi> | undefined;
  readonly #watchers = new Set<(resolver: string) => void>();
  /** The Secret's data as this replica last saw it, its own writes included: watch events are compared with it. */
  #seen: SecretData | undefined;
  /** Values this replica is writing: an event carrying one of them is its own write, not another replica's. */
  readonly #writing = new Map<string, string>();
  #watch: AbortController | undefined;
  #watchRetry: NodeJS.Timeout | undefined;
  #poller: NodeJS.Timeout | undefined;
  #backoffMs = 500;
  #reportedDown = false;
  #closed = false;
  /** Locks held, abandoned when the store closes. */
  readonly #locks = new Set<RenewingLock>();

  constructor(url: string, options: KubernetesSecretStoreOptions = {}) {
    this.#address = parseKubernetesSecretUrl(url);
    this.description = `kubernetes secret ${this.#address.namespace}/${this.#address.name}`;
    this.#logger = options.logger;
    this.#options = options;
  }

  /** The client, loaded on first use; a failed load is tried again next time. */
  #client(): Promise<KubernetesApi> {
    this.#api ??= loadKubernetesApi(this.#options.kubeConfig, this.#options.env ?? process.env);
    this.#api.catch(() => (this.#api = undefined));
    return this.#api;
  }

  async #run<T>(operation: string, action: (api: KubernetesApi) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error(`${this.description}: ${operation}: the store is closed`);
    try {
      return await action(await this.#client());
    } catch (error) {
      throw new Error(`${this.description}: ${operation}: ${reasonOf(error)}`, { cause: error });
    }
  }

  async #read(api: KubernetesApi, name: string): Promise<V1Secret | undefined> {
    try {
      return await api.core.readNamespacedSecret({ name, namespace: this.#address.namespace });
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Changes a Secret's data: reads it, applies `change`, writes it back on condition that nobody wrote in
   * between (creating it when absent), and starts over on a conflict.
   */
  async #update(api: KubernetesApi, name: string, change: (data: SecretData) => SecretData): Promise<V1Secret> {
    const namespace = this.#address.namespace;
    for (let attempt = 1; ; attempt++) {
      const current = await this.#read(api, name);
      const data = change({ ...(current?.data ?? {}) });
      try {
        if (current === undefined) {
          return await api.core.createNamespacedSecret({
            namespace,
            body: { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'junction' } }, data },
          });
        }
        return await api.core.replaceNamespacedSecret({ name, namespace, body: { ...current, data } });
      } catch (error) {
        if (statusOf(error) !== 409 || attempt >= maxWriteAttempts) throw error;
        // Another replica wrote first: read its version and apply the change again, after a short random pause.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  async load(resolver: string): Promise<ResolverRecord> {
    const secret = await this.#run(`load resolver "${resolver}"`, (api) => this.#read(api, this.#address.name));
    const value = secret?.data?.[resolver];
    if (value === undefined) return { certificates: [] };
    return recordFromJson(decode(value, `${this.description} key ${resolver}`) as AcmeJsonEntry);
  }

  async saveAccount(resolver: string, account: StoredAccount): Promise<void> {
    await this.#saveEntry(resolver, `save the account of resolver "${resolver}"`, (entry) => ({ ...entry, Account: accountToJson(account, entry.Account) }));
  }

  async saveCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    await this.#saveEntry(resolver, `save the certificate for "${certificate.domain.main}" of resolver "${resolver}"`, (entry) => {
      const others = recordFromJson({ Certificates: entry.Certificates ?? null }).certificates.filter((stored) => !isSameDomainSet(stored.domain, certificate.domain));
      return { ...entry, Certificates: [...others, certificate].map(certificateToJson) };
    });
  }

  async #saveEntry(resolver: string, operation: string, change: (entry: AcmeJsonEntry) => AcmeJsonEntry): Promise<void> {
    if (!secretKey.test(resolver)) throw new Error(`${this.description}: ${operation}: resolver name "${resolver}" cannot name a Secret key (letters, digits, "-", "_" and "." only)`);
    await this.#run(operation, async (api) => {
      let written: string | undefined;
      try {
        const secret = await this.#update(api, this.#address.name, (data) => {
          const previous = data[resolver] === undefined ? {} : (decode(data[resolver], `${this.description} key ${resolver}`) as AcmeJsonEntry);
          written = encode({ Account: null, Certificates: null, ...change(previous) });
          this.#writing.set(resolver, written);
          return { ...data, [resolver]: written };
        });
        this.#remember(secret.data ?? {}, resolver);
      } finally {
        if (this.#writing.get(resolver) === written) this.#writing.delete(resolver);
      }
    });
  }

  /** Records the Secret's data after this replica's write, without reporting that write as a change. */
  #remember(data: SecretData, written: string): void {
    if (this.#seen === undefined) return;
    this.#seen = { ...this.#seen, [written]: data[written]! };
  }

  async tryLock(key: string, leaseMs: number): Promise<StoreLock | undefined> {
    const { namespace, name } = this.#address;
    const lock = await this.#run(`lock "${key}"`, (api) =>
      tryLeaseLock(api, namespace, leaseNameFor(name, key), key, leaseMs, {
        onLost: (reason) => {
          if (!this.#closed) this.#logger?.warn('ACME store lock lost', { store: this.description, lock: key, reason });
        },
        onEnd: (ended) => this.#locks.delete(ended),
      }),
    );
    if (lock === undefined) return undefined;
    this.#locks.add(lock);
    return lock;
  }

  get #challengeSecret(): string {
    return `${this.#address.name}-challenges`;
  }

  #challengeKey(answer: ChallengeAnswer): string {
    return answer.kind === 'http-01' ? `http-01.${answer.token}` : `tls-alpn-01.${answer.domain.toLowerCase()}`;
  }

  async putChallenge(answer: ChallengeAnswer, ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    const stored: StoredChallenge = answer.kind === 'http-01' ? { keyAuthorization: answer.keyAuthorization, expiresAt } : { certificate: answer.certificate, key: answer.key, expiresAt };
    const key = this.#challengeKey(answer);
    await this.#run(`publish the ${answer.kind} challenge for "${answer.domain}"`, (api) =>
      this.#update(api, this.#challengeSecret, (data) => ({ ...this.#withoutExpired(data), [key]: encode(stored) })),
    );
  }

  async removeChallenge(answer: ChallengeAnswer): Promise<void> {
    const key = this.#challengeKey(answer);
    await this.#run(`remove the ${answer.kind} challenge for "${answer.domain}"`, async (api) => {
      if ((await this.#read(api, this.#challengeSecret))?.data?.[key] === undefined) return;
      await this.#update(api, this.#challengeSecret, (data) => {
        const { [key]: _removed, ...rest } = this.#withoutExpired(data);
        return rest;
      });
    });
  }

  /** Secrets have no time to live: each write drops the answers whose time has passed. */
  #withoutExpired(data: SecretData): SecretData {
    const now = Date.now();
    return Object.fromEntries(Object.entries(data).filter(([key, value]) => {
      try {
        return (decode(value, key) as StoredChallenge).expiresAt > now;
      } catch {
        return false;
      }
    }));
  }

  async #challenge(key: string, operation: string): Promise<StoredChallenge | undefined> {
    const secret = await this.#run(operation, (api) => this.#read(api, this.#challengeSecret));
    const value = secret?.data?.[key];
    if (value === undefined) return undefined;
    const stored = decode(value, `${this.description}-challenges key ${key}`) as StoredChallenge;
    return stored.expiresAt > Date.now() ? stored : undefined;
  }

  async httpChallenge(token: string): Promise<string | undefined> {
    const stored = await this.#challenge(`http-01.${token}`, 'read an http-01 challenge');
    return stored !== undefined && 'keyAuthorization' in stored ? stored.keyAuthorization : undefined;
  }

  async tlsAlpnChallenge(domain: string): Promise<{ readonly certificate: string; readonly key: string } | undefined> {
    const stored = await this.#challenge(`tls-alpn-01.${domain.toLowerCase()}`, `read the tls-alpn-01 challenge for "${domain}"`);
    return stored !== undefined && 'certificate' in stored ? { certificate: stored.certificate, key: stored.key } : undefined;
  }

  watch(onChange: (resolver: string) => void): () => void {
    this.#watchers.add(onChange);
    if (this.#watchers.size === 1 && !this.#closed) {
      void this.#resync(true);
      this.#poller = setInterval(() => void this.#resync(false), this.#address.pollIntervalMs);
      this.#poller.unref();
    }
    return () => {
      this.#watchers.delete(onChange);
      if (this.#watchers.size === 0) this.#stopWatching();
    };
  }

  #stopWatching(): void {
    clearInterval(this.#poller);
    clearTimeout(this.#watchRetry);
    this.#poller = undefined;
    this.#watchRetry = undefined;
    this.#watch?.abort();
    this.#watch = undefined;
    this.#seen = undefined;
  }

  /** Reads the Secret, reports what changed since last seen, and (re)starts the watch from its resourceVersion. */
  async #resync(restartWatch: boolean): Promise<void> {
    if (this.#closed || this.#watchers.size === 0) return;
    try {
      const api = await this.#client();
      const secret = await this.#read(api, this.#address.name);
      this.#observe(secret?.data ?? {});
      this.#reachable();
      if (restartWatch) await this.#startWatch(api, secret?.metadata?.resourceVersion);
    } catch (error) {
      this.#unreachable(error);
      if (restartWatch) this.#retryWatch();
    }
  }

  async #startWatch(api: KubernetesApi, resourceVersion: string | undefined): Promise<void> {
    const { namespace, name } = this.#address;
    const query: Record<string, string | boolean> = { fieldSelector: `metadata.name=${name}`, allowWatchBookmarks: true };
    if (resourceVersion !== undefined) query['resourceVersion'] = resourceVersion;
    this.#watch = await api.watch.watch(
      `/api/v1/namespaces/${namespace}/secrets`,
      query,
      (phase: string, object: V1Secret) => {
        if (object?.metadata?.name !== name) return;
        this.#backoffMs = 500;
        if (phase === 'ADDED' || phase === 'MODIFIED') this.#observe(object.data ?? {});
        else if (phase === 'DELETED') this.#observe({});
      },
      (error: unknown) => {
        this.#watch = undefined;
        if (error !== null && error !== undefined && (error as Error).name !== 'AbortError') this.#unreachable(error);
        this.#retryWatch();
      },
    );
  }

  /** Lists and watches again after a pause that doubles up to 30 s while the API stays unreachable. */
  #retryWatch(): void {
    if (this.#closed || this.#watchers.size === 0 || this.#watchRetry !== undefined) return;
    this.#watchRetry = setTimeout(() => {
      this.#watchRetry = undefined;
      void this.#resync(true);
    }, this.#backoffMs);
    this.#watchRetry.unref();
    this.#backoffMs = Math.min(this.#backoffMs * 2, 30_000);
  }

  /** Reports the resolvers whose data differs from what this replica last saw and is not its own write. */
  #observe(data: SecretData): void {
    const seen = this.#seen;
    this.#seen = { ...data };
    if (seen === undefined) return;
    for (const resolver of new Set([...Object.keys(seen), ...Object.keys(data)])) {
      if (seen[resolver] === data[resolver] || this.#writing.get(resolver) === data[resolver]) continue;
      for (const onChange of this.#watchers) {
        try {
          onChange(resolver);
        } catch (error) {
          this.#logger?.error('ACME store change handler failed', { store: this.description, resolver, error: (error as Error).message });
        }
      }
    }
  }

  #unreachable(error: unknown): void {
    if (this.#reportedDown || this.#closed) return;
    this.#reportedDown = true;
    this.#logger?.warn('ACME store unreachable, retrying', { store: this.description, error: reasonOf(error) });
  }

  #reachable(): void {
    if (!this.#reportedDown) return;
    this.#reportedDown = false;
    this.#logger?.info('ACME store reachable again', { store: this.description });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    this.#stopWatching();
    for (const lock of this.#locks) lock.abandon();
    this.#locks.clear();
  }
}
