import type { AcmeChallengeSource, TlsAlpnAnswer } from './challenge-board.js';

/** A worker's question to its primary about a challenge the CA is validating. */
export type ChallengeQuery = { readonly kind: 'http-01'; readonly token: string } | { readonly kind: 'tls-alpn-01'; readonly domain: string };

/** The primary's answer: the key authorization, the certificate and key, or nothing. */
export type ChallengeReply = string | TlsAlpnAnswer | undefined;

export interface ChallengeRequestMessage {
  readonly type: 'acme-challenge';
  readonly id: number;
  readonly query: ChallengeQuery;
}

export interface ChallengeReplyMessage {
  readonly type: 'acme-challenge-reply';
  readonly id: number;
  readonly reply: ChallengeReply;
}

/** A question left unanswered this long gets no answer: the CA sees a 404 or a refused handshake and retries. */
const replyTimeoutMs = 5000;

/** Answers a worker's question from the primary's own challenge source. */
export async function answerChallengeQuery(source: AcmeChallengeSource | undefined, query: ChallengeQuery): Promise<ChallengeReply> {
  if (source === undefined) return undefined;
  return query.kind === 'http-01' ? source.httpChallenge(query.token) : source.tlsAlpnChallenge(query.domain);
}

/**
 * A worker's challenge source: asks the primary, which presents the challenges (and reads the shared
 * stores), over the IPC channel.
 */
export class IpcChallengeSource implements AcmeChallengeSource {
  readonly #send: (message: ChallengeRequestMessage) => void;
  readonly #pending = new Map<number, (reply: ChallengeReply) => void>();
  #nextId = 1;

  constructor(send: (message: ChallengeRequestMessage) => void) {
    this.#send = send;
  }

  /** Delivers the primary's reply to the question it answers. */
  receive(message: ChallengeReplyMessage): void {
    this.#pending.get(message.id)?.(message.reply);
  }

  httpChallenge(token: string): Promise<string | undefined> {
    return this.#ask({ kind: 'http-01', token }).then((reply) => (typeof reply === 'string' ? reply : undefined));
  }

  tlsAlpnChallenge(domain: string): Promise<TlsAlpnAnswer | undefined> {
    return this.#ask({ kind: 'tls-alpn-01', domain }).then((reply) => (typeof reply === 'object' ? reply : undefined));
  }

  #ask(query: ChallengeQuery): Promise<ChallengeReply> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), replyTimeoutMs);
      const done = (reply: ChallengeReply): void => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(reply);
      };
      this.#pending.set(id, done);
      this.#send({ type: 'acme-challenge', id, query });
    });
  }
}
