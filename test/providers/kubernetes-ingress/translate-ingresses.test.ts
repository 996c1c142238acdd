import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { decodeDynamicConfig } from '../../../src/config/dynamic/dynamic-config.js';
import { snapshotOf } from '../../../src/providers/kubernetes/cluster-snapshot.js';
import { translateIngresses, type IngressTranslationOptions } from '../../../src/providers/kubernetes-ingress/translate-ingresses.js';
import { parseManifests } from '../../support/kubernetes/api-server.js';

/** Source folder of the cases (tests run from dist/, fixtures stay in test/). */
const fixtures = fileURLToPath(new URL('../../../../test/providers/kubernetes-ingress/', import.meta.url));
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

const defaults: IngressTranslationOptions = {
  ingressClass: '',
  disableIngressClassLookup: false,
  disableClusterScopeResources: false,
  allowEmptyServices: false,
  allowExternalNameServices: false,
  nativeLBByDefault: false,
  strictPrefixMatching: false,
  defaultRuleSyntax: 'v3',
};

function read(folder: string, file: string): string | undefined {
  const path = `${fixtures}${folder}/${file}`;
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

describe('translateIngresses', () => {
  for (const folder of cases) {
    it(`translates ${folder.replaceAll('-', ' ')} as in ${folder}/expected.yml`, () => {
      const options = { ...defaults, ...(parse(read(folder, 'options.yml') ?? '{}') as Partial<IngressTranslationOptions>) };
      const snapshot = snapshotOf(parseManifests(read(folder, 'input.yml') ?? '') as KubernetesObject[]);

      const { config, errors, rejectedRouters } = translateIngresses(snapshot, options);
      const decoded = decodeDynamicConfig(config);

      const actual = stringify({ config, errors: errors.map((error) => error.message), ...(rejectedRouters.length > 0 && { rejectedRouters }) }, { lineWidth: 0 });
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(`${fixtures}${folder}/expected.yml`, actual);
      assert.equal(actual, read(folder, 'expected.yml'));
      assert.deepEqual(decoded.errors.map((error) => error.message), parse(read(folder, 'decode-errors.yml') ?? '[]'));
    });
  }
});
