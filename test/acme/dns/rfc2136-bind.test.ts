import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createDnsProvider } from '../../../src/acme/dns/registry.js';
import { startDnsServer } from '../../support/dns-server.js';
import { peerPath, runPeer, skipUnlessPeer } from '../../support/peers.js';
import { freePort } from '../../support/ports.js';
import { until } from '../../support/until.js';

/** Interoperability with BIND, whose TSIG is the reference: its server checks our signatures, its nsupdate ours. */

const secret = 'TCG5A6/lOHUGbW0e/9RYYbzWDFMlj1pIxCvybLBayBg=';
const fqdn = '_acme-challenge.www.example.org.';
const skipWithoutBind = skipUnlessPeer('named', 'apt-get install bind9') || skipUnlessPeer('dig', 'apt-get install bind9-dnsutils');
const skipWithoutNsupdate = skipUnlessPeer('nsupdate', 'apt-get install bind9-dnsutils');

/** Starts BIND's named on a free port, authoritative for example.org and accepting updates signed with `acme-key`. */
async function startNamed(t: TestContext): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'junction-named-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const port = await freePort();
  writeFileSync(join(directory, 'example.org.zone'), [
    '$TTL 60',
    '@ IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 60',
    '@ IN NS ns.example.org.',
    'ns IN A 127.0.0.1',
    '',
  ].join('\n'));
  writeFileSync(join(directory, 'named.conf'), `
options {
  directory "${directory}";
  pid-file "${directory}/named.pid";
  session-keyfile "${directory}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
};
controls { };
key "acme-key" { algorithm hmac-sha256; secret "${secret}"; };
zone "example.org" { type primary; file "${directory}/example.org.zone"; allow-update { key "acme-key"; }; };
`);
  const named = spawn(peerPath('named'), ['-g', '-4', '-c', join(directory, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  named.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  t.after(() => { named.kill('SIGTERM'); });
  await until(() => dig(port, 'example.org', 'SOA') !== '', { timeoutMs: 30_000, message: `named to serve example.org\n${output}` });
  return `127.0.0.1:${port}`;
}

/** Runs nsupdate without blocking the event loop (the server under test answers from this process). */
function nsupdate(key: string, script: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(peerPath('nsupdate'), ['-y', key], { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error !== null) reject(new Error(`nsupdate failed: ${stderr}`));
      else resolve(stderr);
    });
    child.stdin?.end(`${script.join('\n')}\n`);
  });
}

function dig(port: number, name: string, type: string): string {
  return runPeer('dig', [`@127.0.0.1`, '-p', String(port), '+short', '+tries=1', '+time=2', name, type]).trim();
}

describe('rfc2136 DNS provider against BIND', { skip: skipWithoutBind }, () => {
  it('publishes and removes the TXT record with updates BIND accepts', async (t) => {
    const address = await startNamed(t);
    const port = Number(address.split(':')[1]);
    const provider = createDnsProvider('rfc2136', {
      DNSUPDATE_NAMESERVER: address, DNSUPDATE_TSIG_KEY: 'acme-key', DNSUPDATE_TSIG_SECRET: secret, DNSUPDATE_TSIG_ALGORITHM: 'hmac-sha256.',
    });

    await provider.present('www.example.org', fqdn, 'challenge-value');
    assert.equal(dig(port, fqdn, 'TXT'), '"challenge-value"');

    await provider.cleanup('www.example.org', fqdn, 'challenge-value');
    assert.equal(dig(port, fqdn, 'TXT'), '');
  });

  it('reports BIND\'s refusal of a wrong secret', async (t) => {
    const address = await startNamed(t);
    const provider = createDnsProvider('rfc2136', {
      DNSUPDATE_NAMESERVER: address, DNSUPDATE_TSIG_KEY: 'acme-key',
      DNSUPDATE_TSIG_SECRET: Buffer.from('wrong secret').toString('base64'), DNSUPDATE_TSIG_ALGORITHM: 'hmac-sha256.',
    });

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: server ${address} replied NOTAUTH (TSIG BADSIG) for INSERT example.org.`,
    });
  });
});

describe('test DNS server against nsupdate', { skip: skipWithoutNsupdate }, () => {
  for (const algorithm of ['hmac-sha1', 'hmac-sha512'] as const) {
    it(`applies an update nsupdate signs with ${algorithm}, and nsupdate accepts its signed answer`, async (t) => {
      const server = await startDnsServer(t, {
        zones: ['example.org'], keys: [{ name: 'acme-key.', algorithm: `${algorithm}.`, secret: Buffer.from(secret, 'base64') }],
      });

      await nsupdate(`${algorithm}:acme-key:${secret}`, [
        `server 127.0.0.1 ${server.port}`,
        'zone example.org',
        `update add ${fqdn} 60 TXT "from-nsupdate"`,
        'send',
      ]);

      assert.deepEqual(server.txt(fqdn), ['from-nsupdate']);
    });
  }

  it('refuses an update nsupdate signs with another secret', async (t) => {
    const server = await startDnsServer(t, {
      zones: ['example.org'], keys: [{ name: 'acme-key.', algorithm: 'hmac-sha256.', secret: Buffer.from(secret, 'base64') }],
    });

    await assert.rejects(nsupdate(`hmac-sha256:acme-key:${Buffer.from('other secret').toString('base64')}`, [
      `server 127.0.0.1 ${server.port}`, 'zone example.org', `update add ${fqdn} 60 TXT "x"`, 'send',
    ]), /BADSIG|NOTAUTH/);
    assert.deepEqual(server.txt(fqdn), []);
  });
});
