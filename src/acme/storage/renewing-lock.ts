import type { StoreLock } from './acme-store.js';

/** What a shared store does to keep and to give back a lease it took. */
export interface Lease {
  /** Extends the lease; false when it is no longer ours (expired and taken over, or deleted). Throws when unknown. */
  renew(): Promise<boolean>;
  /** Gives the lease back, only if it is still ours. */
  release(): Promise<void>;
}

/**
 * A lock held through a lease that is renewed three times per lease period. It stops being held as soon as a
 * renewal finds the lease gone, or when no renewal succeeded for a whole lease period (the store was unreachable,
 * so another instance may have taken it): the holder then knows not to save what it was doing.
 */
export class RenewingLock implements StoreLock {
  readonly #lease: Lease;
  readonly #leaseMs: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onLost: (reason: string) => void;
  readonly #onEnd: (lock: RenewingLock) => void;
  /** When the last successful renewal was sent: the lease is certainly ours until leaseMs after it. */
  #renewedAt: number;
  #lost = false;
  #released = false;
  #renewing = false;

  /** `onLost` hears why a lease was lost; `onEnd` hears that the lock is over, released or lost. */
  constructor(lease: Lease, leaseMs: number, takenAt: number, onLost: (reason: string) => void = () => {}, onEnd: (lock: RenewingLock) => void = () => {}) {
    this.#lease = lease;
    this.#onEnd = onEnd;
    this.#leaseMs = leaseMs;
    this.#renewedAt = takenAt;
    this.#onLost = onLost;
    this.#timer = setInterval(() => void this.#renew(), Math.max(Math.floor(leaseMs / 3), 50));
    // A lock never keeps the process alive on its own.
    this.#timer.unref();
  }

  get held(): boolean {
    if (this.#lost || this.#released) return false;
    if (Date.now() - this.#renewedAt >= this.#leaseMs) this.#lose('the store could not be reached to renew the lease');
    return !this.#lost;
  }

  async release(): Promise<void> {
    if (this.#released) return;
    const wasHeld = this.held;
    this.#released = true;
    clearInterval(this.#timer);
    this.#onEnd(this);
    if (wasHeld) await this.#lease.release();
  }

  /** Stops renewing without giving the lease back, as when the store closes: the lease runs out on its own. */
  abandon(): void {
    this.#lose('the store was closed');
  }

  async #renew(): Promise<void> {
    if (this.#renewing || !this.held) return;
    this.#renewing = true;
    const sentAt = Date.now();
    try {
      if (await this.#lease.renew()) this.#renewedAt = Math.max(this.#renewedAt, sentAt);
      else this.#lose('the lease was taken over or removed');
    } catch {
      // Unknown outcome: keep trying until the lease would have run out.
      if (Date.now() - this.#renewedAt >= this.#leaseMs) this.#lose('the store could not be reached to renew the lease');
    } finally {
      this.#renewing = false;
    }
  }

  #lose(reason: string): void {
    if (this.#lost || this.#released) return;
    this.#lost = true;
    clearInterval(this.#timer);
    this.#onLost(reason);
    this.#onEnd(this);
  }
}
