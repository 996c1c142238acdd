import { ConfigError, configPath, quote } from '../../../config/errors.js';

/** Inclusive status ranges, `[low, high]`. */
export type StatusRanges = ReadonlyArray<readonly [number, number]>;

/** Go's strconv.Atoi: an optional sign and decimal digits. */
function parseGoInt(text: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(text) ? Number(text) : undefined;
}

/**
 * Reads status codes and ranges as Traefik's NewHTTPCodeRanges does: `"503"` or `"500-599"`; text after a
 * second `-` is ignored, as there. Throws ConfigError at `<option>[i]`.
 */
export function parseStatusRanges(blocks: readonly string[], option: string): StatusRanges {
  return blocks.map((block, index) => {
    const codes = block.split('-');
    const low = parseGoInt(codes[0]!);
    const high = parseGoInt(codes[1] ?? codes[0]!);
    if (low === undefined || high === undefined) {
      throw new ConfigError(configPath(option, index), `invalid status code range ${quote(block)}; expected a code such as "503" or a range such as "500-599"`);
    }
    return [low, high] as const;
  });
}

/** Tells whether a status falls in one of the ranges. */
export function isInRanges(ranges: StatusRanges, status: number): boolean {
  for (const [low, high] of ranges) if (status >= low && status <= high) return true;
  return false;
}
