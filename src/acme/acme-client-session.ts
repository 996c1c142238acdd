import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import acme from 'acme-client';
import { safeCaServer, type AcmeResolverConfig } from '../config/static/certificates-resolvers.js';
import type { Logger } from '../observability/logger.js';
import { trustCa, withLegoEnvironment } from './ca-client.js';
import type { AcmeStore, StoredAccount } from './storage/acme-store.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Reads a stored account key: PKCS#1 DER for RSA as Traefik writes it, else PKCS#8 or SEC 1 DER. */
function accountKeyObject(der: Buffer): KeyObject {
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type });
    } catch {
      // Try the next encoding.
    }
  }
  throw new Error('cannot read the stored account private key');
}

/** A new account as Traefik makes one: an RSA 4096 key, PKCS#1 DER, not registered yet. */
async function newAccount(email: string): Promise<StoredAccount> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 4096 });
  return { email, privateKey: privateKey.export({ type: 'pkcs1', format: 'der' }) };
}

/** Tells whether a stored registration belongs to the CA server, as Traefik compares their host names. */
function isAccountOfCaServer(uri: string, caServer: string): boolean {
  try {
    return new URL(uri).hostname === new URL(caServer).hostname;
  } catch {
    return false;
  }
}

/**
 * An ACME client for a resolver, with its account loaded from the store or registered (with the email and
 * the external account binding) and saved there. An account registered with another CA server is replaced,
 * as Traefik does when `caServer` changes.
 */
export async function openAcmeClient(resolver: string, config: AcmeResolverConfig, store: AcmeStore, log: Logger, env: NodeJS.ProcessEnv): Promise<acme.Client> {
  const caServer = safeCaServer(config.caServer);
  trustCa(
    withLegoEnvironment(
      { caServer, caCertificates: config.caCertificates, caSystemCertPool: config.caSystemCertPool, caServerName: config.caServerName, clientTimeoutMs: config.clientTimeout },
      env,
    ),
  );
  let account = (await store.load(resolver)).account;
  if (account?.registration !== undefined && !isAccountOfCaServer(account.registration.uri, caServer)) {
    log.info('account URI does not match the current CA server; the account will be reset');
    account = undefined;
  }
  account ??= await newAccount(config.email);
  const accountKey = accountKeyObject(account.privateKey).export({ type: 'pkcs8', format: 'pem' }) as string;
  const eab = config.eab;
  const client = new acme.Client({
    directoryUrl: caServer,
    accountKey,
    ...(account.registration !== undefined ? { accountUrl: account.registration.uri } : {}),
    ...(eab !== undefined ? { externalAccountBinding: { kid: eab.kid, hmacKey: eab.hmacEncoded } } : {}),
    backoffAttempts: Math.max(3, Math.ceil(config.certificateTimeout / 2000)),
    backoffMin: 500,
    backoffMax: 3000,
  });
  if (account.registration === undefined) {
    const body = await client.createAccount({
      termsOfServiceAgreed: true,
      ...(config.email !== '' ? { contact: [`mailto:${config.email}`] } : {}),
    });
    account = { email: config.email, registration: { body: body as unknown as Record<string, unknown>, uri: client.getAccountUrl() }, privateKey: account.privateKey };
    await store.saveAccount(resolver, account);
    log.info('ACME account registered', { accountUrl: account.registration!.uri });
  }
  return client;
}
