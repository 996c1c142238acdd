/** Response times kept per server, as Traefik's ring of samples. */
const sampleSize = 100;

/**
 * Traefik's `leasttime`: the available server with the lowest average time to first byte × (1 + requests
 * in flight) / weight; ties go to the earliest deadline of a weighted round robin among the tied servers.
 * A server with no sample yet scores 0, so every server is tried early.
 */
export class LeastTime {
  readonly #weights: readonly number[];
  readonly #deadlines: number[];
  readonly #inFlight: number[];
  readonly #samples: Float64Array[];
  readonly #sampleIndex: number[];
  readonly #sampleCount: number[];
  readonly #sampleSum: number[];
  #currentDeadline = 0;
  readonly #available: number[] = [];
  readonly #candidates: number[] = [];

  constructor(weights: readonly number[]) {
    this.#weights = weights;
    // Each server added moves the current deadline on, as Traefik's Add does.
    this.#deadlines = weights.map((weight) => (weight > 0 ? (this.#currentDeadline += 1 / weight) : Infinity));
    this.#inFlight = weights.map(() => 0);
    this.#samples = weights.map(() => new Float64Array(sampleSize));
    this.#sampleIndex = weights.map(() => 0);
    this.#sampleCount = weights.map(() => 0);
    this.#sampleSum = weights.map(() => 0);
  }

  next(isAvailable: (index: number) => boolean): number | undefined {
    const available = this.#available;
    available.length = 0;
    for (let index = 0; index < this.#weights.length; index++) if (this.#weights[index]! > 0 && isAvailable(index)) available.push(index);
    if (available.length === 0) return undefined;
    if (available.length === 1) return available[0];
    const candidates = this.#candidates;
    candidates.length = 0;
    let minScore = Infinity;
    for (const index of available) {
      const count = this.#sampleCount[index]!;
      const average = count === 0 ? 0 : this.#sampleSum[index]! / count;
      const score = (average * (1 + this.#inFlight[index]!)) / this.#weights[index]!;
      if (score < minScore) {
        minScore = score;
        candidates.length = 0;
        candidates.push(index);
      } else if (score === minScore) candidates.push(index);
    }
    if (candidates.length === 1) return candidates[0];
    let selected = candidates[0]!;
    for (const index of candidates) if (this.#deadlines[index]! < this.#deadlines[selected]!) selected = index;
    const deadline = this.#deadlines[selected]! + 1 / this.#weights[selected]!;
    this.#deadlines[selected] = deadline;
    if (deadline > this.#currentDeadline) this.#currentDeadline = deadline;
    return selected;
  }

  started(index: number): void {
    this.#inFlight[index]!++;
  }

  finished(index: number): void {
    this.#inFlight[index]!--;
  }

  /** Records a time to first byte, in whole milliseconds as Traefik counts them. */
  recordFirstByte(index: number, elapsedMs: number): void {
    const ms = Math.floor(elapsedMs);
    const samples = this.#samples[index]!;
    const position = this.#sampleIndex[index]!;
    if (this.#sampleCount[index]! < sampleSize) this.#sampleCount[index]!++;
    else this.#sampleSum[index]! -= samples[position]!;
    samples[position] = ms;
    this.#sampleSum[index]! += ms;
    this.#sampleIndex[index] = (position + 1) % sampleSize;
  }
}
