/**
 * Percent-decodes like Go's `url.PathUnescape`, to a byte string (one character per byte) so lengths and
 * prefixes compare as Go compares them. Undefined on a malformed escape.
 */
export function unescapePath(escaped: string): string | undefined {
  const bytes = Buffer.from(escaped, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte !== 0x25) {
      out.push(byte);
      continue;
    }
    const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    out.push(Number.parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(out).toString('latin1');
}

/**
 * Returns the decoded path of a URI as Go's `url.Parse` sees it (`http://host/a?b` → `/a`, `mailto:x` → ``),
 * or undefined where Go refuses it: control characters, bad escapes, a colon in the first segment of a
 * relative reference, a port that is not a number.
 */
export function parseUriPath(raw: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  const hash = raw.indexOf('#');
  if (hash >= 0) {
    if (unescapePath(raw.slice(hash + 1)) === undefined) return undefined;
    raw = raw.slice(0, hash);
  }
  if (raw === '*') return '*';
  let rest = raw;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (raw.startsWith(':')) return undefined;
  if (scheme !== null) rest = raw.slice(scheme[0].length);
  const question = rest.indexOf('?');
  if (question >= 0) rest = rest.slice(0, question);
  if (!rest.startsWith('/')) {
    if (scheme !== null) return '';
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) return undefined;
  }
  if ((scheme !== null || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const port = /\]?:([^\]:]*)$/.exec(host.startsWith('[') ? host.slice(host.indexOf(']')) : host)?.[1];
    if (port !== undefined && !/^\d*$/.test(port)) return undefined;
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return unescapePath(rest);
}
