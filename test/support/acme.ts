import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type PeerCertificate } from 'node:tls';
import type { Pebble } from './pebble.js';

/** What a client verifying Junction's certificate saw. */
export interface VerifiedAnswer {
  readonly status: number;
  readonly body: string;
  readonly certificate: PeerCertificate;
}

/**
 * Connects to 127.0.0.1:`port` with SNI `servername`, verifying the certificate against `ca` and the name, and
 * sends one GET; rejects when the certificate does not verify (the default certificate, for instance).
 */
export function verifiedGet(port: number, servername: string, ca: string, path = '/'): Promise<VerifiedAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: ['http/1.1'] }, () => {
      const certificate = socket.getPeerCertificate();
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('end', () => {
        const split = received.indexOf('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0), body: received.slice(split + 4), certificate });
      });
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
    });
    socket.once('error', reject);
  });
}

/** The serial number of the certificate served for `servername`, whatever signed it. */
export function servedSerial(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.once('error', reject);
  });
}

export interface AcmeStaticOptions {
  readonly pebble: Pebble;
  readonly webPort: number;
  readonly websecurePort: number;
  /** The resolver's options besides email, storage, CA and key type, as YAML lines indented under `acme:`. */
  readonly challenge: string;
  /** Default `{{DATA_DIR}}/acme.json`. */
  readonly storage?: string;
  readonly email?: string;
  readonly resolver?: string;
}

/** A static configuration with entryPoints `web` and `websecure` and one resolver trusting pebble. */
export function acmeStatic(options: AcmeStaticOptions): string {
  return `
entryPoints:
  web:
    address: "127.0.0.1:${options.webPort}"
  websecure:
    address: "127.0.0.1:${options.websecurePort}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
certificatesResolvers:
  ${options.resolver ?? 'le'}:
    acme:
      email: "${options.email ?? 'admin@example.com'}"
      storage: "${options.storage ?? '{{DATA_DIR}}/acme.json'}"
      caServer: "${options.pebble.directoryUrl}"
      caCertificates:
        - "${options.pebble.caFile}"
      keyType: EC256
${options.challenge}
`;
}

/** A router for `host` on websecure asking `resolver` for its certificate, and its service. */
export function acmeRouter(host: string, upstreamUrl: string, tls = 'certResolver: le'): string {
  return `
http:
  routers:
    app:
      rule: "Host(\`${host}\`)"
      entryPoints: [websecure]
      service: app
      tls: { ${tls} }
  services:
    app:
      loadBalancer:
        servers:
          - url: "${upstreamUrl}"
`;
}

/**
 * Writes an `exec` DNS provider script (`<hook> present|cleanup <fqdn> <value>`) that sets and clears the TXT
 * record on challtestsrv, and appends each call to `calls.log` beside it; returns both paths.
 */
export async function writeDnsHook(directory: string, pebble: Pebble): Promise<{ hook: string; calls: string }> {
  const hook = join(directory, 'dns-hook.mjs');
  const calls = join(directory, 'calls.log');
  await writeFile(
    hook,
    `#!${process.execPath}
import { appendFileSync } from 'node:fs';
const [action, fqdn, value] = process.argv.slice(2);
appendFileSync(${JSON.stringify(calls)}, action + ' ' + fqdn + ' ' + value + '\\n');
const path = action === 'present' ? '/set-txt' : '/clear-txt';
const body = action === 'present' ? { host: fqdn, value } : { host: fqdn };
const response = await fetch(${JSON.stringify(pebble.dnsManagementUrl)} + path, { method: 'POST', body: JSON.stringify(body) });
process.exit(response.ok ? 0 : 1);
`,
    { mode: 0o755 },
  );
  return { hook, calls };
}

/** Traefik's acme.json fixture (`le` with one certificate, `other` empty), as Traefik v3 writes it. */
export const traefikAcmeJsonFixture = fileURLToPath(new URL('../../../test/fixtures/acme/traefik-acme.json', import.meta.url));

/**
 * Traefik's acme.json fixture with `certificate` stored for `stored.example.com` and `www.stored.example.com`,
 * and a fresh RSA account key, as Traefik would have written them.
 */
export async function traefikAcmeJson(certificate: { readonly cert: string; readonly key: string }): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return (await readFile(traefikAcmeJsonFixture, 'utf8'))
    .replace('{{ACCOUNT_KEY}}', privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64'))
    .replace('{{CERTIFICATE}}', Buffer.from(certificate.cert).toString('base64'))
    .replace('{{KEY}}', Buffer.from(certificate.key).toString('base64'));
}
