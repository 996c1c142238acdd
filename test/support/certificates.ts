import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface Certificate {
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  readonly commonName?: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** URI SANs (`spiffe://...`), as `peerCertURI` checks them. */
  readonly uris?: readonly string[];
  /** Default: ECDSA P-256, the fastest to generate. */
  readonly keyType?: 'ec' | 'rsa';
  /** Marks the certificate for client authentication (mTLS) instead of, not besides, server authentication. */
  readonly clientAuth?: boolean;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** A test certificate authority that signs server and client certificates. */
export interface CertificateAuthority extends Certificate {
  issue(options: IssueOptions): Promise<Certificate>;
}

const ecAlgorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const rsaAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const day = 24 * 60 * 60 * 1000;

async function generateKeys(keyType: 'ec' | 'rsa'): Promise<{ keys: CryptoKeyPair; algorithm: typeof ecAlgorithm | typeof rsaAlgorithm }> {
  const algorithm = keyType === 'rsa' ? rsaAlgorithm : ecAlgorithm;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { keys, algorithm };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----\n`;
}

/** X.500 name with a common name; escaping is not needed for the plain names tests use. */
function distinguishedName(commonName: string): string {
  return `CN=${commonName}`;
}

function leafExtensions(options: IssueOptions): x509.Extension[] {
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([options.clientAuth === true ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  return extensions;
}

function validity(options: IssueOptions): { notBefore: Date; notAfter: Date } {
  return { notBefore: options.notBefore ?? new Date(Date.now() - day), notAfter: options.notAfter ?? new Date(Date.now() + 30 * day) };
}

/** A self-signed leaf certificate (no CA), as an upstream or a Secret of a seed tutorial would have. */
export async function selfSignedCertificate(options: IssueOptions): Promise<Certificate> {
  const { keys, algorithm } = await generateKeys(options.keyType ?? 'ec');
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: distinguishedName(options.commonName ?? options.dnsNames?.[0] ?? 'localhost'),
    keys,
    signingAlgorithm: algorithm,
    extensions: leafExtensions(options),
    ...validity(options),
  });
  return { cert: certificate.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** A certificate authority whose `issue` signs leaf certificates for the given names. */
export async function createCertificateAuthority(commonName = 'Junction Test CA'): Promise<CertificateAuthority> {
  const { keys, algorithm } = await generateKeys('ec');
  const name = distinguishedName(commonName);
  const caCertificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name,
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 365 * day),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const authorityKeyIdentifier = await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey);
  return {
    cert: caCertificate.toString('pem'),
    key: await privateKeyPem(keys.privateKey),
    async issue(options) {
      const leaf = await generateKeys(options.keyType ?? 'ec');
      const certificate = await x509.X509CertificateGenerator.create({
        serialNumber: randomBytes(8).toString('hex'),
        subject: distinguishedName(options.commonName ?? options.dnsNames?.[0] ?? 'client'),
        issuer: caCertificate.subject,
        publicKey: leaf.keys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: algorithm,
        extensions: [...leafExtensions(options), authorityKeyIdentifier],
        ...validity(options),
      });
      return { cert: certificate.toString('pem'), key: await privateKeyPem(leaf.keys.privateKey) };
    },
  };
}

/** Writes `<name>.crt` and `<name>.key` into a directory; returns their paths. */
export async function writeCertificate(directory: string, name: string, certificate: Certificate): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(directory, `${name}.crt`);
  const keyFile = join(directory, `${name}.key`);
  await writeFile(certFile, certificate.cert);
  await writeFile(keyFile, certificate.key, { mode: 0o600 });
  return { certFile, keyFile };
}

/** PEM text as a YAML block scalar (`|`) whose lines are indented by `indent` spaces, to inline in a configuration. */
export function pemBlock(text: string, indent: number): string {
  return `|\n${text.trim().split('\n').map((line) => `${' '.repeat(indent)}${line}`).join('\n')}`;
}
