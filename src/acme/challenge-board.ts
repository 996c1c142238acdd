import type { AcmeStore, ChallengeAnswer } from './storage/acme-store.js';

/** A TLS-ALPN-01 answer: the self-signed certificate and key (PEM) for a domain. */
export interface TlsAlpnAnswer {
  readonly certificate: string;
  readonly key: string;
}

/** Where the data path finds challenge answers: in this process, from the primary over IPC, or from a store. */
export interface AcmeChallengeSource {
  /** The key authorization answered on `/.well-known/acme-challenge/<token>`, if the token is known. */
  httpChallenge(token: string): Promise<string | undefined>;
  /** The certificate answered to a handshake offering `acme-tls/1` for `domain`, if one is pending. */
  tlsAlpnChallenge(domain: string): Promise<TlsAlpnAnswer | undefined>;
}

/**
 * The challenges this instance presents, answered at once, and the stores its resolvers use, asked
 * next: with a shared store, a validation request that reaches this instance may be for another one's order.
 */
export class ChallengeBoard implements AcmeChallengeSource {
  readonly #http = new Map<string, string>();
  readonly #tlsAlpn = new Map<string, TlsAlpnAnswer>();
  readonly #stores = new Set<AcmeStore>();

  /** Stores asked when this instance has no answer of its own. */
  useStores(stores: Iterable<AcmeStore>): void {
    this.#stores.clear();
    for (const store of stores) this.#stores.add(store);
  }

  present(answer: ChallengeAnswer): void {
    if (answer.kind === 'http-01') this.#http.set(answer.token, answer.keyAuthorization);
    else this.#tlsAlpn.set(answer.domain.toLowerCase(), { certificate: answer.certificate, key: answer.key });
  }

  remove(answer: ChallengeAnswer): void {
    if (answer.kind === 'http-01') this.#http.delete(answer.token);
    else this.#tlsAlpn.delete(answer.domain.toLowerCase());
  }

  async httpChallenge(token: string): Promise<string | undefined> {
    const own = this.#http.get(token);
    if (own !== undefined) return own;
    for (const store of this.#stores) {
      const answer = await store.httpChallenge(token).catch(() => undefined);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  async tlsAlpnChallenge(domain: string): Promise<TlsAlpnAnswer | undefined> {
    const name = domain.toLowerCase();
    const own = this.#tlsAlpn.get(name);
    if (own !== undefined) return own;
    for (const store of this.#stores) {
      const answer = await store.tlsAlpnChallenge(name).catch(() => undefined);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }
}
