import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsProviderConfigError } from '../../../src/acme/dns/dns-provider.js';
import { createDnsProvider, knownDnsProviders } from '../../../src/acme/dns/registry.js';

describe('DNS provider registry', () => {
  it('creates a provider by the name dnsChallenge.provider uses', () => {
    const provider = createDnsProvider('exec', { EXEC_PATH: '/bin/true' });

    assert.equal(provider.name, 'exec');
  });

  it('refuses an unknown provider, listing the known ones', () => {
    assert.throws(() => createDnsProvider('route66', {}), {
      name: 'UnknownDnsProviderError',
      message: `unknown DNS provider "route66"; expected one of ${knownDnsProviders.join(', ')}`,
    });
  });

  it('suggests the nearest name for a likely typo', () => {
    assert.throws(() => createDnsProvider('exex', {}), {
      message: `unknown DNS provider "exex"; did you mean "exec"? expected one of ${knownDnsProviders.join(', ')}`,
    });
  });

  it('does not take inherited object keys for provider names', () => {
    assert.throws(() => createDnsProvider('constructor', {}), { name: 'UnknownDnsProviderError' });
  });

  it('names every missing variable, in lego\'s words', () => {
    assert.throws(() => createDnsProvider('exec', { EXEC_PATH: '' }), (error) => {
      assert.ok(error instanceof DnsProviderConfigError);
      assert.equal(error.message, 'exec: some credentials information are missing: EXEC_PATH');
      return true;
    });
  });

  it('reads NAME_FILE when NAME is unset, dropping the trailing line break', (t) => {
    const directory = mkdtempSync(join(tmpdir(), 'junction-env-'));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const file = join(directory, 'timeout');
    writeFileSync(file, '90\n');

    const provider = createDnsProvider('exec', { EXEC_PATH: '/bin/true', EXEC_PROPAGATION_TIMEOUT_FILE: file });

    assert.equal(provider.propagationTimeoutMs, 90_000);
  });

  it('names a NAME_FILE that cannot be read', () => {
    assert.throws(() => createDnsProvider('exec', { EXEC_PATH_FILE: '/nonexistent/path' }), {
      message: /^exec: EXEC_PATH_FILE: cannot read "\/nonexistent\/path": /,
    });
  });

  it('refuses a duration that is not a whole number of seconds, naming the variable', () => {
    assert.throws(() => createDnsProvider('exec', { EXEC_PATH: '/bin/true', EXEC_POLLING_INTERVAL: '2s' }), {
      message: 'exec: EXEC_POLLING_INTERVAL: expected a whole number of seconds, got "2s"',
    });
  });
});
