import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/** A name the server's certificate must hold (`peerCertSANs`; `peerCertURI` is a URI one), as Traefik's tls.SAN. */
export interface PeerSan {
  readonly type: 'DNSName' | 'URI';
  readonly value: string;
}

/**
 * Checks the server's identity as Node does for the dialled name, then that its certificate holds one of
 * `sans`: a URI SAN equal to the value (case-insensitively), or a DNS name the value matches, as Traefik's
 * VerifyPeerCertificate. Undefined when there is nothing beyond Node's own check.
 */
export function peerIdentityChecker(sans: readonly PeerSan[]): ((host: string, certificate: PeerCertificate) => Error | undefined) | undefined {
  if (sans.length === 0) return undefined;
  return (host, certificate) => {
    const error = checkServerIdentity(host, certificate);
    if (error !== undefined) return error;
    const uris = (certificate.subjectaltname ?? '')
      .split(', ')
      .filter((name) => name.startsWith('URI:'))
      .map((name) => name.slice(4).toLowerCase());
    const matches = sans.some((san) => (san.type === 'URI' ? uris.includes(san.value.toLowerCase()) : checkServerIdentity(san.value, certificate) === undefined));
    if (matches) return undefined;
    return Object.assign(new Error('no matching SAN in peer certificate'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  };
}

/** `peerCertSANs` with the deprecated `peerCertURI` added as a URI SAN, as Traefik merges them. */
export function peerSans(peerCertSANs: readonly PeerSan[] | undefined, peerCertURI: string | undefined): PeerSan[] {
  return [...(peerCertSANs ?? []), ...(peerCertURI !== undefined && peerCertURI !== '' ? [{ type: 'URI' as const, value: peerCertURI }] : [])];
}
