import { quote } from '../../../config/errors.js';

/** Inclusive ranges of HTTP status codes: `[[500, 599], [404, 404]]`. */
export type StatusRanges = ReadonlyArray<readonly [number, number]>;

const codePattern = /^\d+$/;

/**
 * Parses one `status` entry as Traefik's `NewHTTPCodeRanges` does: a code (`500`) or an inclusive range
 * (`500-599`); comma-separated lists (`404,418`) are accepted too, as the documentation describes.
 * Returns the ranges, or the reason the entry is not valid.
 */
export function parseStatusRanges(entry: string): StatusRanges | string {
  const ranges: Array<readonly [number, number]> = [];
  for (const part of entry.split(',')) {
    const bounds = part.trim().split('-');
    const [low, high = low] = bounds;
    if (bounds.length > 2 || low === undefined || high === undefined || !codePattern.test(low) || !codePattern.test(high)) {
      return `invalid status ${quote(entry)}; expected a code (500), a range (500-599) or a comma-separated list of them`;
    }
    ranges.push([Number(low), Number(high)]);
  }
  return ranges;
}

/** Returns a schema check for a `status` entry or a `statusRewrites` key. */
export function checkStatusRanges(entry: string): string | undefined {
  const parsed = parseStatusRanges(entry);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Tells whether a status falls in one of the ranges (bounds included). */
export function containsStatus(ranges: StatusRanges, status: number): boolean {
  for (const [low, high] of ranges) {
    if (status >= low && status <= high) return true;
  }
  return false;
}
