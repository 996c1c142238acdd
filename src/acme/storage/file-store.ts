import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { AcmeStore, ChallengeAnswer, ResolverRecord, StoreLock, StoredAccount, StoredCertificate } from './acme-store.js';
import { accountToJson, certificateToJson, isSameDomainSet, recordFromJson, serializeAcmeJson, type AcmeJson } from './acme-json.js';

/**
 * Traefik's `acme.json`: every resolver naming the same file shares one store. The file is read once, kept in
 * memory and rewritten whole on each change, atomically (a temporary file renamed over it) with mode 0600.
 * Locks and challenges live in this process only: a file is never shared by running instances.
 */
export class FileStore implements AcmeStore {
  readonly description: string;
  readonly shared = false;
  readonly #path: string;
  #data: Promise<AcmeJson> | undefined;
  /** Writes happen one after the other, each with the data as it is when its turn comes. */
  #writing: Promise<void> = Promise.resolve();
  readonly #locks = new Set<string>();
  readonly #httpChallenges = new Map<string, string>();
  readonly #tlsAlpnChallenges = new Map<string, { readonly certificate: string; readonly key: string }>();

  constructor(path: string) {
    this.#path = path;
    this.description = `acme.json file ${path}`;
  }

  /** Reads the file once; creates it empty with mode 0600 when missing, refuses one others can read, as Traefik. */
  #read(): Promise<AcmeJson> {
    this.#data ??= (async () => {
      let mode: number;
      try {
        mode = (await stat(this.#path)).mode;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const created = await open(this.#path, 'wx', 0o600);
        await created.close();
        return {};
      }
      if ((mode & 0o077) !== 0) throw new Error(`permissions ${(mode & 0o777).toString(8)} for ${this.#path} are too open, please use 600`);
      const text = await readFile(this.#path, 'utf8');
      if (text.trim() === '') return {};
      const parsed = JSON.parse(text) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${this.#path} does not hold a JSON object`);
      return parsed as AcmeJson;
    })();
    // A failed read is tried again next time: the file may be fixed meanwhile.
    this.#data.catch(() => (this.#data = undefined));
    return this.#data;
  }

  async load(resolver: string): Promise<ResolverRecord> {
    return recordFromJson((await this.#read())[resolver]);
  }

  async saveAccount(resolver: string, account: StoredAccount): Promise<void> {
    await this.#update((data) => {
      const entry = (data[resolver] ??= { Account: null, Certificates: null });
      entry.Account = accountToJson(account, entry.Account);
    });
  }

  async saveCertificate(resolver: string, certificate: StoredCertificate): Promise<void> {
    await this.#update((data) => {
      const entry = (data[resolver] ??= { Account: null, Certificates: null });
      const certificates = recordFromJson({ Certificates: entry.Certificates ?? null }).certificates.filter((stored) => !isSameDomainSet(stored.domain, certificate.domain));
      entry.Certificates = [...certificates, certificate].map(certificateToJson);
    });
  }

  async #update(change: (data: AcmeJson) => void): Promise<void> {
    const data = await this.#read();
    change(data);
    const text = serializeAcmeJson(data);
    const write = this.#writing.then(() => this.#write(text));
    this.#writing = write.catch(() => undefined);
    await write;
  }

  async #write(text: string): Promise<void> {
    const temporary = join(dirname(this.#path), `.${basename(this.#path)}.${process.pid}.tmp`);
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, this.#path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Locks within this process; a lease is not needed where the holder cannot die without its lock. */
  async tryLock(key: string, _leaseMs: number): Promise<StoreLock | undefined> {
    if (this.#locks.has(key)) return undefined;
    this.#locks.add(key);
    let held = true;
    return {
      get held() {
        return held;
      },
      release: async () => {
        if (!held) return;
        held = false;
        this.#locks.delete(key);
      },
    };
  }

  async putChallenge(answer: ChallengeAnswer): Promise<void> {
    if (answer.kind === 'http-01') this.#httpChallenges.set(answer.token, answer.keyAuthorization);
    else this.#tlsAlpnChallenges.set(answer.domain, { certificate: answer.certificate, key: answer.key });
  }

  async removeChallenge(answer: ChallengeAnswer): Promise<void> {
    if (answer.kind === 'http-01') this.#httpChallenges.delete(answer.token);
    else this.#tlsAlpnChallenges.delete(answer.domain);
  }

  async httpChallenge(token: string): Promise<string | undefined> {
    return this.#httpChallenges.get(token);
  }

  async tlsAlpnChallenge(domain: string): Promise<{ readonly certificate: string; readonly key: string } | undefined> {
    return this.#tlsAlpnChallenges.get(domain);
  }

  watch(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    await this.#writing;
  }
}
