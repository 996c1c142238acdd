import type { Middleware } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';
import type { EncodedCharactersConfig } from './encoded-characters-schema.js';

/** The escapes each option governs, in both hex cases (a middleware may see a path it did not normalise). */
const escapesByOption: ReadonlyArray<readonly [keyof EncodedCharactersConfig, readonly string[]]> = [
  ['allowEncodedSlash', ['%2F', '%2f']],
  ['allowEncodedBackSlash', ['%5C', '%5c']],
  ['allowEncodedNullCharacter', ['%00']],
  ['allowEncodedSemicolon', ['%3B', '%3b']],
  ['allowEncodedPercent', ['%25']],
  ['allowEncodedQuestionMark', ['%3F', '%3f']],
  ['allowEncodedHash', ['%23']],
];

/** The escapes a path may not hold: those of every option not set to true. */
export function deniedEscapes(allowances: EncodedCharactersConfig): ReadonlySet<string> {
  return new Set(escapesByOption.flatMap(([option, escapes]) => (allowances[option] === true ? [] : escapes)));
}

/**
 * The first reason to refuse an escaped path: a denied escape, or a `%` without two characters after it.
 * Undefined when the path may pass.
 */
export function refusedEscape(path: string, denied: ReadonlySet<string>): string | undefined {
  for (let i = path.indexOf('%'); i !== -1; i = path.indexOf('%', i + 3)) {
    if (i + 2 >= path.length) return path.slice(i);
    const escape = path.slice(i, i + 3);
    if (denied.has(escape)) return escape;
  }
  return undefined;
}

/**
 * Answers 400 with no body to a request whose path holds a denied escape, as Traefik does both for the
 * entryPoint's `http.encodedCharacters` (on each router it serves) and for this middleware. Undefined when
 * nothing is denied.
 */
export function denyEncodedCharacters(denied: ReadonlySet<string>): Middleware | undefined {
  if (denied.size === 0) return undefined;
  return (next) =>
    function encodedCharacters(exchange) {
      const escape = refusedEscape(exchange.path, denied);
      if (escape === undefined) return next(exchange);
      exchange.log.debug('rejecting request because its path contains a refused encoded character', { character: escape, path: exchange.path });
      exchange.reply(400);
    };
}

export const encodedCharacters: MiddlewareFactory<EncodedCharactersConfig> = (config) => denyEncodedCharacters(deniedEscapes(config)) ?? ((next) => next);
