import { setTimeout as sleep } from 'node:timers/promises';
import acme from 'acme-client';
import type { ChallengeAbstract, OrderCreateRequest } from 'acme-client/types/rfc8555.js';

/** A challenge as the CA sends it; acme-client's types know only HTTP-01 and DNS-01. */
type Challenge = ChallengeAbstract & { readonly token: string };
import type { AcmeResolverConfig } from '../config/static/certificates-resolvers.js';
import { createCertificateRequest } from './certificate-request.js';
import type { ChallengeBoard } from './challenge-board.js';
import type { DnsChallengeSolver } from './dns-01.js';
import type { AcmeStore, ChallengeAnswer } from './storage/acme-store.js';

/** How long a published challenge answer lives in a shared store if this instance dies before removing it. */
const challengeTtlMs = 10 * 60_000;

/** The challenge types a resolver can answer, in the order it prefers them. */
export type ChallengeType = 'dns-01' | 'http-01' | 'tls-alpn-01';

export function challengeTypes(config: AcmeResolverConfig): ChallengeType[] {
  const types: ChallengeType[] = [];
  if (config.dnsChallenge !== undefined) types.push('dns-01');
  if (config.httpChallenge !== undefined) types.push('http-01');
  if (config.tlsChallenge !== undefined) types.push('tls-alpn-01');
  return types;
}

export interface OrderContext {
  readonly resolver: string;
  readonly config: AcmeResolverConfig;
  readonly client: acme.Client;
  readonly store: AcmeStore;
  readonly board: ChallengeBoard;
  readonly dns: DnsChallengeSolver | undefined;
}

/** A certificate the CA issued: the chain (PEM, leaf first) and its key (PEM). */
export interface IssuedCertificate {
  readonly certificate: string;
  readonly key: string;
}

/**
 * Orders a certificate for `names` (main first) and answers each authorization with the first challenge the
 * resolver supports, one after the other; every answer published is taken down whatever happens.
 */
export async function orderCertificate(context: OrderContext, names: readonly string[]): Promise<IssuedCertificate> {
  const { client, config } = context;
  const types = challengeTypes(config);
  const request: OrderCreateRequest & { profile?: string } = {
    identifiers: names.map((value) => ({ type: 'dns', value })),
    ...(config.profile !== '' ? { profile: config.profile } : {}),
  };
  const order = await client.createOrder(request);
  const authorizations = await client.getAuthorizations(order);
  let hasSolvedDns = false;
  for (const authorization of authorizations) {
    if (authorization.status === 'valid') continue;
    const identifier = authorization.wildcard === true ? `*.${authorization.identifier.value}` : authorization.identifier.value;
    const challenge = types.map((type) => (authorization.challenges as readonly Challenge[]).find((candidate) => candidate.type === type)).find((candidate) => candidate !== undefined);
    if (challenge === undefined) {
      const offered = (authorization.challenges as readonly Challenge[]).map((candidate) => candidate.type).join(', ');
      throw new Error(`no challenge the resolver can answer for ${identifier}: the CA offers ${offered}`);
    }
    // A sequential DNS provider (lego's `Sequential`) waits between two of its challenges, not after the last.
    const interval = context.dns?.sequenceIntervalMs;
    if (challenge.type === 'dns-01' && hasSolvedDns && interval !== undefined && interval > 0) await sleep(interval);
    await answerChallenge(context, authorization, identifier, challenge);
    if (challenge.type === 'dns-01') hasSolvedDns = true;
  }
  const csr = await createCertificateRequest({
    names,
    keyType: config.keyType,
    withCommonName: !config.disableCommonName,
    emailAddresses: config.emailAddresses,
  });
  const finalized = await client.finalizeOrder(order, csr.csr);
  const certificate = await client.getCertificate(finalized, config.preferredChain !== '' ? config.preferredChain : undefined);
  return { certificate, key: csr.key };
}

async function answerChallenge(context: OrderContext, authorization: acme.Authorization, identifier: string, challenge: Challenge): Promise<void> {
  const { client, config, board, store } = context;
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge as never);
  const domain = authorization.identifier.value;
  let answer: ChallengeAnswer | undefined;
  let takeDown: (() => Promise<void>) | undefined;
  try {
    switch (challenge.type) {
      case 'http-01': {
        answer = { kind: 'http-01', domain, token: challenge.token, keyAuthorization };
        break;
      }
      case 'tls-alpn-01': {
        const key = await acme.crypto.createPrivateEcdsaKey();
        const [, certificate] = await acme.crypto.createAlpnCertificate(authorization, keyAuthorization, key);
        answer = { kind: 'tls-alpn-01', domain, certificate: certificate.toString(), key: key.toString() };
        break;
      }
      case 'dns-01': {
        // The provider gets the raw key authorization too (lego's RAW modes); acme-client only hands out its digest.
        const raw = await client.getChallengeKeyAuthorization({ ...challenge, type: 'http-01' } as never);
        const record = await context.dns!.present(identifier, { token: challenge.token, keyAuthorization: raw });
        takeDown = () => record.cleanup();
        await context.dns!.waitForPropagation(record);
        break;
      }
    }
    if (answer !== undefined) {
      board.present(answer);
      if (store.shared) await store.putChallenge(answer, challengeTtlMs);
      const delay = answer.kind === 'http-01' ? config.httpChallenge?.delay : config.tlsChallenge?.delay;
      if (delay !== undefined && delay > 0) await sleep(delay);
    }
    await client.completeChallenge(challenge as never);
    await client.waitForValidStatus(challenge);
  } finally {
    if (answer !== undefined) {
      const published = answer;
      board.remove(published);
      if (store.shared) await store.removeChallenge(published).catch(() => undefined);
    }
    if (takeDown !== undefined) await takeDown().catch(() => undefined);
  }
}
