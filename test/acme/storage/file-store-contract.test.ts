import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcmeStore } from '../../../src/acme/storage/acme-store.js';
import { FileStore } from '../../../src/acme/storage/file-store.js';
import { acmeStoreContract } from './store-contract.js';

acmeStoreContract('acme.json file store', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'junction-acme-file-'));
  t.after(() => rm(directory, { recursive: true, force: true }));
  return {
    async open(): Promise<AcmeStore> {
      const store = new FileStore(join(directory, 'acme.json'));
      t.after(() => store.close());
      return store;
    },
  };
}, { shared: false, shortLeaseMs: 300 });
