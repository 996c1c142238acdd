/** Parses a store URL's duration option: `500ms`, `10s`, `1m`, or a bare number of seconds; undefined otherwise. */
export function parseDurationOption(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000);
}
