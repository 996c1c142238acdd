import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/errors.js';
import { KubernetesSecretStore } from '../../../src/acme/storage/kubernetes-secret-store.js';
import { openAcmeStore } from '../../../src/acme/storage/open-store.js';
import { RedisStore } from '../../../src/acme/storage/redis-store.js';

const path = 'certificatesResolvers.le.acme.storage';

describe('opening a shared ACME store from the storage option', () => {
  it('opens a Redis store for redis:// and rediss:// URLs, without waiting for Redis', async () => {
    for (const url of ['redis://127.0.0.1:1/0', 'rediss://127.0.0.1:1/0?insecureSkipVerify=true']) {
      const store = openAcmeStore(url, { path, cwd: '/' });
      assert.ok(store instanceof RedisStore);
      assert.equal(store.shared, true);
      await store.close();
    }
  });

  it('opens a Kubernetes Secret store for kubernetes://<namespace>/<name>', async () => {
    const store = openAcmeStore('kubernetes://edge/junction-acme', { path, cwd: '/' });
    assert.ok(store instanceof KubernetesSecretStore);
    assert.equal(store.description, 'kubernetes secret edge/junction-acme');
    await store.close();
  });

  const faults = [
    { url: 'redis://:hunter2@127.0.0.1/db1', message: `${path}: invalid storage "redis://:***@127.0.0.1/db1": database "db1" is not a number` },
    { url: 'kubernetes://edge', message: `${path}: invalid storage "kubernetes://edge": expected kubernetes://<namespace>/<secret-name>` },
  ];
  for (const fault of faults) {
    it(`reports a bad URL at the option's path: ${fault.url}`, () => {
      assert.throws(() => openAcmeStore(fault.url, { path, cwd: '/' }), (error: unknown) => error instanceof ConfigError && String(error.message) === fault.message);
    });
  }
});
