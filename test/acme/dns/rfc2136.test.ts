import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createDnsProvider } from '../../../src/acme/dns/registry.js';
import { decodeMessage, encodeMessage, Opcode, RecordType } from '../../../src/acme/dns/rfc2136/dns-message.js';
import { signMessage, type TsigAlgorithm, type TsigKey } from '../../../src/acme/dns/rfc2136/tsig.js';
import { startDnsServer } from '../../support/dns-server.js';

const secret = 'TCG5A6/lOHUGbW0e/9RYYbzWDFMlj1pIxCvybLBayBg=';
const key: TsigKey = { name: 'acme-key.', algorithm: 'hmac-sha256.', secret: Buffer.from(secret, 'base64') };
const fqdn = '_acme-challenge.www.example.org.';

function rfc2136Env(address: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DNSUPDATE_NAMESERVER: address,
    DNSUPDATE_TSIG_KEY: 'acme-key',
    DNSUPDATE_TSIG_SECRET: secret,
    DNSUPDATE_TSIG_ALGORITHM: 'hmac-sha256',
    ...extra,
  };
}

describe('rfc2136 DNS provider', () => {
  it('finds the zone by SOA queries up the tree, then adds the TXT record with a TSIG-signed update', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));

    await provider.present('www.example.org', fqdn, 'challenge-value');

    assert.deepEqual(server.txt(fqdn), ['challenge-value']);
    assert.deepEqual(server.log.filter((entry) => entry.opcode === Opcode.QUERY).map((entry) => entry.question?.name), [
      '_acme-challenge.www.example.org.', 'www.example.org.', 'example.org.',
    ]);
    assert.equal(server.updates.length, 1);
    assert.equal(server.updates[0]!.zone, 'example.org.');
    assert.equal(server.updates[0]!.keyName, 'acme-key.');
  });

  it('removes the record on cleanup, leaving other TXT values at the name', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));
    await provider.present('www.example.org', fqdn, 'challenge-value');
    const other = createDnsProvider('rfc2136', rfc2136Env(server.address));
    await other.cleanup('www.example.org', fqdn, 'some-other-value');
    assert.deepEqual(server.txt(fqdn), ['challenge-value']);

    await provider.cleanup('www.example.org', fqdn, 'challenge-value');

    assert.deepEqual(server.txt(fqdn), []);
  });

  it('replaces TXT records left at the name by an earlier run when presenting, as lego does', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key], records: [{ name: fqdn, type: 'TXT', value: 'stale' }] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));

    await provider.present('www.example.org', fqdn, 'fresh');

    assert.deepEqual(server.txt(fqdn), ['fresh']);
  });

  for (const algorithm of ['hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512.'] as const) {
    it(`signs with ${algorithm}`, async (t) => {
      const name = (algorithm.endsWith('.') ? algorithm : `${algorithm}.`) as TsigAlgorithm;
      const server = await startDnsServer(t, { zones: ['example.org'], keys: [{ ...key, algorithm: name }] });
      const provider = createDnsProvider('rfc2136', rfc2136Env(server.address, { DNSUPDATE_TSIG_ALGORITHM: algorithm }));

      await provider.present('www.example.org', fqdn, 'value');

      assert.deepEqual(server.txt(fqdn), ['value']);
    });
  }

  it('signs with hmac-sha1 when no algorithm is set', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [{ ...key, algorithm: 'hmac-sha1.' }] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address, { DNSUPDATE_TSIG_ALGORITHM: undefined }));

    await provider.present('www.example.org', fqdn, 'value');

    assert.deepEqual(server.txt(fqdn), ['value']);
  });

  it('fails with NOTAUTH (TSIG BADSIG) when the secret is wrong, and nothing changes', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address, { DNSUPDATE_TSIG_SECRET: Buffer.from('wrong secret').toString('base64') }));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: server ${server.address} replied NOTAUTH (TSIG BADSIG) for INSERT example.org.`,
    });
    assert.deepEqual(server.txt(fqdn), []);
  });

  it('fails with NOTAUTH (TSIG BADKEY) when the server does not know the key', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address, { DNSUPDATE_TSIG_KEY: 'other-key' }));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: server ${server.address} replied NOTAUTH (TSIG BADKEY) for INSERT example.org.`,
    });
  });

  it('fails with NOTAUTH (TSIG BADTIME) when the clocks are more than the 300 s fudge apart', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key], clockSkewSeconds: 1000 });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: server ${server.address} replied NOTAUTH (TSIG BADTIME) for INSERT example.org.`,
    });
  });

  it('reports the server\'s refusal of an unsigned update', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: server.address });

    await assert.rejects(provider.cleanup('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to remove: DNS update failed: server ${server.address} replied REFUSED for REMOVE example.org.`,
    });
  });

  it('sends unsigned updates when no TSIG key is set', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'] });
    const provider = createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: server.address });

    await provider.present('www.example.org', fqdn, 'value');

    assert.deepEqual(server.txt(fqdn), ['value']);
    assert.equal(server.updates[0]!.keyName, undefined);
  });

  it('retries over TCP when the UDP answer is truncated', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key], truncateUdp: true });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));

    await provider.present('www.example.org', fqdn, 'value');

    assert.deepEqual(server.txt(fqdn), ['value']);
    assert.ok(server.log.some((entry) => entry.transport === 'tcp' && entry.opcode === Opcode.UPDATE));
  });

  it('takes the zone from DNSUPDATE_ZONES, the longest that holds the name, without asking for SOA records', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.org', 'www.example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address, { DNSUPDATE_ZONES: 'example.org,www.example.org' }));

    await provider.present('www.example.org', fqdn, 'value');

    assert.equal(server.updates[0]!.zone, 'www.example.org.');
    assert.equal(server.log.filter((entry) => entry.opcode === Opcode.QUERY).length, 0);
  });

  it('skips names that answer with a CNAME when looking for the zone', async (t) => {
    const server = await startDnsServer(t, {
      zones: ['example.org'], keys: [key], records: [{ name: 'www.example.org', type: 'CNAME', value: 'example.org' }],
    });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));

    await provider.present('www.example.org', fqdn, 'value');

    assert.equal(server.updates[0]!.zone, 'example.org.');
  });

  it('fails clearly when the nameserver serves no zone for the name', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.net'], keys: [key] });
    const provider = createDnsProvider('rfc2136', rfc2136Env(server.address));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: [fqdn=${fqdn}] unexpected response for '${fqdn}': REFUSED`,
    });
  });

  it('fails after DNSUPDATE_DNS_TIMEOUT when the nameserver does not answer', async (t) => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    t.after(() => silent.close());
    const address = `127.0.0.1:${silent.address().port}`;
    const provider = createDnsProvider('rfc2136', rfc2136Env(address, { DNSUPDATE_DNS_TIMEOUT: '1', DNSUPDATE_ZONES: 'example.org' }));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: no answer from ${address} over UDP within 1000 ms`,
    });
  });

  it('refuses a success answer that is not signed with the request\'s key', async (t) => {
    const forger = await startUpdateResponder(t, (request) => request);
    const provider = createDnsProvider('rfc2136', rfc2136Env(forger, { DNSUPDATE_ZONES: 'example.org' }));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: server ${forger} replied NOERROR (answer not signed) for INSERT example.org.`,
    });
  });

  it('refuses a success answer whose signature does not verify', async (t) => {
    const otherKey: TsigKey = { ...key, secret: Buffer.from('not the shared secret') };
    const forger = await startUpdateResponder(t, (answer) => signMessage(answer, otherKey, { timeSigned: Math.floor(Date.now() / 1000) }).wire);
    const provider = createDnsProvider('rfc2136', rfc2136Env(forger, { DNSUPDATE_ZONES: 'example.org' }));

    await assert.rejects(provider.present('www.example.org', fqdn, 'value'), {
      message: `rfc2136: failed to insert: DNS update failed: server ${forger} replied NOERROR (answer's TSIG: BADSIG) for INSERT example.org.`,
    });
  });
});

/** A UDP server answering every update NOERROR, passing its answer (request without TSIG) through `finish`. */
async function startUpdateResponder(t: TestContext, finish: (answer: Buffer) => Buffer): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => socket.close());
  socket.on('message', (request, remote) => {
    const { message } = decodeMessage(request);
    const answer = encodeMessage({
      ...message, isResponse: true, answers: [], authorities: [],
      additionals: message.additionals.filter((record) => record.type !== RecordType.TSIG),
    });
    socket.send(finish(answer), remote.port, remote.address);
  });
  return `127.0.0.1:${socket.address().port}`;
}

describe('rfc2136 DNS provider configuration', () => {
  it('requires DNSUPDATE_NAMESERVER', () => {
    assert.throws(() => createDnsProvider('rfc2136', {}), {
      message: 'rfc2136: some credentials information are missing: DNSUPDATE_NAMESERVER',
    });
  });

  it('also reads the older RFC2136_* names, and answers to the name dnsupdate', () => {
    const provider = createDnsProvider('dnsupdate', {
      RFC2136_NAMESERVER: '127.0.0.1', RFC2136_PROPAGATION_TIMEOUT: '300', RFC2136_POLLING_INTERVAL: '10', RFC2136_SEQUENCE_INTERVAL: '5',
    });

    assert.equal(provider.name, 'dnsupdate');
    assert.equal(provider.propagationTimeoutMs, 300_000);
    assert.equal(provider.pollingIntervalMs, 10_000);
    assert.equal(provider.sequenceIntervalMs, 5_000);
  });

  it('uses lego\'s timings: 60 s propagation timeout, 2 s polling, one challenge at a time 60 s apart', () => {
    const provider = createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: '127.0.0.1' });

    assert.equal(provider.propagationTimeoutMs, 60_000);
    assert.equal(provider.pollingIntervalMs, 2_000);
    assert.equal(provider.sequenceIntervalMs, 60_000);
  });

  it('refuses TSIG algorithms lego does not accept, hmac-md5 included', () => {
    assert.throws(() => createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: '127.0.0.1', DNSUPDATE_TSIG_ALGORITHM: 'hmac-md5.sig-alg.reg.int.' }), {
      message: 'rfc2136: unsupported TSIG algorithm: hmac-md5.sig-alg.reg.int.',
    });
  });

  it('refuses GSS-TSIG as not supported yet', () => {
    assert.throws(() => createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: '127.0.0.1', DNSUPDATE_TSIG_ALGORITHM: 'gss-tsig' }), {
      message: 'rfc2136: TSIG GSS (Kerberos, RFC 3645) is not supported yet; use an HMAC key',
    });
  });

  it('refuses a secret that is not base64', () => {
    assert.throws(() => createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: '127.0.0.1', DNSUPDATE_TSIG_KEY: 'k', DNSUPDATE_TSIG_SECRET: 'not base64!' }), {
      message: 'rfc2136: DNSUPDATE_TSIG_SECRET: the TSIG secret is not valid base64',
    });
  });

  it('refuses a nameserver address it cannot read', () => {
    assert.throws(() => createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: '::1' }), {
      message: 'rfc2136: DNSUPDATE_NAMESERVER: invalid address "::1"; expected host or host:port',
    });
    assert.throws(() => createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: '127.0.0.1:99999' }), {
      message: 'rfc2136: DNSUPDATE_NAMESERVER: port "99999" is out of range 1-65535',
    });
  });

  it('reads the key from a tsig-keygen file named by DNSUPDATE_TSIG_FILE', async (t) => {
    const directory = mkdtempSync(join(tmpdir(), 'junction-tsig-'));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const file = join(directory, 'acme.key');
    writeFileSync(file, `# generated\nkey "acme-key" {\n\talgorithm hmac-sha256;\n\tsecret "${secret}";\n};\n`);
    const server = await startDnsServer(t, { zones: ['example.org'], keys: [key] });
    const provider = createDnsProvider('rfc2136', { DNSUPDATE_NAMESERVER: server.address, DNSUPDATE_TSIG_FILE: file });

    await provider.present('www.example.org', fqdn, 'value');

    assert.deepEqual(server.txt(fqdn), ['value']);
  });
});
