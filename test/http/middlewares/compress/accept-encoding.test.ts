import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptsGzip, encodingPreferences, negotiateEncoding, parseAcceptableEncodings, type Encoding } from '../../../../src/http/middlewares/compress/accept-encoding.js';

const allEncodings: Encoding[] = ['gzip', 'br', 'zstd'];

describe('negotiateEncoding', () => {
  // Traefik's Test_getCompressionEncoding.
  const cases: ReadonlyArray<{ description: string; acceptEncoding: string; defaultEncoding?: Encoding; encodings?: Encoding[]; expected: string }> = [
    { description: 'an empty Accept-Encoding means identity', acceptEncoding: '', expected: 'identity' },
    { description: 'gzip before br without weights', acceptEncoding: 'gzip, br', expected: 'gzip' },
    { description: 'gzip before br and zstd without weights', acceptEncoding: 'gzip, br, zstd', expected: 'gzip' },
    { description: 'a known coding among unknown ones', acceptEncoding: 'compress, gzip', expected: 'gzip' },
    { description: 'only unknown codings: nothing acceptable', acceptEncoding: 'compress, rar', expected: 'not_acceptable' },
    { description: 'a wildcard picks the first encoding', acceptEncoding: '*', expected: 'gzip' },
    { description: 'a wildcard picks defaultEncoding when set', acceptEncoding: '*', defaultEncoding: 'br', expected: 'br' },
    { description: 'the heaviest coding wins', acceptEncoding: 'br;q=0.8, gzip;q=1.0, *;q=0.1', expected: 'gzip' },
    { description: 'identity with a higher weight wins', acceptEncoding: 'br;q=0.8, identity;q=1.0', expected: 'identity' },
    { description: 'identity at equal weight loses', acceptEncoding: 'br;q=0.8, identity;q=0.8', expected: 'br' },
    { description: 'unknown codings are ignored whatever their weight', acceptEncoding: 'compress;q=1.0, gzip;q=0.5', expected: 'gzip' },
    { description: 'a coding without weight is chosen over identity;q=0', acceptEncoding: 'compress;q=1.0, gzip, identity;q=0', expected: 'gzip' },
    { description: 'identity;q=0 alone is not acceptable', acceptEncoding: 'compress;q=1.0, identity;q=0', expected: 'not_acceptable' },
    { description: 'a wildcard of weight 0 alone is not acceptable', acceptEncoding: 'compress;q=1.0, *;q=0', expected: 'not_acceptable' },
    { description: 'a non-zero weight beats a wildcard of weight 0', acceptEncoding: 'gzip, *;q=0', expected: 'gzip' },
    { description: 'a coding left out of encodings is never chosen', acceptEncoding: 'zstd, gzip, br', encodings: ['br', 'gzip'], expected: 'br' },
    { description: 'weights rank only the allowed codings', acceptEncoding: 'br;q=0.8, gzip;q=1.0, *;q=0.1', encodings: ['zstd', 'br'], expected: 'br' },
    { description: 'a coding without weight beats a weighted one', acceptEncoding: 'gzip, br;q=0.9', encodings: ['gzip', 'br'], expected: 'gzip' },
    { description: 'all weights 0: nothing acceptable', acceptEncoding: 'br;q=0, gzip;q=0, zstd;q=0', expected: 'not_acceptable' },
    { description: 'all weights 0 with defaultEncoding: nothing acceptable', acceptEncoding: 'br;q=0, gzip;q=0, zstd;q=0', defaultEncoding: 'br', expected: 'not_acceptable' },
    { description: 'equal weights take the server order', acceptEncoding: 'br;q=1.0, gzip;q=1.0, zstd;q=1.0', expected: 'gzip' },
    { description: 'equal weights take the server order, whatever the client order', acceptEncoding: 'br;q=1.0, zstd;q=1.0, gzip;q=1.0', expected: 'gzip' },
    { description: 'equal weights ignore defaultEncoding', acceptEncoding: 'br;q=1.0, zstd;q=1.0, gzip;q=1.0', defaultEncoding: 'br', expected: 'gzip' },
    { description: 'a wildcard beats named codings at equal weight', acceptEncoding: 'br, *', encodings: ['br', 'gzip'], defaultEncoding: 'gzip', expected: 'gzip' },
    { description: 'names are case-sensitive', acceptEncoding: 'GZIP, Br', expected: 'not_acceptable' },
    { description: 'an unparsable weight reads 0', acceptEncoding: 'gzip;q=abc, br;q=0.1', expected: 'br' },
    { description: 'a weight above 1 counts as it is', acceptEncoding: 'gzip, br;q=2', expected: 'br' },
    { description: 'a negative weight is still acceptable', acceptEncoding: 'br;q=-1', expected: 'br' },
    { description: 'a parameter other than q leaves the weight at 1', acceptEncoding: 'br;level=1, gzip;q=0.9', expected: 'br' },
    { description: 'a q followed by another parameter does not parse and reads 0', acceptEncoding: 'gzip;q=1;x=1, br;q=0.1', expected: 'br' },
    { description: 'spaces are removed before parsing', acceptEncoding: ' br ; q = 0.2 , gzip ; q=0.1', expected: 'br' },
  ];
  for (const { description, acceptEncoding, defaultEncoding, encodings, expected } of cases) {
    it(description, () => {
      assert.equal(negotiateEncoding(acceptEncoding, encodingPreferences(encodings ?? allEncodings, defaultEncoding)), expected);
    });
  }
});

describe('parseAcceptableEncodings', () => {
  // Traefik's Test_parseAcceptEncoding.
  const cases: ReadonlyArray<{ description: string; value: string; encodings?: Encoding[]; expected: Array<{ type: string; weight: number }> }> = [
    {
      description: 'reads weights',
      value: 'br;q=1.0, zstd;q=0.9, gzip;q=0.8, *;q=0.1',
      expected: [{ type: 'br', weight: 1 }, { type: 'zstd', weight: 0.9 }, { type: 'gzip', weight: 0.8 }, { type: '*', weight: 0.1 }],
    },
    {
      description: 'keeps only the supported codings',
      value: 'br;q=1.0, zstd;q=0.9, gzip;q=0.8, *;q=0.1',
      encodings: ['br', 'gzip'],
      expected: [{ type: 'br', weight: 1 }, { type: 'gzip', weight: 0.8 }, { type: '*', weight: 0.1 }],
    },
    { description: 'mixes weighted and plain codings and drops weight 0', value: 'zstd,gzip, br;q=1.0, *;q=0', expected: [{ type: 'zstd', weight: 1 }, { type: 'gzip', weight: 1 }, { type: 'br', weight: 1 }] },
    { description: 'mixes, keeping only the supported codings', value: 'zstd,gzip, br;q=1.0, *;q=0', encodings: ['zstd'], expected: [{ type: 'zstd', weight: 1 }] },
    { description: 'gives weight 1 to plain codings', value: 'zstd, gzip, br, *', expected: [{ type: 'zstd', weight: 1 }, { type: 'gzip', weight: 1 }, { type: 'br', weight: 1 }, { type: '*', weight: 1 }] },
    { description: 'gives weight 1 to plain codings, keeping only the supported ones', value: 'zstd, gzip, br, *', encodings: ['gzip'], expected: [{ type: 'gzip', weight: 1 }, { type: '*', weight: 1 }] },
    { description: 'reads identity', value: 'gzip;q=1.0, identity; q=0.5, *;q=0', expected: [{ type: 'gzip', weight: 1 }, { type: 'identity', weight: 0.5 }] },
    { description: 'reads identity when no coding is supported', value: 'gzip;q=1.0, identity; q=0.5, *;q=0', encodings: ['br'], expected: [{ type: 'identity', weight: 0.5 }] },
  ];
  for (const { description, value, encodings, expected } of cases) {
    it(description, () => {
      assert.deepEqual(parseAcceptableEncodings(value, encodingPreferences(encodings ?? allEncodings, undefined).ranks), expected);
    });
  }
});

describe('acceptsGzip', () => {
  const cases: ReadonlyArray<{ description: string; value: string | undefined; expected: boolean }> = [
    { description: 'no header', value: undefined, expected: false },
    { description: 'gzip', value: 'gzip', expected: true },
    { description: 'gzip in any case', value: 'GZip', expected: true },
    { description: 'a wildcard only', value: '*', expected: false },
    { description: 'gzip;q=0', value: 'gzip;q=0', expected: false },
    { description: 'the first gzip decides', value: 'gzip;q=0, gzip', expected: false },
    { description: 'a weight above 1 is clamped to 1', value: 'gzip;q=5', expected: true },
    { description: 'a negative weight is clamped to 0', value: 'br, gzip;q=-1', expected: false },
    { description: 'an unparsable weight reads 0', value: 'gzip;q=x', expected: false },
    { description: 'spaces around parameters', value: 'br , gzip ; q=0.5', expected: true },
  ];
  for (const { description, value, expected } of cases) {
    it(`${expected ? 'accepts' : 'refuses'} ${description}`, () => {
      assert.equal(acceptsGzip(value), expected);
    });
  }
});
