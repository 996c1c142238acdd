const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** When certificates are renewed: within `periodMs` of their expiry, checked every `intervalMs`. */
export interface RenewDurations {
  readonly periodMs: number;
  readonly intervalMs: number;
}

/**
 * The renewal period and check interval for certificates lasting `certificatesDuration` hours, as Traefik's
 * `getCertificateRenewDurations`: 90-day certificates are renewed 30 days before they expire, checked daily.
 */
export function renewDurations(certificatesDuration: number): RenewDurations {
  if (certificatesDuration >= 365 * 24) return { periodMs: 4 * 30 * day, intervalMs: 7 * day };
  if (certificatesDuration >= 3 * 30 * 24) return { periodMs: 30 * day, intervalMs: day };
  if (certificatesDuration >= 30 * 24) return { periodMs: 10 * day, intervalMs: 12 * hour };
  if (certificatesDuration >= 6 * 24) return { periodMs: 2 * day, intervalMs: 2 * hour };
  if (certificatesDuration >= 24) return { periodMs: 6 * hour, intervalMs: 10 * minute };
  return { periodMs: 20 * minute, intervalMs: minute };
}

/** Tells whether a certificate expiring at `notAfter` must be renewed at `now`. */
export function isDueForRenewal(notAfter: number, now: number, durations: RenewDurations): boolean {
  return notAfter - durations.periodMs <= now;
}

/**
 * How long until the next renewal check: the interval, or sooner when a certificate enters its renewal
 * period before then (Traefik checks on the interval only; checking at the moment a certificate becomes due
 * renews it no later). Certificates already due are being renewed (or wait for their retry) and do not count.
 */
export function nextCheckDelay(notAfters: readonly number[], now: number, durations: RenewDurations): number {
  let delay = durations.intervalMs;
  for (const notAfter of notAfters) {
    const untilDue = notAfter - durations.periodMs - now;
    if (untilDue > 0) delay = Math.min(delay, untilDue);
  }
  return Math.max(delay, 1000);
}

/** The first retry after a failed order waits this long; each further failure doubles it. */
export const firstRetryMs = 30_000;
/** Retries never wait longer than this. */
export const maxRetryMs = 6 * hour;

/** How long to wait before ordering again after `failures` consecutive failures (1 or more). */
export function retryDelay(failures: number): number {
  return Math.min(firstRetryMs * 2 ** Math.max(0, failures - 1), maxRetryMs);
}
