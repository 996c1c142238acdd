import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/config/errors.js';
import { loadUsers } from '../../../../src/http/middlewares/htpasswd/users.js';

describe('loadUsers', () => {
  it('reads the file first and lets the users list override it', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-users-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'users');
    await writeFile(file, '# admins\n\n  alice:hash-a  \nbob:hash-b\r\n');

    const users = loadUsers({ usersFile: file, users: ['bob:hash-override', 'carol:hash-c'] }, ['name', 'hash']);

    assert.deepEqual([...users], [['alice', ['alice', 'hash-a']], ['bob', ['bob', 'hash-override']], ['carol', ['carol', 'hash-c']]]);
  });

  it('keys digest users by name and realm', () => {
    const users = loadUsers({ users: ['test:traefik:a', 'test:other:b'] }, ['name', 'realm', 'hash']);

    assert.deepEqual([...users.keys()], ['test:traefik', 'test:other']);
  });

  it('names the line of a malformed file entry', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-users-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'users');
    await writeFile(file, 'alice:hash\n# comment\nbroken\n');

    assert.throws(() => loadUsers({ usersFile: file }, ['name', 'hash']), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `usersFile: line 3 of ${JSON.stringify(file)}: expected "name:hash", got "broken"`);
      return true;
    });
  });

  it('names the index of a malformed users entry', () => {
    assert.throws(() => loadUsers({ users: ['a:b:c:d'] }, ['name', 'realm', 'hash']), { message: 'users[0]: expected "name:realm:hash", got "a:b:c:d"' });
  });

  it('refuses a directory as usersFile', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'junction-users-'));
    t.after(() => rm(dir, { recursive: true, force: true }));

    assert.throws(() => loadUsers({ usersFile: dir }, ['name', 'hash']), { message: `usersFile: cannot read ${JSON.stringify(dir)}: is a directory` });
  });
});
