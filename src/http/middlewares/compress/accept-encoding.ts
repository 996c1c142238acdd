import { goParseFloat } from './go-parse-float.js';

/** Content codings the compress middleware knows. */
export const supportedEncodings = ['gzip', 'br', 'zstd'] as const;
export type Encoding = (typeof supportedEncodings)[number];

/** What negotiation decided: a coding, `identity` (the client prefers none), or nothing acceptable. */
export type Negotiated = Encoding | 'identity' | 'not_acceptable';

/** One acceptable coding with its weight (q-value). */
export interface AcceptedEncoding {
  readonly type: string;
  readonly weight: number;
}

/**
 * The codings Junction can use, in server preference order, ready for negotiation: each coding's rank (the
 * lower the preferred), the wildcard before all of them and identity after, as Traefik ranks them.
 */
export interface EncodingPreferences {
  readonly encodings: readonly Encoding[];
  readonly defaultEncoding: Encoding | undefined;
  readonly ranks: ReadonlyMap<string, number>;
}

/** Ranks codings as Traefik's `buildSupportedEncodings`. */
export function encodingPreferences(encodings: readonly Encoding[], defaultEncoding: Encoding | undefined): EncodingPreferences {
  const ranks = new Map<string, number>([['*', -1], ['identity', encodings.length]]);
  encodings.forEach((encoding, index) => ranks.set(encoding, index));
  return { encodings, defaultEncoding, ranks };
}

/**
 * Lists the acceptable codings of an Accept-Encoding value, as Traefik's `parseAcceptableEncodings`: spaces
 * removed, names matched exactly (case-sensitive) against the known ones, a `q=` parameter read as a Go float
 * (unparsable reads 0), and codings of weight 0 left out.
 */
export function parseAcceptableEncodings(acceptEncoding: string, ranks: ReadonlyMap<string, number>): AcceptedEncoding[] {
  const accepted: AcceptedEncoding[] = [];
  for (const item of acceptEncoding.replaceAll(' ', '').split(',')) {
    const semicolon = item.indexOf(';');
    const type = semicolon === -1 ? item : item.slice(0, semicolon);
    if (!ranks.has(type)) continue;
    let weight = 1;
    const parameter = semicolon === -1 ? undefined : item.slice(semicolon + 1);
    if (parameter?.startsWith('q=') === true) {
      weight = goParseFloat(parameter.slice(2)) ?? 0;
      if (weight === 0) continue;
    }
    accepted.push({ type, weight });
  }
  return accepted;
}

/** Go's `cmp.Compare` on floats: NaN sorts before every number. */
function compareFloats(a: number, b: number): number {
  const aIsNaN = Number.isNaN(a);
  const bIsNaN = Number.isNaN(b);
  if (aIsNaN) return bIsNaN ? 0 : -1;
  if (bIsNaN) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Picks the coding for a request's Accept-Encoding value, as Traefik's `getCompressionEncoding`: an empty
 * value means identity; otherwise the heaviest acceptable coding wins, ties going to the server's preference;
 * a winning wildcard means `defaultEncoding`, else the first of `encodings`.
 */
export function negotiateEncoding(acceptEncoding: string, preferences: EncodingPreferences): Negotiated {
  if (acceptEncoding === '') return 'identity';
  const accepted = parseAcceptableEncodings(acceptEncoding, preferences.ranks);
  if (accepted.length === 0) return 'not_acceptable';
  const rank = (type: string): number => preferences.ranks.get(type)!;
  accepted.sort((a, b) => (a.weight === b.weight ? rank(a.type) - rank(b.type) : compareFloats(b.weight, a.weight)));
  const best = accepted[0]!.type;
  if (best === '*') return preferences.defaultEncoding ?? preferences.encodings[0]!;
  return best as Encoding | 'identity';
}

/** klauspost's `parseCoding`: a coding, lowercased, with its q-value clamped to [0, 1]. */
function parseCoding(text: string): { coding: string; qvalue: number } {
  if (!text.includes(';')) return { coding: text.trim().toLowerCase(), qvalue: 1 };
  let coding = '';
  let qvalue = 1;
  text.split(';').forEach((part, index) => {
    const trimmed = part.trim();
    if (index === 0) coding = trimmed.toLowerCase();
    else if (trimmed.startsWith('q=')) {
      qvalue = goParseFloat(trimmed.slice(2)) ?? 0;
      if (qvalue < 0) qvalue = 0;
      else if (qvalue > 1) qvalue = 1;
    }
  });
  return { coding, qvalue };
}

/**
 * Tells whether gzip is accepted, as the gzip handler Traefik delegates to (klauspost's gzhttp) decides on
 * its own: the q-value of the first `gzip` in the header must be above 0. A wildcard does not count, so
 * `Accept-Encoding: *` gets no gzip even when negotiation chose it.
 */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let rest = (acceptEncoding ?? '').trim();
  while (rest.length > 0) {
    const comma = rest.indexOf(',');
    const stop = comma === -1 ? rest.length : comma;
    const { coding, qvalue } = parseCoding(rest.slice(0, stop));
    // NaN is not "<= 0" in Go either: it counts as accepted.
    if (coding === 'gzip') return !(qvalue <= 0);
    if (stop === rest.length) break;
    rest = rest.slice(stop + 1);
  }
  return false;
}
