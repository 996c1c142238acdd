import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import type { AcmeKeyType } from '../config/static/certificates-resolvers.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyAlgorithm = webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;

function keyAlgorithm(keyType: AcmeKeyType): KeyAlgorithm & { hash: string } {
  switch (keyType) {
    case 'EC256':
      return { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    case 'EC384':
      return { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
    case 'RSA2048':
    case 'RSA4096':
    case 'RSA8192':
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(keyType.slice(3)), publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  }
}

function pem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** A certificate's new private key and the signing request the CA finalizes an order with (both PEM). */
export interface CertificateRequest {
  readonly key: string;
  readonly csr: string;
}

export interface CertificateRequestOptions {
  /** The names, main first. */
  readonly names: readonly string[];
  readonly keyType: AcmeKeyType;
  /** Put the main name in the subject's common name (Traefik's default; `disableCommonName` turns it off). */
  readonly withCommonName: boolean;
  /** `emailAddresses`: added to the subject alternative names. */
  readonly emailAddresses: readonly string[];
}

/** Makes a fresh key of the resolver's type and a CSR naming every domain, as lego's ObtainRequest does. */
export async function createCertificateRequest(options: CertificateRequestOptions): Promise<CertificateRequest> {
  const algorithm = keyAlgorithm(options.keyType);
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const main = options.names[0] ?? '';
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    ...(options.withCommonName && main.length <= 64 ? { name: [{ CN: [main] }] } : {}),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...options.names.map((value) => ({ type: 'dns' as const, value })),
        ...options.emailAddresses.map((value) => ({ type: 'email' as const, value })),
      ]),
    ],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { key: pem('PRIVATE KEY', der), csr: request.toString('pem') };
}
