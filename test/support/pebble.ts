import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createCertificateAuthority, writeCertificate } from './certificates.js';
import { peerPath, skipUnlessPeer } from './peers.js';
import { freePort } from './ports.js';
import { until } from './until.js';

/** The `skip` option of a test that runs pebble and its DNS server. */
export const skipUnlessPebble = skipUnlessPeer('pebble', 'apt-get install pebble') || skipUnlessPeer('pebble-challtestsrv', 'apt-get install pebble');

export interface PebbleOptions {
  /** Where pebble validates HTTP-01 challenges: Junction's HTTP entryPoint port. */
  readonly httpPort: number;
  /** Where pebble validates TLS-ALPN-01 challenges: Junction's TLS entryPoint port. */
  readonly tlsPort: number;
  /** Extra environment for pebble (`PEBBLE_VA_ALWAYS_VALID`, ...). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Pebble {
  /** The ACME directory URL, for `caServer`. */
  readonly directoryUrl: string;
  /** PEM file of the CA that signed pebble's HTTPS certificate, for `caCertificates`. */
  readonly caFile: string;
  /** The root pebble issues certificates under (PEM), for clients to verify what Junction serves. */
  readonly root: string;
  /** PEM file of `root`. */
  readonly rootFile: string;
  /** `127.0.0.1:<port>` of the DNS server pebble asks (challtestsrv), for `dnsChallenge.resolvers`. */
  readonly dnsServer: string;
  /** challtestsrv's management API (`/set-txt`, `/clear-txt`). */
  readonly dnsManagementUrl: string;
  /** How many orders pebble received so far. */
  orderCount(): number;
  /** How many certificates pebble issued so far. */
  issuedCount(): number;
  /** Everything pebble logged. */
  output(): string;
  stop(): Promise<void>;
}

function startProcess(command: string, args: readonly string[], env: Readonly<Record<string, string>>, cwd: string): { child: ChildProcess; output: () => string } {
  const child = spawn(peerPath(command), [...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Starts pebble (a test ACME server) on free loopback ports with an HTTPS certificate from a fresh test CA,
 * and pebble-challtestsrv as the DNS server it asks (every name resolves to 127.0.0.1, TXT records set through
 * its management API). Stopped after the test.
 */
export async function startPebble(t: Pick<TestContext, 'after'>, options: PebbleOptions): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-pebble-'));
  const ca = await createCertificateAuthority('Pebble HTTPS Test CA');
  const serving = await ca.issue({ dnsNames: ['localhost', 'pebble.test'], ipAddresses: ['127.0.0.1'] });
  const { certFile, keyFile } = await writeCertificate(dir, 'pebble', serving);
  const caFile = join(dir, 'pebble-ca.pem');
  await writeFile(caFile, ca.cert);
  const [acmePort, managementPort, dnsPort, dnsManagementPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: certFile,
      privateKey: keyFile,
      httpPort: options.httpPort,
      tlsPort: options.tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  };
  const configFile = join(dir, 'pebble-config.json');
  await writeFile(configFile, JSON.stringify(config));

  const dns = startProcess(
    'pebble-challtestsrv',
    ['-dns01', `127.0.0.1:${dnsPort}`, '-management', `127.0.0.1:${dnsManagementPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv4', '127.0.0.1', '-defaultIPv6', ''],
    {},
    dir,
  );
  const pebble = startProcess('pebble', ['-config', configFile, '-dnsserver', `127.0.0.1:${dnsPort}`], { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0', ...options.env }, dir);
  const stop = async (): Promise<void> => {
    for (const child of [pebble.child, dns.child]) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
  };
  t.after(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  await until(async () => (await httpsGet(directoryUrl, ca.cert).catch(() => ({ status: 0 }))).status === 200, { timeoutMs: 20_000, message: `pebble's directory at ${directoryUrl}; pebble said:\n${pebble.output()}` });
  await until(async () => (await fetch(`http://127.0.0.1:${dnsManagementPort}/clear-txt`, { method: 'POST', body: JSON.stringify({ host: 'ready.test.' }) }).catch(() => undefined))?.ok === true, {
    timeoutMs: 20_000,
    message: `challtestsrv's management API; it said:\n${dns.output()}`,
  });
  const root = (await httpsGet(`https://127.0.0.1:${managementPort}/roots/0`, ca.cert)).body;
  const rootFile = join(dir, 'pebble-root.pem');
  await writeFile(rootFile, root);
  return {
    directoryUrl,
    caFile,
    root,
    rootFile,
    dnsServer: `127.0.0.1:${dnsPort}`,
    dnsManagementUrl: `http://127.0.0.1:${dnsManagementPort}`,
    orderCount: () => (pebble.output().match(/Added order/g) ?? []).length,
    issuedCount: () => (pebble.output().match(/Issued certificate serial/g) ?? []).length,
    output: pebble.output,
    stop,
  };
}
