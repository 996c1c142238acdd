import assert from 'node:assert/strict';
import { mkdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileProvider } from '../../../src/providers/file/file-provider.js';
import type { ProviderSnapshot } from '../../../src/providers/provider.js';
import { messages, replaceFile, routerYaml, startProvider, tempDir, valueAt } from './file-test-support.js';

const ruleOf = (snapshot: ProviderSnapshot, router: string): unknown => valueAt(snapshot, 'http', 'routers', router, 'rule');

describe('file provider watching', () => {
  it('pushes an initial snapshot, then a new one when the file is rewritten in place', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));

    const provider = await startProvider(t, { filename });
    assert.equal(ruleOf(provider.latest(), 'api'), 'Host(`a.example.com`)');

    await writeFile(filename, routerYaml('api', 'b.example.com'));

    const snapshot = await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`b.example.com`)', 'the rewritten rule');
    assert.deepEqual(snapshot.errors, []);
  });

  it('follows a file replaced by rename, again and again', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename });

    for (const host of ['b.example.com', 'c.example.com', 'd.example.com']) {
      await replaceFile(filename, routerYaml('api', host));
      await provider.waitFor((s) => ruleOf(s, 'api') === `Host(\`${host}\`)`, `the rule for ${host}`);
    }
  });

  it('ignores changes to other files beside the watched file', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename });
    const before = provider.snapshots.length;

    await writeFile(join(directory, 'other.yml'), routerYaml('other', 'o.example.com'));
    // The rewrite of the watched file is the barrier: once it is seen, the other file's change was handled too.
    await writeFile(filename, routerYaml('api', 'b.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`b.example.com`)', 'the rewritten rule');

    assert.equal(provider.snapshots.length, before + 1);
    assert.equal(ruleOf(provider.latest(), 'other'), undefined);
  });

  it('keeps the last good content of a half-written file, reports it, and recovers when the write completes', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename });

    await writeFile(filename, 'http:\n  routers:\n    api:\n      rule: "Host(`b.exa');
    const broken = await provider.waitFor((s) => s.errors.length > 0, 'the parse error');
    assert.deepEqual(messages(broken), [`${filename}:4:25: missing closing "quote`]);
    assert.equal(ruleOf(broken, 'api'), 'Host(`a.example.com`)');

    await writeFile(filename, routerYaml('api', 'b.example.com'));
    const recovered = await provider.waitFor((s) => s.errors.length === 0, 'the recovery');
    assert.equal(ruleOf(recovered, 'api'), 'Host(`b.example.com`)');
  });

  it('keeps the last good content while the file is deleted, and reads it again when it is re-created', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename });

    await unlink(filename);
    const missing = await provider.waitFor((s) => s.errors.length > 0, 'the missing file');
    assert.deepEqual(messages(missing), [`${filename}: no such file or directory`]);
    assert.equal(ruleOf(missing, 'api'), 'Host(`a.example.com`)');

    await writeFile(filename, routerYaml('api', 'b.example.com'));
    const back = await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`b.example.com`)', 'the re-created file');
    assert.deepEqual(back.errors, []);
  });

  it('picks up a file that does not exist yet when the provider starts', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.toml');
    const provider = await startProvider(t, { filename });
    assert.deepEqual(messages(provider.latest()), [`${filename}: no such file or directory`]);

    await writeFile(filename, '[http.routers.api]\nrule = "Host(`a`)"\n');

    const snapshot = await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`a`)', 'the created file');
    assert.deepEqual(snapshot.errors, []);
  });

  it('follows files added, changed and removed anywhere in a directory, including new subdirectories', async (t) => {
    const directory = await tempDir(t);
    await writeFile(join(directory, 'a.yml'), routerYaml('a', 'a.example.com'));
    const provider = await startProvider(t, { directory });

    await mkdir(join(directory, 'team', 'more'), { recursive: true });
    await writeFile(join(directory, 'team', 'more', 'b.yml'), routerYaml('b', 'b.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'b') === 'Host(`b.example.com`)', 'the file in a new subdirectory');

    await replaceFile(join(directory, 'team', 'more', 'b.yml'), routerYaml('b', 'c.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'b') === 'Host(`c.example.com`)', 'the replaced file in the subdirectory');

    await writeFile(join(directory, 'team', 'more', 'b.yml'), routerYaml('b', 'd.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'b') === 'Host(`d.example.com`)', 'the rewritten file in the subdirectory');

    await rm(join(directory, 'team'), { recursive: true });
    const snapshot = await provider.waitFor((s) => ruleOf(s, 'b') === undefined, 'the removed subdirectory');
    assert.equal(ruleOf(snapshot, 'a'), 'Host(`a.example.com`)');
    assert.deepEqual(snapshot.errors, []);
  });

  it('follows a subdirectory renamed inside the watched directory', async (t) => {
    const directory = await tempDir(t);
    await mkdir(join(directory, 'v1'));
    await writeFile(join(directory, 'v1', 'app.yml'), routerYaml('app', 'v1.example.com'));
    const provider = await startProvider(t, { directory });

    await rename(join(directory, 'v1'), join(directory, 'v2'));
    await writeFile(join(directory, 'v2', 'app.yml'), routerYaml('app', 'v2.example.com'));

    await provider.waitFor((s) => ruleOf(s, 'app') === 'Host(`v2.example.com`)', 'the file in the renamed subdirectory');
    await writeFile(join(directory, 'v2', 'app.yml'), routerYaml('app', 'v3.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'app') === 'Host(`v3.example.com`)', 'a later change in the renamed subdirectory');
  });

  it('follows the watched directory when it is renamed away and replaced by a new one', async (t) => {
    const parent = await tempDir(t);
    const directory = join(parent, 'conf.d');
    await mkdir(directory);
    await writeFile(join(directory, 'app.yml'), routerYaml('app', 'old.example.com'));
    const provider = await startProvider(t, { directory });

    await rename(directory, join(parent, 'conf.d.old'));
    const gone = await provider.waitFor((s) => s.errors.length > 0, 'the missing directory');
    assert.deepEqual(messages(gone), [`${directory}: no such file or directory`]);
    assert.equal(ruleOf(gone, 'app'), 'Host(`old.example.com`)');

    const next = join(parent, 'conf.d.next');
    await mkdir(next);
    await writeFile(join(next, 'app.yml'), routerYaml('app', 'new.example.com'));
    await rename(next, directory);
    const replaced = await provider.waitFor((s) => ruleOf(s, 'app') === 'Host(`new.example.com`)', 'the new directory');
    assert.deepEqual(replaced.errors, []);

    await writeFile(join(directory, 'app.yml'), routerYaml('app', 'newer.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'app') === 'Host(`newer.example.com`)', 'a change in the new directory');
  });

  it('reports a duplicate name introduced by a new file and drops the report when the file goes', async (t) => {
    const directory = await tempDir(t);
    await writeFile(join(directory, 'a.yml'), routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { directory });

    await writeFile(join(directory, 'b.yml'), routerYaml('api', 'b.example.com'));
    const conflict = await provider.waitFor((s) => s.errors.length > 0, 'the duplicate');
    assert.deepEqual(messages(conflict), ['http.routers.api: defined in both "a.yml" and "b.yml"']);
    assert.equal(ruleOf(conflict, 'api'), undefined);

    await unlink(join(directory, 'b.yml'));
    const resolved = await provider.waitFor((s) => s.errors.length === 0, 'the resolved duplicate');
    assert.equal(ruleOf(resolved, 'api'), 'Host(`a.example.com`)');
  });

  it('coalesces a burst of quick writes into about one push', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'start.example.com'));
    const provider = await startProvider(t, { filename, debounceMs: 150 });
    const before = provider.snapshots.length;

    for (let index = 1; index <= 6; index++) await writeFile(filename, routerYaml('api', `burst${index}.example.com`));

    await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`burst6.example.com`)', 'the last write of the burst');
    const pushed = provider.snapshots.slice(before);
    assert.ok(pushed.length <= 2, `expected at most 2 pushes, got ${pushed.length}`);
  });

  it('does not push when a change leaves the configuration as it was', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename });
    const before = provider.snapshots.length;

    await writeFile(filename, `# only a comment changed\n${routerYaml('api', 'a.example.com')}`);
    await replaceFile(filename, `\n\n${routerYaml('api', 'a.example.com')}`);
    // A real change is the barrier: every earlier change was read before it.
    await writeFile(filename, routerYaml('api', 'b.example.com'));
    await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`b.example.com`)', 'the real change');

    assert.equal(provider.snapshots.length, before + 1);
  });

  it('stops when the signal aborts: run resolves and later changes are not pushed', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename });

    await provider.stop();
    const pushed = provider.snapshots.length;
    await writeFile(filename, routerYaml('api', 'b.example.com'));
    // Absence can only be observed over time: several debounce periods pass without a push.
    await new Promise((resolve) => setTimeout(resolve, 200));

    assert.equal(provider.snapshots.length, pushed);
  });

  it('resolves at once for a signal already aborted, and pushes nothing', async () => {
    const provider = new FileProvider({ filename: '/nonexistent/dynamic.yml', watch: true, reloadOnHangup: false });
    const pushed: ProviderSnapshot[] = [];
    const controller = new AbortController();
    controller.abort();

    await provider.run((snapshot) => pushed.push(snapshot), controller.signal);

    assert.deepEqual(pushed, []);
  });

  it('reads once and waits for the signal when watch is off', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename, watch: false });

    await writeFile(filename, routerYaml('api', 'b.example.com'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(provider.snapshots.length, 1);
    assert.equal(ruleOf(provider.latest(), 'api'), 'Host(`a.example.com`)');

    await provider.stop();
  });

  it('reloads on SIGHUP, as Traefik does, when asked to', async (t) => {
    const directory = await tempDir(t);
    const filename = join(directory, 'dynamic.yml');
    await writeFile(filename, routerYaml('api', 'a.example.com'));
    const provider = await startProvider(t, { filename, watch: false, reloadOnHangup: true });

    await writeFile(filename, routerYaml('api', 'b.example.com'));
    process.kill(process.pid, 'SIGHUP');

    await provider.waitFor((s) => ruleOf(s, 'api') === 'Host(`b.example.com`)', 'the reload on SIGHUP');
  });
});
