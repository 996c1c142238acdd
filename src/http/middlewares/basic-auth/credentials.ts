/** Credentials of a `Basic` Authorization header. */
export interface BasicCredentials {
  /** The name as text, for looking up users. */
  readonly user: string;
  /** The name's bytes as received (Latin-1), for headers. */
  readonly rawUser: string;
  readonly password: Buffer;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses a `Basic` Authorization header as Go's `Request.BasicAuth` does: case-insensitive scheme followed
 * by one space, standard base64 with padding (line breaks ignored), split at the first colon.
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const encoded = header.slice(6).replace(/[\r\n]/g, '');
  if (encoded.length % 4 !== 0 || !base64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return undefined;
  const name = decoded.subarray(0, colon);
  return { user: name.toString('utf8'), rawUser: name.toString('latin1'), password: decoded.subarray(colon + 1) };
}
