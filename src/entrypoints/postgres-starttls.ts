/**
 * PostgreSQL clients ask for TLS in-band: an 8-byte SSLRequest (length 8, code 80877103) answered by `S`,
 * then the TLS handshake. Traefik recognises it on entryPoints that peek, so TCP routers with `HostSNI` can
 * route PostgreSQL by SNI.
 */
export const postgresSslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

/** The answer that accepts a PostgreSQL SSLRequest. */
export const postgresSslAccepted = Buffer.from('S', 'latin1');

/** Whether the first bytes are an SSLRequest, are not, or could still become one. */
export function peekPostgresSslRequest(data: Buffer): 'yes' | 'no' | 'more' {
  const length = Math.min(data.length, postgresSslRequest.length);
  if (!data.subarray(0, length).equals(postgresSslRequest.subarray(0, length))) return 'no';
  return data.length >= postgresSslRequest.length ? 'yes' : 'more';
}
