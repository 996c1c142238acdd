const fnvOffset = 0xcbf29ce484222325n;
const fnvPrime = 0x100000001b3n;
const mask = 0xffffffffffffffffn;
const twoTo64 = 2 ** 64;

/** FNV-64a of a string's UTF-8 bytes. */
function fnv64a(input: string): bigint {
  let hash = fnvOffset;
  for (const byte of Buffer.from(input)) {
    hash ^= BigInt(byte);
    hash = (hash * fnvPrime) & mask;
  }
  return hash;
}

/** Traefik's highest-random-weight score of an entry for a key: weight / -ln(fnv64a(key + name) / 2^64). */
export function rendezvousScore(key: string, name: string, weight: number): number {
  const score = Number(fnv64a(key + name)) / twoTo64;
  return (1 / -Math.log(score)) * weight;
}

/**
 * Picks, for a key (the client IP), the available entry with the highest score: the same client lands on the
 * same entry while the set of available entries stays the same, without any cookie.
 */
export class RendezvousHash {
  readonly #entries: ReadonlyArray<{ readonly name: string; readonly weight: number }>;

  constructor(entries: ReadonlyArray<{ readonly name: string; readonly weight: number }>) {
    this.#entries = entries;
  }

  next(key: string, isAvailable: (index: number) => boolean): number | undefined {
    let best: number | undefined;
    let bestScore = 0;
    this.#entries.forEach(({ name, weight }, index) => {
      if (weight <= 0 || !isAvailable(index)) return;
      const score = rendezvousScore(key, name, weight);
      if (score > bestScore) {
        best = index;
        bestScore = score;
      }
    });
    return best;
  }
}
