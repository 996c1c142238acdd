import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { fileRotation, rotatingFileSink } from '../../src/observability/rotating-file-sink.js';
import { until } from '../support/until.js';

async function directory(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-log-rotation-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Every line of the log: the rotated files (decompressed), oldest first, then the current file. */
async function allLines(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).sort();
  const rotated = names.filter((name) => name.endsWith('.gz'));
  const texts = await Promise.all(rotated.map(async (name) => gunzipSync(await readFile(join(dir, name))).toString()));
  texts.push(await readFile(join(dir, 'junction.log'), 'utf8'));
  return texts.join('').split('\n').filter((line) => line !== '');
}

const line = (n: number): string => `line ${String(n).padStart(3, '0')} ${'x'.repeat(30)}\n`;

describe('the rotating log file', () => {
  it('moves the file aside, named by its UTC time, before a line would take it past the size, and compresses it', async (t) => {
    const dir = await directory(t);
    const sink = rotatingFileSink(join(dir, 'junction.log'), { maxBytes: 200, maxBackups: 0, maxAgeDays: 0 }, assert.fail);

    for (let n = 0; n < 20; n++) {
      sink.write(line(n));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await sink.close();
    await until(async () => !(await readdir(dir)).some((name) => /\d\.log$/.test(name)), { message: 'every rotated file compressed' });

    const names = await readdir(dir);
    assert.ok(names.filter((name) => /^junction-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log\.gz$/.test(name)).length >= 3, names.join(' '));
    assert.ok((await readFile(join(dir, 'junction.log'))).length <= 200);
    assert.deepEqual(await allLines(dir), Array.from({ length: 20 }, (_, n) => line(n).trimEnd()));
  });

  it('keeps only the newest maxBackups rotated files and removes those older than maxAge', async (t) => {
    const dir = await directory(t);
    await writeFile(join(dir, 'junction-2020-01-01T00-00-00.000.log.gz'), 'old');
    await writeFile(join(dir, 'other.log'), 'not a rotated file');
    const sink = rotatingFileSink(join(dir, 'junction.log'), { maxBytes: 100, maxBackups: 2, maxAgeDays: 30 }, assert.fail);

    for (let n = 0; n < 20; n++) {
      sink.write(line(n));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await sink.close();

    await until(async () => (await readdir(dir)).filter((name) => name.startsWith('junction-')).length === 2, { message: 'two rotated files left' });
    const names = await readdir(dir);
    assert.ok(!names.includes('junction-2020-01-01T00-00-00.000.log.gz'));
    assert.ok(names.includes('other.log'));
  });

  it('reads log.maxSize in MiB, 0 meaning 100 MiB as lumberjack', () => {
    assert.equal(fileRotation({ maxSize: 0, maxBackups: 3, maxAge: 7 }).maxBytes, 100 * 1024 * 1024);
    assert.deepEqual(fileRotation({ maxSize: 2, maxBackups: 3, maxAge: 7 }), { maxBytes: 2 * 1024 * 1024, maxBackups: 3, maxAgeDays: 7 });
  });
});
