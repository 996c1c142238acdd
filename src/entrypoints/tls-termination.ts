import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Logger } from '../observability/logger.js';
import type { TlsServerSettings } from '../tls/tls-runtime.js';

/** A fatal `internal_error` alert: what a Go server sends when it refuses a handshake (strict SNI, broken options). */
const HANDSHAKE_REFUSAL = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x50]);

/**
 * The chain verification OpenSSL recorded for the client certificate. Node only acts on it for sockets a
 * `tls.Server` accepted; sockets wrapped after peeking the ClientHello read it from the handle, as Node does.
 */
function verifyError(socket: TLSSocket): Error | null {
  const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
  return handle?.verifyError?.() ?? null;
}

/** Refuses a TLS connection before its handshake, with an alert so the client knows why it ended. */
export function refuseTls(socket: Socket): void {
  socket.end(HANDSHAKE_REFUSAL);
  socket.resume();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Terminates TLS on a socket whose ClientHello is still unread, and calls `onSecure` once the handshake
 * passed the client-certificate policy. Node's rejectUnauthorized covers RequireAndVerifyClientCert; the
 * two policies OpenSSL cannot express are checked here, right after the handshake, before any data flows.
 */
export function terminateTls(socket: Socket, settings: TlsServerSettings, log: Logger, onSecure: (secure: TLSSocket) => void): void {
  const secure = new TLSSocket(socket, {
    isServer: true,
    secureContext: settings.secureContext,
    requestCert: settings.requestCert,
    rejectUnauthorized: settings.rejectUnauthorized,
    ...(settings.alpnProtocols.length > 0 ? { ALPNProtocols: [...settings.alpnProtocols] } : {}),
  });
  secure.on('error', (error: NodeJS.ErrnoException) => {
    log.debug('TLS handshake failed', { error: error.message, code: error.code });
    secure.destroy();
    socket.destroy();
  });
  secure.once('secure', () => {
    // A tls.Server clears this once its handshake checks pass; HTTP/2 sessions wait for it before reading.
    (secure as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
    const peer = secure.getPeerCertificate();
    const hasCertificate = peer !== null && Object.keys(peer).length > 0;
    const failure = hasCertificate && settings.requestCert ? verifyError(secure) : null;
    const mustVerify = settings.clientAuth === 'RequireAndVerifyClientCert' || settings.clientAuth === 'VerifyClientCertIfGiven';
    const isRefused =
      ((settings.clientAuth === 'RequireAnyClientCert' || settings.clientAuth === 'RequireAndVerifyClientCert') && !hasCertificate) ||
      (mustVerify && failure !== null);
    if (isRefused) {
      log.debug('client certificate refused', { clientAuth: settings.clientAuth, reason: failure?.message ?? 'no certificate' });
      secure.destroy();
      return;
    }
    onSecure(secure);
  });
}
