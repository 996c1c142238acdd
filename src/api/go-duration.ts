/** Formats milliseconds as Go's `time.Duration.String` does (`100ms`, `1.5s`, `1m0s`, `1h0m0s`), as Traefik's JSON shows durations. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${trimFraction(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${trimFraction(rest / 1000)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** Prints a number with at most nine decimals and no trailing zeros, as Go's fractional durations. */
function trimFraction(value: number): string {
  return Number(value.toFixed(9)).toString();
}
