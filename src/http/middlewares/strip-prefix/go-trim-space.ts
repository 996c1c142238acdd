/** Go's `unicode.IsSpace` set: JavaScript's `\s` without U+FEFF, plus U+0085. */
const leadingSpace = /^[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const trailingSpace = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

/** Trims as Go's `strings.TrimSpace`, which Traefik applies to prefixes and expressions. */
export function trimSpace(text: string): string {
  return text.replace(leadingSpace, '').replace(trailingSpace, '');
}
