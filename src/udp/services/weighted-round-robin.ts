/**
 * Traefik's UDP weighted round robin (interleaved, by the greatest common divisor of the weights): with
 * weights 3 and 1 the sequence is A A A B. A weight of 0 never gets picked; when every weight is 0, or
 * there is nothing to pick, `next` returns undefined. The position survives only as long as the build.
 */
export class InterleavedRoundRobin<T> {
  readonly #items: readonly T[];
  readonly #weights: readonly number[];
  readonly #maxWeight: number;
  readonly #gcd: number;
  #index = -1;
  #currentWeight = 0;

  constructor(entries: ReadonlyArray<{ readonly item: T; readonly weight: number }>) {
    this.#items = entries.map((entry) => entry.item);
    this.#weights = entries.map((entry) => entry.weight);
    this.#maxWeight = Math.max(0, ...this.#weights);
    this.#gcd = this.#weights.reduce((divisor, weight) => gcd(divisor, weight), 0);
  }

  next(): T | undefined {
    const count = this.#items.length;
    if (count === 0 || this.#maxWeight === 0) return undefined;
    for (;;) {
      this.#index = (this.#index + 1) % count;
      if (this.#index === 0) {
        this.#currentWeight -= this.#gcd;
        if (this.#currentWeight <= 0) this.#currentWeight = this.#maxWeight;
      }
      if (this.#weights[this.#index]! >= this.#currentWeight) return this.#items[this.#index];
    }
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
