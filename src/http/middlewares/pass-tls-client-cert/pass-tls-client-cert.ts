import type { TLSSocket } from 'node:tls';
import type { MiddlewareFactory } from '../middleware.js';
import { distinguishedName, goQueryEscape, sanitizedPem, subjectAltNames } from './certificate-info.js';
import type { PassTlsClientCertConfig } from './pass-tls-client-cert-schema.js';

const certHeader = 'x-forwarded-tls-client-cert';
const infoHeader = 'x-forwarded-tls-client-cert-info';

/**
 * Passes the client certificate of a mutual-TLS request to the server, as Traefik's passTLSClientCert:
 * `X-Forwarded-Tls-Client-Cert` holds the certificate's base64 DER, `X-Forwarded-Tls-Client-Cert-Info` the
 * chosen fields, URL-escaped. Requests without a client certificate pass unchanged.
 */
export const passTLSClientCert: MiddlewareFactory<PassTlsClientCertConfig> = (config, context) => {
  const isPem = config.pem === true;
  const info = config.info;
  return (next) =>
    function passTLSClientCert(exchange) {
      const socket = exchange.request.socket as Partial<TLSSocket>;
      const certificate = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
      if (certificate === undefined) {
        if (isPem || info !== undefined) context.log.debug('Tried to extract a certificate on a request without mutual TLS');
        return next(exchange);
      }
      const headers = exchange.request.headers;
      if (isPem) headers[certHeader] = sanitizedPem(certificate);
      if (info !== undefined) {
        const fields: string[] = [];
        const subject = distinguishedName(certificate.subject, info.subject ?? {});
        if (info.subject !== undefined && subject !== '') fields.push(`Subject="${subject}"`);
        const issuer = distinguishedName(certificate.issuer, info.issuer ?? {});
        if (info.issuer !== undefined && issuer !== '') fields.push(`Issuer="${issuer}"`);
        if (info.serialNumber === true) fields.push(`SerialNumber="${BigInt(`0x${certificate.serialNumber}`).toString()}"`);
        if (info.notBefore === true) fields.push(`NB="${Math.floor(Date.parse(certificate.validFrom) / 1000)}"`);
        if (info.notAfter === true) fields.push(`NA="${Math.floor(Date.parse(certificate.validTo) / 1000)}"`);
        if (info.sans === true) {
          const sans = subjectAltNames(certificate);
          if (sans.length > 0) fields.push(`SAN="${sans.join(',')}"`);
        }
        headers[infoHeader] = goQueryEscape(fields.join(';'));
      }
      next(exchange);
    };
};
