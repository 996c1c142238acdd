import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.js';
import type { AcmeStore, ChallengeAnswer, ResolverRecord, StoreLock, StoredAccount, StoredCertificate } from './acme-store.js';
import { RenewingLock } from './renewing-lock.js';
import { parseRedisStoreUrl, type RedisStoreAddress } from './redis-store-url.js';
import { accountToJson, certificateToJson, recordFromJson, type AcmeJsonEntry } from './acme-json.js';
import { domainSetKey, parseStoredJson } from './stored-json.js';

export interface RedisStoreOptions {
  readonly logger?: Logger | undefined;
  /** How long an operation may wait for Redis (connecting included) before it fails (ms). */
  readonly commandTimeoutMs?: number | undefined;
}

/** Extends the lease only while it still holds our token. */
const renewScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lock only while it still holds our token: a lock taken over after expiry stays with its new holder. */
const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A change notice on the channel: which resolver changed, to which change count, and which instance changed it. */
interface ChangeNotice {
  readonly resolver: string;
  readonly version: number;
  readonly instance: string;
}

/** Reconnection waits 100 ms, doubling up to 5 s, for as long as it takes. */
const reconnectDelay = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 10), 5000);

/**
 * Keeps resolvers' accounts and certificates in Redis so that several Junction instances share them.
 *
 * Keys, under the prefix (`junction:acme`):
 * - `<prefix>:resolver:<name>:account`: the resolver's `Account` entry of acme.json (JSON);
 * - `<prefix>:resolver:<name>:certificates`: a hash, one field per domain set, each an acme.json `Certificates` entry;
 * - `<prefix>:resolver:<name>:version`: counts the resolver's changes, for watchers that missed a notice;
 * - `<prefix>:resolvers`: the set of resolvers stored;
 * - `<prefix>:challenge:http-01:<token>`, `<prefix>:challenge:tls-alpn-01:<domain>`: answers in flight, with a TTL;
 * - `<prefix>:lock:<key>`: a lock, holding its holder's random token, with the lease as TTL;
 * - channel `<prefix>:changes`: a notice after each save.
 */
export class RedisStore implements AcmeStore {
  readonly description: string;
  readonly shared = true;
  readonly #address: RedisStoreAddress;
  readonly #client: Redis;
  readonly #logger: Logger | undefined;
  readonly #instance = randomUUID();
  readonly #watchers = new Set<(resolver: string) => void>();
  #subscriber: Redis | undefined;
  #poller: NodeJS.Timeout | undefined;
  /** The change counter of each resolver as this instance last saw it (its own saves included). */
  readonly #seenVersions = new Map<string, number>();
  /** Whether a poll has recorded the counters since watching started: later polls report what moved. */
  #hasBaseline = false;
  #closed = false;
  /** Locks held, abandoned when the store closes. */
  readonly #locks = new Set<RenewingLock>();

  readonly #commandTimeoutMs: number;
  /** Why the command connection is down, for the errors of operations that could not wait for it. */
  #lastError = 'connecting';

  constructor(url: string, options: RedisStoreOptions = {}) {
    this.#address = parseRedisStoreUrl(url);
    this.description = `redis ${this.#address.display}`;
    this.#logger = options.logger;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#client = this.#connect('commands');
  }

  #connect(role: 'commands' | 'notices'): Redis {
    const address = this.#address;
    const client = new Redis({
      host: address.host,
      port: address.port,
      db: address.db,
      username: address.username,
      password: address.password,
      tls: address.tls,
      connectionName: `junction-acme-${role}`,
      retryStrategy: reconnectDelay,
      connectTimeout: 5000,
      ...(role === 'commands'
        ? {
            // A command is sent only on a live connection and never replayed after a reconnection: one that
            // timed out must not run later (a lock taken then would have nobody to renew or release it).
            enableOfflineQueue: false,
            autoResendUnfulfilledCommands: false,
            commandTimeout: this.#commandTimeoutMs,
          }
        : // The subscription is made whenever the connection is up, and made again after each reconnection.
          { enableOfflineQueue: true, maxRetriesPerRequest: null }),
    });
    let reportedDown = false;
    client.on('error', (error: Error) => {
      if (role === 'commands') this.#lastError = error.message;
      if (reportedDown || this.#closed) return;
      reportedDown = true;
      this.#logger?.warn('ACME store unreachable, reconnecting', { store: this.description, connection: role, error: error.message });
    });
    client.on('ready', () => {
      if (!reportedDown) return;
      reportedDown = false;
      this.#logger?.info('ACME store reachable again', { store: this.description, connection: role });
      // Notices published while we were away are lost: the counters tell what changed.
      if (role === 'notices') void this.#poll();
    });
    return client;
  }

  #key(...parts: string[]): string {
    return [this.#address.keyPrefix, ...parts].join(':');
  }

  /** Waits for the command connection to be ready, up to the command timeout. */
  async #connected(): Promise<void> {
    const client = this.#client;
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const ready = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', ready);
        reject(new Error(`not connected (${this.#lastError})`));
      }, this.#commandTimeoutMs);
      client.once('ready', ready);
    });
  }

  /** Runs a Redis operation, turning its failure into an error that names the store and the operation. */
  async #run<T>(operation: string, action: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error(`${this.description}: ${operation}: the store is closed`);
    try {
      await this.#connected();
      return await action();
    } catch (error) {
      throw new Error(`${this.description}: ${operation}: ${(error as Error).message}`, { cause: error });
    }
  }

  async load(resolver: string): Promise<ResolverRecord> {
    const accountKey = this.#key('resolver', resolver, 'account');
    const certificatesKey = this.#key('resolver', resolver, 'certificates');
    const [account, certificates] = await this.#run(`load resolver "${resolver}"`, async () => {
      const results = await this.#client.multi().get(accountKey).hgetall(certificatesKey).exec();
      if (results === null) throw new Error('transaction aborted');
      for (const [error] of results) if (error !== null) throw error;
      return [results[0]![1] as string | null, results[1]![1] as Record<string, string>];
    });
    // The same reading as acme.json's: entries Traefik would drop (no certificate or key) are left out.
    const entry: AcmeJsonEntry = {
      Account: account === null ? null : (parseStoredJson(account, `redis key ${accountKey}`) as AcmeJsonEntry['Account']),
      Certificates: Object.keys(certificates).sort().map((field) => parseStoredJson(certificates[field]!, `redis hash ${certificatesKey} field ${field}`) as NonNullable<AcmeJsonEntry['Certificates']>[number]),
    };
    return recordFromJson(entry);
  }

  async saveAccount(resolver: string, account: StoredAccount): Promise<void> {
    const json = JSON.stringify(accountToJson(account, undefined));
    await this.#save(resolver, `save the account of resolver "${resolver}"`, (transaction, key) => transaction.set(key('account'), json));
  }

  async saveCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    const json = JSON.stringify(certificateToJson(certificate));
    const field = domainSetKey(certificate.domain);
    await this.#save(resolver, `save the certificate for "${field}" of resolver "${resolver}"`, (transaction, key) => transaction.hset(key('certificates'), field, json));
  }

  /** Writes and counts a change in one transaction, then tells the other instances. */
  async #save(resolver: string, operation: string, write: (transaction: ReturnType<Redis['multi']>, key: (part: string) => string) => void): Promise<void> {
    const key = (part: string): string => this.#key('resolver', resolver, part);
    await this.#run(operation, async () => {
      const transaction = this.#client.multi();
      write(transaction, key);
      transaction.sadd(this.#key('resolvers'), resolver).incr(key('version'));
      const results = await transaction.exec();
      if (results === null) throw new Error('transaction aborted');
      for (const [error] of results) if (error !== null) throw error;
      const version = Number(results[results.length - 1]![1]);
      this.#seenVersions.set(resolver, Math.max(version, this.#seenVersions.get(resolver) ?? 0));
      const notice: ChangeNotice = { resolver, version, instance: this.#instance };
      await this.#client.publish(this.#key('changes'), JSON.stringify(notice));
    });
  }

  async tryLock(key: string, leaseMs: number): Promise<StoreLock | undefined> {
    const lockKey = this.#key('lock', key);
    const token = `${this.#instance}:${randomUUID()}`;
    const takenAt = Date.now();
    const taken = await this.#run(`lock "${key}"`, () => this.#client.set(lockKey, token, 'PX', leaseMs, 'NX'));
    if (taken !== 'OK') return undefined;
    const client = this.#client;
    const lock = new RenewingLock(
      {
        renew: async () => {
          await this.#connected();
          return Number(await client.eval(renewScript, 1, lockKey, token, String(leaseMs))) === 1;
        },
        release: async () => {
          await this.#run(`release lock "${key}"`, () => client.eval(releaseScript, 1, lockKey, token));
        },
      },
      leaseMs,
      takenAt,
      (reason) => {
        if (!this.#closed) this.#logger?.warn('ACME store lock lost', { store: this.description, lock: key, reason });
      },
      (ended) => this.#locks.delete(ended),
    );
    this.#locks.add(lock);
    return lock;
  }

  #challengeKey(answer: Pick<ChallengeAnswer, 'kind'> & { readonly token?: string; readonly domain: string }): string {
    return answer.kind === 'http-01' ? this.#key('challenge', 'http-01', answer.token!) : this.#key('challenge', 'tls-alpn-01', answer.domain.toLowerCase());
  }

  async putChallenge(answer: ChallengeAnswer, ttlMs: number): Promise<void> {
    const value = answer.kind === 'http-01' ? answer.keyAuthorization : JSON.stringify({ certificate: answer.certificate, key: answer.key });
    const key = this.#challengeKey(answer);
    await this.#run(`publish the ${answer.kind} challenge for "${answer.domain}"`, () => this.#client.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async removeChallenge(answer: ChallengeAnswer): Promise<void> {
    const key = this.#challengeKey(answer);
    await this.#run(`remove the ${answer.kind} challenge for "${answer.domain}"`, () => this.#client.del(key));
  }

  async httpChallenge(token: string): Promise<string | undefined> {
    const value = await this.#run('read an http-01 challenge', () => this.#client.get(this.#key('challenge', 'http-01', token)));
    return value ?? undefined;
  }

  async tlsAlpnChallenge(domain: string): Promise<{ readonly certificate: string; readonly key: string } | undefined> {
    const key = this.#key('challenge', 'tls-alpn-01', domain.toLowerCase());
    const value = await this.#run(`read the tls-alpn-01 challenge for "${domain}"`, () => this.#client.get(key));
    if (value === null) return undefined;
    const parsed = parseStoredJson(value, `redis key ${key}`) as { certificate?: unknown; key?: unknown };
    if (typeof parsed.certificate !== 'string' || typeof parsed.key !== 'string') return undefined;
    return { certificate: parsed.certificate, key: parsed.key };
  }

  watch(onChange: (resolver: string) => void): () => void {
    this.#watchers.add(onChange);
    if (this.#subscriber === undefined && !this.#closed) this.#startWatching();
    return () => {
      this.#watchers.delete(onChange);
      if (this.#watchers.size === 0) this.#stopWatching();
    };
  }

  #startWatching(): void {
    const subscriber = this.#connect('notices');
    this.#subscriber = subscriber;
    const channel = this.#key('changes');
    subscriber.on('message', (_channel: string, message: string) => {
      let notice: ChangeNotice;
      try {
        notice = JSON.parse(message) as ChangeNotice;
      } catch {
        return;
      }
      if (notice.instance === this.#instance || typeof notice.resolver !== 'string') return;
      const seen = this.#seenVersions.get(notice.resolver) ?? 0;
      if (typeof notice.version === 'number' && notice.version <= seen) return;
      this.#seenVersions.set(notice.resolver, Math.max(seen, Number(notice.version) || 0));
      this.#notify(notice.resolver);
    });
    subscriber.subscribe(channel).catch((error: Error) => {
      this.#logger?.warn('ACME store cannot subscribe to changes; relying on polling', { store: this.description, error: error.message });
    });
    // The first poll records the counters as they are now; later polls report what moved since.
    void this.#poll();
    this.#poller = setInterval(() => void this.#poll(), this.#address.pollIntervalMs);
    this.#poller.unref();
  }

  #stopWatching(): void {
    clearInterval(this.#poller);
    this.#poller = undefined;
    this.#hasBaseline = false;
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  /** Reports every resolver whose change counter moved since this instance last saw it. */
  async #poll(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#connected();
      const resolvers = (await this.#client.smembers(this.#key('resolvers'))).sort();
      if (resolvers.length === 0) {
        this.#hasBaseline = true;
        return;
      }
      const versions = await this.#client.mget(resolvers.map((resolver) => this.#key('resolver', resolver, 'version')));
      resolvers.forEach((resolver, index) => {
        const version = Number(versions[index] ?? 0);
        const seen = this.#seenVersions.get(resolver) ?? 0;
        this.#seenVersions.set(resolver, Math.max(version, seen));
        if (this.#hasBaseline && version > seen) this.#notify(resolver);
      });
      this.#hasBaseline = true;
    } catch {
      // Unreachable: the connection's own error handler has said so; the next poll tries again.
    }
  }

  #notify(resolver: string): void {
    for (const onChange of this.#watchers) {
      try {
        onChange(resolver);
      } catch (error) {
        this.#logger?.error('ACME store change handler failed', { store: this.description, resolver, error: (error as Error).message });
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchers.clear();
    this.#stopWatching();
    for (const lock of this.#locks) lock.abandon();
    this.#locks.clear();
    // QUIT waits for a connection; a store that lost Redis just drops its reconnection attempts.
    if (this.#client.status !== 'ready') return this.#client.disconnect();
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }
}
