/**
 * Where certificate resolvers keep their ACME account, their certificates and — for stores shared by several
 * Junction instances — the challenges in flight and the lock that makes one instance order a certificate while
 * the others wait and then serve it.
 *
 * Records mirror Traefik's `acme.json` (one entry per resolver, `Account` and `Certificates`), so that a file
 * written by either program is read by the other; the serialisation itself belongs to each store.
 */

/** A certificate's names: the main domain (the certificate's common name) and its alternative names. */
export interface AcmeDomain {
  readonly main: string;
  readonly sans: readonly string[];
}

/** A resolver's ACME account: the registration the CA returned and the key that signs every request. */
export interface StoredAccount {
  readonly email: string;
  /** The account object the CA returned (`status`, `contact`, …) and its URL; absent before registration. */
  readonly registration?: { readonly body: Readonly<Record<string, unknown>>; readonly uri: string } | undefined;
  /** The account key, PKCS#1 DER for RSA keys as Traefik writes it (PKCS#8 or SEC 1 DER for EC keys). */
  readonly privateKey: Buffer;
}

/** A certificate obtained by a resolver, with its chain and key in PEM, for the TLS store it is served from. */
export interface StoredCertificate {
  readonly domain: AcmeDomain;
  /** The leaf followed by its chain, PEM. */
  readonly certificate: string;
  /** The leaf's private key, PEM. */
  readonly key: string;
  /** The TLS store serving it (Traefik always uses `default`). */
  readonly store: string;
}

/** A resolver's whole state, as one `acme.json` entry holds it. */
export interface ResolverRecord {
  readonly account?: StoredAccount | undefined;
  readonly certificates: readonly StoredCertificate[];
}

/** A challenge answer that whichever instance receives the CA's validation request must be able to give. */
export type ChallengeAnswer =
  /** HTTP-01: `GET /.well-known/acme-challenge/<token>` on `domain` answers `keyAuthorization`. */
  | { readonly kind: 'http-01'; readonly domain: string; readonly token: string; readonly keyAuthorization: string }
  /** TLS-ALPN-01: a handshake for `domain` offering `acme-tls/1` gets this self-signed certificate and key (PEM). */
  | { readonly kind: 'tls-alpn-01'; readonly domain: string; readonly certificate: string; readonly key: string };

/** Held while one instance orders a certificate; released when done, or lost when its lease runs out. */
export interface StoreLock {
  /** False once the lease was lost (expired or taken over): the holder must not save what it was doing. */
  readonly held: boolean;
  release(): Promise<void>;
}

export interface AcmeStore {
  /** Names the store in logs and errors: `acme.json file /data/acme.json`, `redis redis://127.0.0.1:6379/0`. */
  readonly description: string;
  /** Whether other Junction instances share this store (and so its locks, challenges and certificates). */
  readonly shared: boolean;

  /** The resolver's state; an empty record when the store has none for it yet. */
  load(resolver: string): Promise<ResolverRecord>;
  saveAccount(resolver: string, account: StoredAccount): Promise<void>;
  /** Adds `certificate`, replacing one stored for the same domain set (main and sans, in any order). */
  saveCertificate(resolver: string, certificate: StoredCertificate): Promise<void>;

  /**
   * Takes the lock named `key` (a resolver and a domain set) for `leaseMs`, renewed while held, or returns
   * undefined at once when another holder has it. Stores that are not shared lock within the process.
   */
  tryLock(key: string, leaseMs: number): Promise<StoreLock | undefined>;

  /** Publishes a challenge answer for every instance until removed (or until `ttlMs` passes). */
  putChallenge(answer: ChallengeAnswer, ttlMs: number): Promise<void>;
  removeChallenge(answer: ChallengeAnswer): Promise<void>;
  /** The HTTP-01 answer for `token`, wherever it was published. */
  httpChallenge(token: string): Promise<string | undefined>;
  /** The TLS-ALPN-01 certificate and key for `domain`, wherever it was published. */
  tlsAlpnChallenge(domain: string): Promise<{ readonly certificate: string; readonly key: string } | undefined>;

  /**
   * Calls `onChange(resolver)` when another instance changed a resolver's record, so this one serves the new
   * certificates; returns the function that stops watching. Stores that are not shared never call it.
   */
  watch(onChange: (resolver: string) => void): () => void;

  close(): Promise<void>;
}
