/**
 * Traefik's `p2c`: two distinct servers drawn at random among the available ones, the one with fewer requests
 * in flight wins (the first drawn on a tie). Weights play no part, as in Traefik.
 */
export class PowerOfTwoChoices {
  readonly #inFlight: number[];
  readonly #available: number[] = [];

  constructor(size: number) {
    this.#inFlight = new Array<number>(size).fill(0);
  }

  next(isAvailable: (index: number) => boolean): number | undefined {
    const available = this.#available;
    available.length = 0;
    for (let index = 0; index < this.#inFlight.length; index++) if (isAvailable(index)) available.push(index);
    if (available.length === 0) return undefined;
    if (available.length === 1) return available[0];
    const first = Math.floor(Math.random() * available.length);
    let second = Math.floor(Math.random() * available.length);
    if (second === first) second = (second + 1) % available.length;
    const a = available[first]!;
    const b = available[second]!;
    return this.#inFlight[b]! < this.#inFlight[a]! ? b : a;
  }

  started(index: number): void {
    this.#inFlight[index]!++;
  }

  finished(index: number): void {
    this.#inFlight[index]!--;
  }
}
