interface Entry<T> {
  readonly item: T;
  readonly weight: number;
  deadline: number;
}

/**
 * Smooth weighted round robin by earliest deadline first, as Traefik's `wrr`: each pick takes the entry
 * with the nearest deadline and moves it 1/weight further. The heap follows Go's container/heap step by
 * step so that ties resolve in the same order and sequences match Traefik's exactly (3:1 → A A B A ...).
 */
export class WeightedRoundRobin<T> {
  readonly #heap: Entry<T>[] = [];
  #currentDeadline = 0;

  constructor(items: ReadonlyArray<{ readonly item: T; readonly weight: number }>) {
    for (const { item, weight } of items) {
      if (!(weight > 0)) continue; // A non-positive weight takes the server out of the rotation, as in Traefik.
      this.#push({ item, weight, deadline: this.#currentDeadline + 1 / weight });
    }
  }

  get size(): number {
    return this.#heap.length;
  }

  /** Returns the next item for which `isAvailable` holds, or undefined when none does. */
  next(isAvailable?: (item: T) => boolean): T | undefined {
    const heap = this.#heap;
    if (heap.length === 0) return undefined;
    for (let tries = 0; tries < heap.length * 64; tries++) {
      const entry = this.#pop();
      this.#currentDeadline = entry.deadline;
      entry.deadline += 1 / entry.weight;
      this.#push(entry);
      if (isAvailable === undefined || isAvailable(entry.item)) return entry.item;
    }
    return undefined;
  }

  #less(i: number, j: number): boolean {
    return this.#heap[i]!.deadline < this.#heap[j]!.deadline;
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = entry;
  }

  #push(entry: Entry<T>): void {
    this.#heap.push(entry);
    this.#up(this.#heap.length - 1);
  }

  #pop(): Entry<T> {
    const last = this.#heap.length - 1;
    this.#swap(0, last);
    this.#down(0, last);
    return this.#heap.pop()!;
  }

  #up(j: number): void {
    while (j > 0) {
      const i = (j - 1) >> 1;
      if (!this.#less(j, i)) break;
      this.#swap(i, j);
      j = i;
    }
  }

  #down(i: number, n: number): void {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let j = left;
      const right = left + 1;
      if (right < n && this.#less(right, left)) j = right;
      if (!this.#less(j, i)) break;
      this.#swap(i, j);
      i = j;
    }
  }
}
