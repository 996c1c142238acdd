import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createDnsProvider } from '../../../src/acme/dns/registry.js';

/** A shell script that appends its arguments (one call per line, tab-separated) to a log, then runs `tail`. */
function hookScript(t: TestContext, tail = 'exit 0'): { path: string; calls: () => string[][] } {
  const directory = mkdtempSync(join(tmpdir(), 'junction-exec-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const log = join(directory, 'calls.log');
  const path = join(directory, 'hook.sh');
  writeFileSync(path, `#!/bin/sh\n(IFS="$(printf '\\t')"; printf '%s\\n' "$*") >> "${log}"\n${tail}\n`);
  chmodSync(path, 0o755);
  const calls = (): string[][] => {
    try {
      return readFileSync(log, 'utf8').trimEnd().split('\n').map((line) => line.split('\t'));
    } catch {
      return [];
    }
  };
  return { path, calls };
}

describe('exec DNS provider', () => {
  it('calls the program with "present <fqdn> <value>" then "cleanup <fqdn> <value>"', async (t) => {
    const hook = hookScript(t);
    const provider = createDnsProvider('exec', { EXEC_PATH: hook.path });

    await provider.present('qikqiak.com', '_acme-challenge.qikqiak.com.', 'MsijOYZxqyjGnFGwhjrhfg-Xgbl5r68WPda0J9EgqqI');
    await provider.cleanup('qikqiak.com', '_acme-challenge.qikqiak.com.', 'MsijOYZxqyjGnFGwhjrhfg-Xgbl5r68WPda0J9EgqqI');

    assert.deepEqual(hook.calls(), [
      ['present', '_acme-challenge.qikqiak.com.', 'MsijOYZxqyjGnFGwhjrhfg-Xgbl5r68WPda0J9EgqqI'],
      ['cleanup', '_acme-challenge.qikqiak.com.', 'MsijOYZxqyjGnFGwhjrhfg-Xgbl5r68WPda0J9EgqqI'],
    ]);
  });

  it('with EXEC_MODE=RAW calls "present -- <domain> <token> <keyAuthorization>", so a token starting with "-" is safe', async (t) => {
    const hook = hookScript(t);
    const provider = createDnsProvider('exec', { EXEC_PATH: hook.path, EXEC_MODE: 'RAW' });
    const challenge = { token: '-token', keyAuthorization: '-token.thumbprint' };

    await provider.present('my.example.org', '_acme-challenge.my.example.org.', 'value', challenge);
    await provider.cleanup('my.example.org', '_acme-challenge.my.example.org.', 'value', challenge);

    assert.deepEqual(hook.calls(), [
      ['present', '--', 'my.example.org', '-token', '-token.thumbprint'],
      ['cleanup', '--', 'my.example.org', '-token', '-token.thumbprint'],
    ]);
  });

  it('fails with the program\'s output when it exits non-zero', async (t) => {
    const hook = hookScript(t, 'echo "zone example.org is read-only" >&2; exit 3');
    const provider = createDnsProvider('exec', { EXEC_PATH: hook.path });

    await assert.rejects(
      provider.present('example.org', '_acme-challenge.example.org.', 'value'),
      { message: `exec: "${hook.path} present" exited with code 3: zone example.org is read-only` },
    );
  });

  it('fails clearly when the program cannot be started', async () => {
    const provider = createDnsProvider('exec', { EXEC_PATH: '/nonexistent/hook.sh' });

    await assert.rejects(
      provider.present('example.org', '_acme-challenge.example.org.', 'value'),
      /^Error: exec: cannot run "\/nonexistent\/hook\.sh": .*ENOENT/,
    );
  });

  it('uses lego\'s timings: 60 s propagation timeout, 2 s polling, one challenge at a time 60 s apart', () => {
    const provider = createDnsProvider('exec', { EXEC_PATH: '/bin/true' });

    assert.equal(provider.propagationTimeoutMs, 60_000);
    assert.equal(provider.pollingIntervalMs, 2_000);
    assert.equal(provider.sequenceIntervalMs, 60_000);
  });

  it('reads EXEC_PROPAGATION_TIMEOUT, EXEC_POLLING_INTERVAL and EXEC_SEQUENCE_INTERVAL in seconds', () => {
    const provider = createDnsProvider('exec', {
      EXEC_PATH: '/bin/true', EXEC_PROPAGATION_TIMEOUT: '120', EXEC_POLLING_INTERVAL: '5', EXEC_SEQUENCE_INTERVAL: '0',
    });

    assert.equal(provider.propagationTimeoutMs, 120_000);
    assert.equal(provider.pollingIntervalMs, 5_000);
    assert.equal(provider.sequenceIntervalMs, 0);
  });
});
