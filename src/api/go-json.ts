/**
 * Encodes a value as Go's `json.Encoder` does for Traefik's API: HTML-sensitive characters escaped
 * (`&&` in a rule reads `\u0026\u0026`), a newline at the end, and bigints written as plain integers so that
 * Traefik's int64 priorities (`9223372036854775806`) come out exactly.
 */
export function goJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? `\u0000bigint:${field.toString()}` : field));
  return `${text
    .replace(/"\\u0000bigint:(-?\d+)"/g, '$1')
    .replace(/&/g, '\\u0026')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}
