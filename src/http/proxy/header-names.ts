const canonicalCache = new Map<string, string>();

/** Spells a header name as Go does on the wire (`x-forwarded-for` → `X-Forwarded-For`); cached, names repeat. */
export function canonicalHeaderName(name: string): string {
  let canonical = canonicalCache.get(name);
  if (canonical !== undefined) return canonical;
  canonical = name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
  if (canonicalCache.size < 4096) canonicalCache.set(name, canonical);
  return canonical;
}

/** Splits a comma-separated header value into trimmed, lowercased tokens. */
export function headerTokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== '');
}
