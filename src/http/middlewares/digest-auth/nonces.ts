import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A nonce handed out in a challenge, with the highest nonce count seen for it. */
export interface NonceEntry {
  nc: bigint;
  lastSeen: number;
}

/** go-http-auth's client cache: past size + tolerance, the 2 × tolerance least recently seen nonces go. */
const cacheSize = 1000;
const cacheTolerance = 100;
/** How long a nonce issued by another worker process is taken on trust. */
const foreignNonceLifetimeMs = 5 * 60_000;

/** Where a nonce stands when a request presents it. */
export type NonceLookup = NonceEntry | 'unknown' | 'expired';

/**
 * The nonces of one digestAuth middleware. A nonce is 12 bytes, base64 like go-http-auth's 16-character
 * keys: issue time (seconds), 4 random bytes, and a 4-byte MAC under a key derived from the middleware's
 * definition. With one process the MAC is never needed: a nonce counts only if this table issued it, as in
 * Traefik. With several worker processes a challenge and its answer may reach different workers, so a
 * nonce another worker issued is adopted when its MAC holds and it is recent; replays across workers within
 * that window are not detected (each worker tracks nonce counts on its own).
 */
export class NonceTable {
  readonly #entries = new Map<string, NonceEntry>();
  readonly #key: Buffer;
  readonly #acceptsForeign: boolean;
  /** The opaque value of the challenges; the same in every worker. */
  readonly opaque: string;

  constructor(key: Buffer, acceptsForeign: boolean) {
    this.#key = key;
    this.#acceptsForeign = acceptsForeign;
    this.opaque = createHmac('sha256', key).update('opaque').digest().subarray(0, 12).toString('base64');
  }

  /** Hands out a fresh nonce, forgetting the least recently seen ones when the table is full. */
  issue(now = Date.now()): string {
    if (this.#entries.size > cacheSize + cacheTolerance) this.#purge(cacheTolerance * 2);
    const body = Buffer.alloc(8);
    body.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
    randomBytes(4).copy(body, 4);
    const nonce = Buffer.concat([body, this.#mac(body)]).toString('base64');
    this.#entries.set(nonce, { nc: 0n, lastSeen: now });
    return nonce;
  }

  lookup(nonce: string, now = Date.now()): NonceLookup {
    const entry = this.#entries.get(nonce);
    if (entry !== undefined) return entry;
    if (!this.#acceptsForeign) return 'unknown';
    const bytes = Buffer.from(nonce, 'base64');
    if (bytes.length !== 12 || bytes.toString('base64') !== nonce) return 'unknown';
    const body = bytes.subarray(0, 8);
    if (!timingSafeEqual(bytes.subarray(8), this.#mac(body))) return 'unknown';
    const issuedAtMs = body.readUInt32BE(0) * 1000;
    if (now - issuedAtMs > foreignNonceLifetimeMs) return 'expired';
    const adopted = { nc: 0n, lastSeen: now };
    this.#entries.set(nonce, adopted);
    return adopted;
  }

  get size(): number {
    return this.#entries.size;
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, 4);
  }

  #purge(count: number): void {
    const oldest = [...this.#entries].sort(([, a], [, b]) => a.lastSeen - b.lastSeen).slice(0, count);
    for (const [nonce] of oldest) this.#entries.delete(nonce);
  }
}
