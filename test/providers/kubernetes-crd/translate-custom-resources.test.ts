import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { decodeDynamicConfig } from '../../../src/config/dynamic/dynamic-config.js';
import { snapshotOf } from '../../../src/providers/kubernetes/cluster-snapshot.js';
import { defaultTranslationOptions, type CrdTranslationOptions } from '../../../src/providers/kubernetes-crd/options.js';
import { translateCustomResources } from '../../../src/providers/kubernetes-crd/translate.js';
import { parseManifests } from '../../support/kubernetes/api-server.js';

/** Source folder of the cases (tests run from dist/, fixtures stay in test/). */
const fixtures = fileURLToPath(new URL('../../../../test/providers/kubernetes-crd/', import.meta.url));
const cases = readdirSync(fixtures, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

function read(folder: string, file: string): string | undefined {
  const path = `${fixtures}${folder}/${file}`;
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The manifests with every Traefik object moved to one API group. */
function inGroup(objects: KubernetesObject[], group: string): KubernetesObject[] {
  return objects.map((object) => ({ ...object, apiVersion: object.apiVersion?.replace(/^traefik\.(io|containo\.us)\//, `${group}/`) }));
}

function translated(folder: string, objects: KubernetesObject[]): string {
  const options: CrdTranslationOptions = { ...defaultTranslationOptions, ...(parse(read(folder, 'options.yml') ?? '{}') as Partial<CrdTranslationOptions>) };
  const { config, errors } = translateCustomResources(snapshotOf(objects), options);
  return stringify({ config, errors: errors.map((error) => error.message) }, { lineWidth: 0 });
}

describe('translateCustomResources', () => {
  for (const folder of cases) {
    const objects = parseManifests(read(folder, 'input.yml') ?? '') as KubernetesObject[];
    it(`translates ${folder.replaceAll('-', ' ')} as in ${folder}/expected.yml`, () => {
      const actual = translated(folder, objects);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(`${fixtures}${folder}/expected.yml`, actual);
      assert.equal(actual, read(folder, 'expected.yml'));
      const { config } = parse(actual) as { config: Record<string, unknown> };
      assert.deepEqual(decodeDynamicConfig(config).errors.map((error) => error.message), parse(read(folder, 'decode-errors.yml') ?? '[]'), 'the file provider reads the result');
    });
    // A case that mixes both groups on purpose (the same object in each) is read as written only.
    const groups = new Set(objects.map((object) => /^traefik\.(io|containo\.us)\//.exec(object.apiVersion ?? '')?.[0]).filter((group) => group !== undefined));
    if (groups.size > 1) continue;
    for (const group of ['traefik.io', 'traefik.containo.us']) {
      it(`translates ${folder.replaceAll('-', ' ')} the same with every object in ${group}/v1alpha1`, () => {
        assert.equal(translated(folder, inGroup(objects, group)), read(folder, 'expected.yml'));
      });
    }
  }
});
