import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkDynamic } from '../../../src/cli/check.js';
import { formatConfigErrors } from '../../../src/config/errors.js';
import { loadStaticConfig } from '../../../src/config/static/load.js';

/** Source folder of the golden pairs (tests run from dist/, fixtures stay in test/). */
const fixtures = fileURLToPath(new URL('../../../../test/config/dynamic/errors/', import.meta.url));
const cases = readdirSync(fixtures).filter((name) => name.endsWith('.yml')).sort();

async function errorsFor(file: string): Promise<string> {
  const loaded = loadStaticConfig({
    argv: ['--entryPoints.web.address=:80', '--entryPoints.websecure.address=:443', '--entryPoints.udpep.address=:5353/udp', `--providers.file.filename=${fixtures}${file}`],
    env: {},
    cwd: fixtures,
    systemDirs: [],
  });
  assert.deepEqual(loaded.errors, []);
  const { errors } = await checkDynamic(loaded.config);
  return `${formatConfigErrors(errors).replaceAll(fixtures, '')}\n`;
}

describe('dynamic configuration errors', () => {
  for (const file of cases) {
    const golden = file.replace(/\.yml$/, '.errors.txt');
    it(`reports ${file.replace(/\.yml$/, '').replaceAll('-', ' ')} with its path`, async () => {
      const actual = await errorsFor(file);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(`${fixtures}${golden}`, actual);
      assert.equal(actual, readFileSync(`${fixtures}${golden}`, 'utf8'));
    });
  }
});
