import type { Handler } from '../http/exchange.js';
import type { AcmeChallengeSource } from './challenge-board.js';

const challengePath = /^\/\.well-known\/acme-challenge\/([^/]+)\/?$/;

/**
 * `acme-http@internal`: answers `/.well-known/acme-challenge/<token>` with the token's key authorization, and
 * 404 for a token no resolver presented, as Traefik's HTTP-01 handler.
 */
export function acmeHttpChallenge(challenges: AcmeChallengeSource | undefined): Handler {
  return function acmeHttpChallenge(exchange) {
    const token = challengePath.exec(exchange.request.url?.split('?')[0] ?? '')?.[1];
    if (token === undefined || challenges === undefined) return exchange.reply(404);
    challenges.httpChallenge(token).then(
      // Go sniffs the written token as plain text; no nosniff header, as Traefik.
      (keyAuthorization) => (keyAuthorization === undefined ? exchange.reply(404) : exchange.reply(200, keyAuthorization, { 'content-type': 'text/plain; charset=utf-8' })),
      () => exchange.reply(404),
    );
  };
}
